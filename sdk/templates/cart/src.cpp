// cart/@NAME@: buyers' carts from @NEIGHBOUR@'s REST API.
//
//   GET    {base_url}/v1/carts/{userId}   {"items": [{"product_id", "variant_id"?, "seller_id"?, "quantity"}]}
//   DELETE {base_url}/v1/carts/{userId}   2xx once the cart is empty
//
// A buyer without a cart (404) has an empty one, and clearing a cart that
// is gone is done. 5xx, 408, 429 and transport failures are retryable
// errors, any other 4xx final; an answer that is not such a cart (a line
// without a product id, a quantity that is not a whole number >= 1) is the
// service failing, never a cart with fewer lines.
//
// Every call goes through the host's HTTP service (timeouts capped by the
// call's deadline, retries of idempotent calls, circuit breaker, metrics).
// Thread-safety: the instance holds only immutable settings, so concurrent
// calls are safe.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "orders/sdk/config_options.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/wire.hpp"
#include "orders_@KIND_IDENT@_@IDENT@_config_schema.hpp"

namespace {

using namespace orders::sdk;

class @CLASS@ final : public CartProvider {
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

  Result<Cart> load(const CartRef &ref) override {
    if (ref.userId.empty()) return invalidArgument("/userId: must not be empty");
    auto res = send("GET", ref.userId, "load");
    if (!res.ok()) return res.error();
    const std::string line = "GET " + urlOf(ref.userId);
    if (res->status == 404) return Cart{}; // no cart yet: an empty one
    if (!res->isSuccess()) return wire::statusError(*res, "load", line);
    Json::Value answer;
    try {
      answer = parseJson(res->body);
    } catch (const DecodeError &) {
      return unavailable("load: " + line + " answered a body that is not JSON: " + wire::excerpt(res->body));
    }
    if (!answer.isObject() || !answer["items"].isArray())
      return unavailable("load: " + line + " answered without an items array: " + wire::excerpt(res->body));
    Cart cart;
    for (Json::ArrayIndex i = 0; i < answer["items"].size(); ++i) {
      const Json::Value &item = answer["items"][i];
      const std::string at = "load: " + line + " item " + std::to_string(i);
      const std::optional<std::string> product = item.isObject() ? wire::idText(item["product_id"]) : std::nullopt;
      if (!product || product->empty()) return unavailable(at + " has no product_id");
      const Json::Value &quantity = item["quantity"];
      if (!quantity.isIntegral() || !quantity.isInt64() || quantity.asInt64() < 1)
        return unavailable(at + ": quantity must be a whole number >= 1, got " + wire::excerpt(writeJson(quantity)));
      StockLine l;
      l.productId = *product;
      l.variantId = wire::idText(item["variant_id"]);
      l.sellerId = wire::idText(item["seller_id"]);
      l.quantity = quantity.asInt64();
      cart.lines.push_back(std::move(l));
    }
    return cart;
  }

  Result<Empty> clear(const CartRef &ref) override {
    if (ref.userId.empty()) return invalidArgument("/userId: must not be empty");
    auto res = send("DELETE", ref.userId, "clear");
    if (!res.ok()) return res.error();
    if (res->isSuccess() || res->status == 404) return Empty{}; // 404: nothing left to clear
    return wire::statusError(*res, "clear", "DELETE " + urlOf(ref.userId));
  }

private:
  std::string urlOf(const std::string &user_id) const { return base_url_ + "/v1/carts/" + wire::percentEncode(user_id); }

  // One call; a transport failure is already the error to answer.
  Result<HttpResponse> send(const std::string &method, const std::string &user_id, const std::string &what) const {
    HttpRequest req;
    req.method = method;
    req.url = urlOf(user_id);
    req.headers["Authorization"] = "Bearer " + api_key_;
    req.headers["Accept"] = "application/json";
    req.timeoutMs = timeout_ms_; // the host caps it by the call's deadline
    req.idempotent = true;       // a read, and a delete of the whole cart: both safe to repeat
    auto res = host_.http(req);
    if (!res.ok()) return wire::transportError(res.error(), what);
    return res;
  }

  Host host_;
  std::string base_url_;
  int64_t timeout_ms_ = 5000;
  std::string api_key_;
};

} // namespace

ORDERS_PLUGIN(@CLASS@, "@NAME@", "0.1.0", "Buyers' carts from @NEIGHBOUR@", kConfigSchema)
