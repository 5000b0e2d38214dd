// TLS on the HTTP listener (config http.tls): the options, their reading
// from the config, and the server's OpenSSL context built from them.
//
// Every file is read and checked here, before the server starts: a missing
// or unreadable certificate, a key that is not a PEM private key, a key that
// does not belong to the certificate, an unreadable CA file or a cipher list
// OpenSSL rejects is an invalid_argument naming the option and the file
// ("http.tls.cert_file: cannot read '/etc/x.pem': No such file or directory").
#pragma once

#include <Poco/Net/Context.h>
#include <json/json.h>

#include <cstdint>
#include <functional>
#include <string>

#include "orders/sdk/result.hpp"

namespace orders::host::http {

struct TlsOptions {
  bool enabled = false;
  std::string cert_file; // PEM: the server's certificate, then its intermediates
  // The private key (PEM, unencrypted): from key_file, or its text from a
  // secret (key_pem, with key_source naming where it came from for errors).
  std::string key_file;
  std::string key_pem;
  std::string key_source;
  std::string ca_file;             // when set, clients must present a certificate it signed
  std::string min_version = "1.2"; // "1.2" or "1.3"
  std::string ciphers;             // OpenSSL list for TLS <= 1.2; empty: kDefaultCiphers
  int64_t handshake_timeout_ms = 5000;
  int64_t hsts_max_age_seconds = 31536000; // 0: no Strict-Transport-Security
};

// ECDHE key exchange with AEAD ciphers only (Mozilla's "intermediate" list
// without DHE); TLS 1.3 suites are OpenSSL's defaults.
extern const char *const kDefaultCiphers;

// Resolves a secret by name (the app passes the secret store).
using SecretLookup = std::function<sdk::Result<std::string>(const std::string &name)>;

// http.tls of a validated config (defaults applied). key_secret is read
// through `secret`; an error names the option.
sdk::Result<TlsOptions> tlsOptionsFromConfig(const Json::Value &tls, const SecretLookup &secret);

// The server context for `options` (enabled), or invalid_argument naming the
// option and file at fault.
sdk::Result<Poco::Net::Context::Ptr> makeServerContext(const TlsOptions &options);

} // namespace orders::host::http
