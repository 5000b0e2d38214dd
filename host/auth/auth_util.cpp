#include "auth/auth_util.hpp"

#include <Poco/Base64Encoder.h>

#include <sstream>

namespace orders::host::auth {

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
