// Helpers shared by the auth schemes (internal to host/auth): SHA-256,
// HMAC-SHA256, hex and constant-time compare (the SDK's orders/sdk/crypto.hpp,
// the one copy in the tree), base64url encoding, secrets looked
// up by the name a config key holds, and safe quoting of caller-supplied text
// in error messages.
//
// Thread-safety: pure functions.
#pragma once

#include <json/json.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "auth/authenticator.hpp"
#include "auth/secret_store.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/result.hpp"

namespace orders::host::auth {

// Raw digests (32 bytes held in a std::string), lower-case hex, and the
// comparison to use for every secret (time depends on the lengths only).
using sdk::crypto::constantTimeEquals;
using sdk::crypto::hex;
using sdk::crypto::hmacSha256;
using sdk::crypto::sha256;
// RFC 4648 base64url without padding (the JWS encoding).
std::string base64UrlNoPad(std::string_view bytes);

std::string lowerAscii(std::string_view text);
std::string upperAscii(std::string_view text);
// `text` trimmed of spaces and tabs at both ends.
std::string_view trimSpaces(std::string_view text);

// For error messages: `text` in single quotes, at most 40 characters, every
// byte outside printable ASCII replaced by '?'.
std::string safeQuote(std::string_view text);

// Resolves the secret whose name is `section[key]`. `where` is the config path
// of the section ("auth.jwt"). invalid_argument naming "<where>.<key>" when
// the name is empty, the secret is unknown, or its value is empty.
sdk::Result<std::string> resolveSecret(const plugins::SecretStore &secrets, const Json::Value &section,
                                       const std::string &key, const std::string &where);

// The role named by `section[key]`; invalid_argument naming "<where>.<key>"
// when unknown.
sdk::Result<Role> roleSetting(const Json::Value &section, const std::string &key, const std::string &where);

// A caller's role words mapped onto the host's roles (lower-case keys), from
// `section.role_aliases`; invalid_argument naming the key on an unknown role.
using RoleAliases = std::map<std::string, Role>;
sdk::Result<RoleAliases> roleAliasesSetting(const Json::Value &section, const std::string &where);
// The role a word names: an alias first, then the host's own names.
std::optional<Role> roleFromWord(const RoleAliases &aliases, std::string_view word);

} // namespace orders::host::auth
