#include "http/tls.hpp"

#include <Poco/Exception.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "log/logger.hpp"

namespace orders::host::http {

const char *const kDefaultCiphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

namespace {

struct BioFree {
  void operator()(BIO *b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509 *x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string quoted(const std::string &path) { return "'" + path + "'"; }

// OpenSSL's queued errors as one line (and the queue emptied).
std::string opensslErrors() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "no detail from OpenSSL" : out;
}

// A regular file's contents, or why not (strerror).
sdk::Result<std::string> readFile(const std::string &option, const std::string &path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sdk::invalidArgument(option + ": cannot read " + quoted(path) + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return sdk::invalidArgument(option + ": " + quoted(path) + " is not a regular file");
  }
  std::string text;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return sdk::invalidArgument(option + ": cannot read " + quoted(path) + ": " + std::strerror(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

BioPtr memoryBio(const std::string &text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Never prompt on the terminal for a passphrase: an encrypted key is refused.
int noPassphrase(char *, int, int, void *) { return 0; }

sdk::Result<std::vector<X509Ptr>> readCertificates(const TlsOptions &o) {
  auto text = readFile("http.tls.cert_file", o.cert_file);
  if (!text.ok()) return text.error();
  ERR_clear_error();
  BioPtr bio = memoryBio(text.value());
  std::vector<X509Ptr> chain;
  while (X509 *cert = PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr))
    chain.emplace_back(cert);
  ERR_clear_error(); // the end of the file reads as an error
  if (chain.empty())
    return sdk::invalidArgument("http.tls.cert_file: " + quoted(o.cert_file) + " holds no PEM certificate");
  return chain;
}

sdk::Result<PkeyPtr> readKey(const TlsOptions &o) {
  std::string text = o.key_pem;
  std::string where = o.key_source;
  if (o.key_pem.empty()) {
    auto file = readFile("http.tls.key_file", o.key_file);
    if (!file.ok()) return file.error();
    text = std::move(file).value();
    where = "http.tls.key_file: " + quoted(o.key_file);
  }
  text += "\n"; // a secret's trailing newline was stripped
  ERR_clear_error();
  BioPtr bio = memoryBio(text);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr));
  if (!key) return sdk::invalidArgument(where + " holds no unencrypted PEM private key (" + opensslErrors() + ")");
  return key;
}

} // namespace

sdk::Result<TlsOptions> tlsOptionsFromConfig(const Json::Value &tls, const SecretLookup &secret) {
  TlsOptions o;
  o.enabled = tls["enabled"].asBool();
  if (!o.enabled) return o;
  o.cert_file = tls["cert_file"].asString();
  if (o.cert_file.empty()) return sdk::invalidArgument("http.tls.cert_file: is required when http.tls.enabled");
  const bool key_file = tls.isMember("key_file"), key_secret = tls.isMember("key_secret");
  if (key_file == key_secret)
    return sdk::invalidArgument(key_file ? "http.tls: give key_file or key_secret, not both"
                                         : "http.tls: key_file or key_secret is required when http.tls.enabled");
  if (key_file) o.key_file = tls["key_file"].asString();
  if (key_secret) {
    const std::string name = tls["key_secret"].asString();
    auto value = secret(name);
    if (!value.ok()) return sdk::invalidArgument("http.tls.key_secret: " + value.error().message);
    if (value.value().empty()) return sdk::invalidArgument("http.tls.key_secret: secret " + name + " is empty");
    o.key_pem = std::move(value).value();
    o.key_source = "http.tls.key_secret: secret " + name;
  }
  o.ca_file = tls["ca_file"].asString();
  // YAML types an unquoted 1.2 as a number; the schema accepts both.
  const Json::Value &min = tls["min_version"];
  if (min.isString())
    o.min_version = min.asString();
  else if (min.isNumeric())
    o.min_version = min.asDouble() > 1.25 ? "1.3" : "1.2";
  o.ciphers = tls["ciphers"].asString();
  if (tls.isMember("handshake_timeout_ms")) o.handshake_timeout_ms = tls["handshake_timeout_ms"].asInt64();
  if (tls.isMember("hsts_max_age_seconds")) o.hsts_max_age_seconds = tls["hsts_max_age_seconds"].asInt64();
  return o;
}

sdk::Result<Poco::Net::Context::Ptr> makeServerContext(const TlsOptions &o) {
  if (o.min_version != "1.2" && o.min_version != "1.3")
    return sdk::invalidArgument("http.tls.min_version: must be \"1.2\" or \"1.3\", not '" + o.min_version + "'");
  auto chain = readCertificates(o);
  if (!chain.ok()) return chain.error();
  auto key = readKey(o);
  if (!key.ok()) return key.error();
  X509 *leaf = chain.value().front().get();
  ERR_clear_error();
  if (X509_check_private_key(leaf, key.value().get()) != 1) {
    ERR_clear_error();
    const std::string key_name =
        o.key_pem.empty() ? "http.tls.key_file: the key in " + quoted(o.key_file) : o.key_source + ": the key";
    return sdk::invalidArgument(key_name + " does not belong to the certificate in http.tls.cert_file (" +
                                quoted(o.cert_file) + ")");
  }
  if (X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0)
    log::warn("the TLS certificate has expired; clients will refuse it", {{"cert_file", o.cert_file}});
  if (!o.ca_file.empty()) {
    auto ca = readFile("http.tls.ca_file", o.ca_file); // a clear error before OpenSSL's
    if (!ca.ok()) return ca.error();
  }

  Poco::Net::Context::Params params;
  params.cipherList = o.ciphers.empty() ? kDefaultCiphers : o.ciphers;
  params.dhUse2048Bits = true; // only used when `ciphers` names DHE suites
  params.caLocation = o.ca_file;
  // With a CA: a client without a certificate it signed fails the handshake.
  params.verificationMode = o.ca_file.empty() ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
  Poco::Net::Context::Ptr context;
  try {
    context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
  } catch (const Poco::Exception &e) {
    return sdk::invalidArgument("http.tls.ca_file: " + quoted(o.ca_file) + ": " + e.displayText());
  }
  SSL_CTX *ssl = context->sslContext();
  ERR_clear_error();
  if (SSL_CTX_set_cipher_list(ssl, params.cipherList.c_str()) != 1) // Poco ignores a failure here
    return sdk::invalidArgument("http.tls.ciphers: OpenSSL knows no cipher in '" + params.cipherList + "' (" +
                                opensslErrors() + ")");
  if (SSL_CTX_use_certificate(ssl, leaf) != 1)
    return sdk::invalidArgument("http.tls.cert_file: " + quoted(o.cert_file) + ": " + opensslErrors());
  for (size_t i = 1; i < chain.value().size(); ++i)
    if (SSL_CTX_add1_chain_cert(ssl, chain.value()[i].get()) != 1)
      return sdk::invalidArgument("http.tls.cert_file: " + quoted(o.cert_file) + ": certificate " +
                                  std::to_string(i + 1) + ": " + opensslErrors());
  if (SSL_CTX_use_PrivateKey(ssl, key.value().get()) != 1 || SSL_CTX_check_private_key(ssl) != 1)
    return sdk::invalidArgument((o.key_pem.empty() ? "http.tls.key_file: " + quoted(o.key_file) : o.key_source) + ": " +
                                opensslErrors());
  if (!o.ca_file.empty()) {
    // Tell clients which CAs to pick a certificate for.
    if (STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(o.ca_file.c_str())) SSL_CTX_set_client_CA_list(ssl, names);
    ERR_clear_error();
  }
  // Session tickets resume sessions; with client certificates OpenSSL
  // refuses a resumption unless the context has a session id context.
  static const unsigned char kSessionContext[] = "order-service";
  SSL_CTX_set_session_id_context(ssl, kSessionContext, sizeof kSessionContext - 1);
  context->requireMinimumProtocol(o.min_version == "1.3" ? Poco::Net::Context::PROTO_TLSV1_3
                                                         : Poco::Net::Context::PROTO_TLSV1_2);
  context->preferServerCiphers();
  context->enableExtendedCertificateVerification(false); // client certificates: the CA check is the check
  return context;
}

} // namespace orders::host::http
