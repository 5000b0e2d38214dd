#include "config/env_subst.hpp"

#include <cstdlib>

namespace orders::host::config {

EnvLookup processEnv() {
  return [](const std::string &name) -> std::optional<std::string> {
    const char *v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

namespace {
bool validName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return !(name[0] >= '0' && name[0] <= '9');
}
} // namespace

sdk::Result<std::string> substituteEnv(std::string_view text, const EnvLookup &env) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$' || i + 1 >= text.size()) {
      out += c;
      ++i;
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (text[i + 1] != '{') {
      out += c;
      ++i;
      continue;
    }
    // The matching '}': a default may itself hold ${...} (nested defaults).
    size_t close = i + 2;
    for (int depth = 1; close < text.size(); ++close) {
      if (text[close] == '$' && close + 1 < text.size() && text[close + 1] == '{') {
        ++depth;
        ++close;
      } else if (text[close] == '}' && --depth == 0) {
        break;
      }
    }
    if (close >= text.size()) return sdk::invalidArgument("unterminated ${...} in '" + std::string(text) + "'");
    const std::string_view expr = text.substr(i + 2, close - i - 2);
    const size_t sep = expr.find(":-");
    const std::string_view name = sep == std::string_view::npos ? expr : expr.substr(0, sep);
    if (!validName(name)) return sdk::invalidArgument("bad variable name in '${" + std::string(expr) + "}'");
    const std::optional<std::string> value = env(std::string(name));
    if (sep == std::string_view::npos) {
      if (!value) return sdk::invalidArgument("environment variable " + std::string(name) + " is not set");
      out += *value;
    } else {
      if (value && !value->empty()) {
        out += *value;
      } else {
        auto fallback = substituteEnv(expr.substr(sep + 2), env); // evaluated only when used
        if (!fallback.ok()) return fallback.error();
        out += fallback.value();
      }
    }
    i = close + 1;
  }
  return out;
}

} // namespace orders::host::config
