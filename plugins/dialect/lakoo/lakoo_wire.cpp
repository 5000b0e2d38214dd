#include "lakoo_wire.hpp"

#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/json.hpp"

namespace orders::plugins::dialect::lakoo {

using namespace orders::sdk;

DialectResponse reply(int64_t status, const Json::Value &body) { return jsonResponse(status, body); }

DialectResponse invalid(std::vector<Detail> details) { return reply(400, validationFailure(details)); }

// The problem detail of a canonical error answer.
std::string detailOf(const CoreAnswer &a) {
  try {
    const Json::Value p = a.json();
    if (p["detail"].isString()) return p["detail"].asString();
  } catch (...) {
  }
  return "request failed with status " + std::to_string(a.status);
}

// A canonical error as LAKOO's error handler would have answered it.
DialectResponse fromProblem(const CoreAnswer &a) {
  switch (a.status) {
  case 401: return reply(401, failure("Authentication required"));
  case 403: return reply(403, failure("Insufficient permissions"));
  case 404: return reply(404, failure("Order not found"));
  case 409: return reply(400, failure(detailOf(a))); // LAKOO's AppErrors are 400
  case 422: return reply(409, failure("A record with this unique constraint already exists", "DUPLICATE_ENTRY"));
  default: break;
  }
  if (a.status >= 500) return reply(a.status, failure(detailOf(a), "INTERNAL_ERROR"));
  return reply(a.status, failure(detailOf(a)));
}

bool privileged(const DialectRequest &r) {
  return r.principal && (r.principal->role == "admin" || r.principal->role == "internal");
}

std::string param(const DialectRequest &r, const std::string &name) { return pathParam(r, name); }

std::optional<std::string> queryParam(const DialectRequest &r, const std::string &name) {
  auto it = r.queryParams.find(name);
  if (it == r.queryParams.end()) return std::nullopt;
  return it->second;
}

// express-validator isInt({min, max}).
std::optional<int64_t> intParam(const std::string &text, int64_t min, int64_t max) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  if (i == text.size()) return std::nullopt;
  for (size_t k = i; k < text.size(); ++k)
    if (text[k] < '0' || text[k] > '9') return std::nullopt;
  const int64_t v = std::stoll(text);
  if (v < min || v > max) return std::nullopt;
  return v;
}

// zod z.coerce.number(): numbers as they are, strings via Number().
std::optional<double> coerceNumber(const Json::Value &v) {
  if (v.isNumeric() && !v.isBool()) return v.asDouble();
  if (v.isString()) {
    const std::string s = v.asString();
    if (s.find_first_not_of(" \t") == std::string::npos) return 0.0; // Number("") is 0
    try {
      size_t used = 0;
      const double d = std::stod(s, &used);
      if (s.find_first_not_of(" \t", used) != std::string::npos) return std::nullopt;
      return d;
    } catch (...) {
      return std::nullopt;
    }
  }
  if (v.isBool()) return v.asBool() ? 1.0 : 0.0;
  return std::nullopt;
}

} // namespace orders::plugins::dialect::lakoo
