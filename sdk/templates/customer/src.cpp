// customer/@NAME@: buyers' names, emails and phones from @NEIGHBOUR@'s REST API.
//
//   GET {base_url}/v1/customers/{userId}   {"id", "name"?, "email"?, "phone"?}
//
// The host snapshots the answer on the order (invoices and notifications
// show it). A customer the service does not know (404) is not_found: the
// host goes on without a snapshot. When the service has no email, the one
// the buyer's credentials carried (CustomerRef::email) is kept. 5xx, 408,
// 429 and transport failures are retryable errors, any other 4xx final;
// an answer that is not a customer is the service failing (unavailable).
//
// Every call goes through the host's HTTP service (timeouts capped by the
// call's deadline, retries of idempotent calls, circuit breaker, metrics).
// Thread-safety: the instance holds only immutable settings, so concurrent
// calls are safe.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "orders/sdk/config_options.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/wire.hpp"
#include "orders_@KIND_IDENT@_@IDENT@_config_schema.hpp"

namespace {

using namespace orders::sdk;

class @CLASS@ final : public CustomerDirectory {
public:
  static Result<std::unique_ptr<@CLASS@>> create(PluginContext ctx) {
    auto p = std::make_unique<@CLASS@>(ctx.host);
    auto base_url = baseUrlOption("base_url", ctx.config["base_url"].asString()); // http(s), no trailing '/'
    if (!base_url.ok()) return base_url.error();
    p->base_url_ = std::move(base_url).value();
    p->timeout_ms_ = ctx.config["timeout_ms"].asInt64();
    auto key = ctx.host.secret(ctx.config["api_key_secret"].asString());
    if (!key.ok()) return invalidArgument("api_key_secret: " + key.error().message);
    p->api_key_ = key.value();
    return p;
  }
  explicit @CLASS@(Host host) : host_(host) {}

  Result<Party> lookup(const CustomerRef &ref) override {
    if (ref.userId.empty()) return invalidArgument("/userId: must not be empty");
    HttpRequest req;
    req.method = "GET";
    req.url = base_url_ + "/v1/customers/" + wire::percentEncode(ref.userId);
    req.headers["Authorization"] = "Bearer " + api_key_;
    req.headers["Accept"] = "application/json";
    req.timeoutMs = timeout_ms_; // the host caps it by the call's deadline
    req.idempotent = true;       // a read: safe to retry on a transport failure
    const std::string what = "customer " + ref.userId;
    const std::string line = "GET " + req.url;
    auto res = host_.http(req);
    if (!res.ok()) return wire::transportError(res.error(), what);
    if (res->status == 404) return notFound(what + " not found (" + line + " answered 404)");
    if (!res->isSuccess()) return wire::statusError(*res, what, line);
    Json::Value c;
    try {
      c = parseJson(res->body);
    } catch (const DecodeError &) {
      return unavailable(what + ": " + line + " answered a body that is not JSON: " + wire::excerpt(res->body));
    }
    if (!c.isObject()) return unavailable(what + ": " + line + " answered " + wire::typeName(c) + ", not a customer");
    for (const char *field : {"name", "email", "phone"})
      if (c.isMember(field) && !c[field].isNull() && !c[field].isString())
        return unavailable(what + ": " + line + ": " + field + " is " + wire::typeName(c[field]) + ", not text");
    Party p;
    p.id = ref.userId;
    p.name = text(c["name"]);
    p.email = text(c["email"]);
    if (!p.email) p.email = ref.email; // the credentials' email when the service has none
    p.phone = text(c["phone"]);
    return p;
  }

private:
  // Non-empty text, else nothing.
  static std::optional<std::string> text(const Json::Value &v) {
    if (!v.isString() || v.asString().empty()) return std::nullopt;
    return v.asString();
  }

  Host host_;
  std::string base_url_;
  int64_t timeout_ms_ = 5000;
  std::string api_key_;
};

} // namespace

ORDERS_PLUGIN(@CLASS@, "@NAME@", "0.1.0", "Buyers' names, emails and phones from @NEIGHBOUR@", kConfigSchema)
