// payment/payments-service: small helpers for building requests and reading
// answers. Header-only. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "orders/sdk/host.hpp"

namespace orders::plugins::payment {

// RFC 3986 percent-encoding of everything but unreserved characters.
inline std::string percentEncode(std::string_view in) {
  static const char *hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

inline std::string replaceAll(std::string text, std::string_view from, const std::string &to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// A short single-line excerpt of a response body for error messages.
inline std::string excerpt(const std::string &body) {
  std::string out = body.substr(0, 200);
  for (char &c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out.size() < body.size() ? out + "..." : out;
}

// A non-2xx answer: 5xx, 408 and 429 are unavailable (retryable), 401/403
// unauthenticated, 400/422 invalid_argument, 402 rejected, 404 not_found,
// 409 conflict, anything else internal. Callers handle the statuses that
// mean something else for them first (cancel's 404).
inline sdk::Error statusError(const sdk::HttpResponse &r, const std::string &what, const std::string &request_line) {
  const std::string detail =
      request_line + " answered " + std::to_string(r.status) + (r.body.empty() ? "" : ": " + excerpt(r.body));
  if (r.status >= 500 || r.status == 408 || r.status == 429) return sdk::unavailable(what + ": " + detail);
  if (r.status == 401 || r.status == 403) return sdk::unauthenticated(what + ": " + detail);
  if (r.status == 400 || r.status == 422) return sdk::invalidArgument(what + ": " + detail);
  if (r.status == 402) return sdk::rejected(what + ": " + detail);
  if (r.status == 404) return sdk::notFound(what + ": " + detail);
  if (r.status == 409) return sdk::conflict(what + ": " + detail);
  return sdk::internalError(what + ": unexpected answer: " + detail);
}

// A transport failure from the host (unavailable, timeout) keeps its code and
// retryability, so the host's circuit breaker counts it.
inline sdk::Error transportError(const sdk::Error &e, const std::string &what) {
  return sdk::Error{e.code, what + ": " + e.message, e.retryable};
}

} // namespace orders::plugins::payment
