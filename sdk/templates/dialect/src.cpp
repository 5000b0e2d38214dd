// dialect/@NAME@: @NEIGHBOUR@'s order API spoken over the order core, so
// that service's clients keep calling what they called. It answers:
//   GET  /orders/:id         -> {"order": {...}} in the replaced service's shape
//   POST /orders/:id/cancel  -> the cancelled order, Idempotency-Key forwarded
// with errors as {"error": {"code", "message"}} and its status words. The
// host mounts the routes where the config says (plugins.dialect[].mount),
// authenticates as the route's auth group says, and the core authorizes:
// a dialect acts only as the caller the host authenticated.
// Thread-safety: immutable after create(), so concurrent calls are safe.
#include <cctype>
#include <map>
#include <memory>
#include <string>

#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_@KIND_IDENT@_@IDENT@_config_schema.hpp"

namespace {

using namespace orders::sdk;

class @CLASS@ final : public Dialect {
public:
  static Result<std::unique_ptr<@CLASS@>> create(PluginContext ctx) {
    auto d = std::make_unique<@CLASS@>(ctx.host);
    const Json::Value &words = ctx.config["status_words"];
    for (const std::string &status : words.getMemberNames())
      d->status_words_[status] = words[status].asString();
    return d;
  }
  explicit @CLASS@(Host host) : host_(host) {}

  Result<DialectSpec> spec() override {
    DialectSpec s;
    s.routes.push_back(DialectRoute{"GET", "/orders/:id", "user", {}});
    s.routes.push_back(DialectRoute{"POST", "/orders/:id/cancel", "user", {"idempotency-key"}});
    return s;
  }

  Result<DialectResponse> handle(const DialectRequest &request, std::string_view body) override {
    if (request.authError) return error(401, "UNAUTHENTICATED", *request.authError);
    const DialectCore core(host_, request);
    const std::string id = pathParam(request, "id");
    Result<CoreAnswer> answer = unsupported("no such route");
    if (request.route == "/orders/:id") {
      answer = core("get", {{"id", id}});
    } else if (request.route == "/orders/:id/cancel") {
      // The replaced service took {"reason": "..."}; anything else is its 400.
      Json::Value in(Json::objectValue);
      if (!body.empty()) {
        try {
          in = parseJson(body);
        } catch (const DecodeError &) {
          return error(400, "BAD_REQUEST", "the body is not JSON");
        }
        if (!in.isObject() || (in.isMember("reason") && !in["reason"].isString()))
          return error(400, "BAD_REQUEST", "reason must be a string");
      }
      Json::Value canonical(Json::objectValue);
      if (in.isMember("reason")) canonical["reason"] = in["reason"];
      answer = core("cancel", {{"id", id}}, &canonical);
    } else {
      return error(404, "NOT_FOUND", "no route " + request.method + " " + request.path);
    }
    if (!answer.ok()) return answer.error(); // the host answers 5xx for a failed core call
    if (!answer->isSuccess()) return coreError(*answer);
    Json::Value order;
    try {
      order = answer->json();
    } catch (const DecodeError &e) {
      return internalError(std::string("the core answered a body that is not JSON: ") + e.what());
    }
    Json::Value out(Json::objectValue);
    out["order"] = rendered(order);
    return jsonResponse(200, out);
  }

private:
  // A canonical order in the replaced service's words: its status word, the
  // total as a decimal string in major units.
  Json::Value rendered(const Json::Value &order) const {
    Json::Value o(Json::objectValue);
    o["id"] = order["id"];
    o["number"] = order["orderNumber"];
    o["state"] = statusWord(order["status"].asString());
    const std::string currency = order["currency"].asString();
    const auto exponents = defaultCurrencyExponents();
    const auto exponent = exponents.find(currency);
    o["total"] = minorToMajor(order["totalMinor"].asInt64(), exponent == exponents.end() ? 2 : exponent->second);
    o["currency"] = currency;
    return o;
  }
  std::string statusWord(const std::string &status) const {
    auto it = status_words_.find(status);
    if (it != status_words_.end()) return it->second;
    std::string upper = status;
    for (char &c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
  }
  // A canonical error answer in the replaced service's words.
  static DialectResponse coreError(const CoreAnswer &a) {
    switch (a.status) {
    case 400: return error(400, "BAD_REQUEST", problemDetail(a));
    case 401: return error(401, "UNAUTHENTICATED", problemDetail(a));
    case 403: return error(403, "FORBIDDEN", problemDetail(a));
    case 404: return error(404, "NOT_FOUND", "order not found");
    case 409: return error(409, "CONFLICT", problemDetail(a));
    default: return error(a.status >= 500 ? 502 : a.status, "UPSTREAM_ERROR", problemDetail(a));
    }
  }
  static DialectResponse error(int64_t status, const std::string &code, const std::string &message) {
    Json::Value body(Json::objectValue);
    body["error"]["code"] = code;
    body["error"]["message"] = message;
    return jsonResponse(status, body);
  }

  Host host_;
  std::map<std::string, std::string> status_words_;
};

} // namespace

ORDERS_PLUGIN(@CLASS@, "@NAME@", "0.1.0", "@NEIGHBOUR@'s order API over the order core", kConfigSchema)
