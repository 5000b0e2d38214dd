#include "auth/auth_util.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <sstream>

namespace orders::host::auth {

namespace {

// Poco 1.11's SHA2Engine lacks the BLOCK_SIZE/DIGEST_SIZE that HMACEngine needs.
class Sha256Engine : public Poco::SHA2Engine {
public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

std::string bytesOf(const Poco::DigestEngine::Digest &digest) { return std::string(digest.begin(), digest.end()); }

} // namespace

std::string sha256(std::string_view data) {
  Sha256Engine engine;
  engine.update(data.data(), data.size());
  return bytesOf(engine.digest());
}

std::string hmacSha256(const std::string &key, std::string_view data) {
  Poco::HMACEngine<Sha256Engine> engine(key);
  engine.update(data.data(), data.size());
  return bytesOf(engine.digest());
}

std::string hexLower(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto byte = static_cast<unsigned char>(ch);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0f];
  }
  return out;
}

std::string base64UrlNoPad(std::string_view bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

std::string lowerAscii(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string upperAscii(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string_view trimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

std::string safeQuote(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    const char c = text[i];
    out += (c >= 0x20 && c < 0x7f && c != '\'') ? c : '?';
  }
  if (text.size() > kMax) out += "...";
  out += "'";
  return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  // Walks the longer input whatever the contents; a length difference is
  // folded into the result rather than returned early.
  const size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

sdk::Result<std::string> resolveSecret(const plugins::SecretStore &secrets, const Json::Value &section,
                                       const std::string &key, const std::string &where) {
  const std::string path = where + "." + key;
  const std::string name = section[key].isString() ? section[key].asString() : std::string();
  if (name.empty()) return sdk::invalidArgument(path + ": a secret name is required");
  auto value = secrets.get(name);
  if (!value.ok()) return sdk::invalidArgument(path + ": " + value.error().message);
  if (value.value().empty()) return sdk::invalidArgument(path + ": secret " + name + " is empty");
  return value;
}

sdk::Result<Role> roleSetting(const Json::Value &section, const std::string &key, const std::string &where) {
  const std::string name = section[key].isString() ? section[key].asString() : std::string();
  if (auto role = roleFromName(name)) return *role;
  return sdk::invalidArgument(where + "." + key + ": unknown role " + safeQuote(name) +
                              " (buyer, seller, admin, internal)");
}

sdk::Result<RoleAliases> roleAliasesSetting(const Json::Value &section, const std::string &where) {
  RoleAliases aliases;
  const Json::Value &map = section["role_aliases"];
  if (!map.isObject()) return aliases;
  for (const std::string &word : map.getMemberNames()) {
    auto role = roleFromName(map[word].asString());
    if (!role)
      return sdk::invalidArgument(where + ".role_aliases." + word + ": unknown role " +
                                  safeQuote(map[word].asString()));
    aliases[lowerAscii(word)] = *role;
  }
  return aliases;
}

std::optional<Role> roleFromWord(const RoleAliases &aliases, std::string_view word) {
  auto it = aliases.find(lowerAscii(word));
  if (it != aliases.end()) return it->second;
  return roleFromName(word);
}

} // namespace orders::host::auth
