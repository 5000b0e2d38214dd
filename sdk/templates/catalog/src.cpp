// catalog/@NAME@: products and prices from @NEIGHBOUR@'s REST API.
//
//   GET {base_url}/v1/products?ids=a,b   the products it knows of those ids (each id percent-encoded):
//     {"products": [{"id", "title", "price": "12.99", "currency": "USD", "seller_id"?, "image_url"?,
//                    "attributes"?: {name: text}, "variants"?: [{"id", "title"?, "price"?, "image_url"?}]}]}
//
// Prices are decimal text in major units ("12.99" USD, "1500" JPY, "1.250"
// KWD), turned into exact minor units by money.hpp with the currency's
// exponent: no double ever carries a price. A product (or variant) the
// service does not know is absent from its answer and so from the lookup's:
// not an error, the host refuses such a line itself. 5xx, 408, 429 and
// transport failures are retryable errors, any other 4xx final.
//
// Every call goes through the host's HTTP service (timeouts capped by the
// call's deadline, retries of idempotent calls, circuit breaker, metrics).
// Thread-safety: the instance holds only immutable settings, so concurrent
// calls are safe.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "orders/sdk/config_options.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/wire.hpp"
#include "orders_@KIND_IDENT@_@IDENT@_config_schema.hpp"

namespace {

using namespace orders::sdk;

class @CLASS@ final : public CatalogProvider {
public:
  static Result<std::unique_ptr<@CLASS@>> create(PluginContext ctx) {
    auto p = std::make_unique<@CLASS@>(ctx.host);
    auto base_url = baseUrlOption("base_url", ctx.config["base_url"].asString()); // http(s), no trailing '/'
    if (!base_url.ok()) return base_url.error();
    p->base_url_ = std::move(base_url).value();
    p->timeout_ms_ = ctx.config["timeout_ms"].asInt64();
    p->max_ids_ = static_cast<size_t>(ctx.config["max_ids_per_request"].asInt64());
    if (p->max_ids_ == 0) return invalidArgument("/max_ids_per_request: must be >= 1");
    p->exponents_ = defaultCurrencyExponents();
    const Json::Value &more = ctx.config["currency_exponents"];
    for (const std::string &currency : more.getMemberNames())
      p->exponents_[currency] = more[currency].asInt();
    auto key = ctx.host.secret(ctx.config["api_key_secret"].asString());
    if (!key.ok()) return invalidArgument("api_key_secret: " + key.error().message);
    p->api_key_ = key.value();
    return p;
  }
  explicit @CLASS@(Host host) : host_(host) {}

  Result<LookupResult> lookup(const LookupRequest &r) override {
    // Each product id once, in the order asked.
    std::vector<std::string> ids;
    std::set<std::string> asked;
    for (size_t i = 0; i < r.items.size(); ++i) {
      const std::string &id = r.items[i].productId;
      if (id.empty()) return invalidArgument("/items/" + std::to_string(i) + "/productId: must not be empty");
      if (asked.insert(id).second) ids.push_back(id);
    }
    // What the service knows, by product id, max_ids_per_request ids a call.
    std::map<std::string, Json::Value> known;
    for (size_t from = 0; from < ids.size(); from += max_ids_) {
      std::string query;
      for (size_t i = from; i < ids.size() && i < from + max_ids_; ++i)
        query += (query.empty() ? "" : ",") + wire::percentEncode(ids[i]);
      const Status fetched = fetch(query, known);
      if (!fetched.ok()) return fetched.error();
    }
    LookupResult out;
    std::set<std::pair<std::string, std::optional<std::string>>> answered;
    for (const ProductRef &item : r.items) {
      const auto product = known.find(item.productId);
      if (product == known.end()) continue; // unknown to the service: absent
      const Json::Value *variant = nullptr;
      if (item.variantId) {
        variant = variantOf(product->second, *item.variantId);
        if (variant == nullptr) continue; // a variant it does not know: absent too
      }
      if (!answered.insert({item.productId, item.variantId}).second) continue; // asked twice: answered once
      auto priced = productOf(product->second, variant, item);
      if (!priced.ok()) return priced.error();
      out.products.push_back(std::move(priced).value());
    }
    return out;
  }

private:
  // GET one batch of ids (percent-encoded, comma-separated); adds the
  // products the service answers to `known`.
  Status fetch(const std::string &ids, std::map<std::string, Json::Value> &known) const {
    const std::string what = "lookup";
    HttpRequest req;
    req.method = "GET";
    req.url = base_url_ + "/v1/products?ids=" + ids;
    req.headers["Authorization"] = "Bearer " + api_key_;
    req.headers["Accept"] = "application/json";
    req.timeoutMs = timeout_ms_; // the host caps it by the call's deadline
    req.idempotent = true;       // a read: safe to retry on a transport failure
    auto res = host_.http(req);
    if (!res.ok()) return wire::transportError(res.error(), what);
    const std::string line = "GET " + req.url;
    // wire::statusError: 5xx, 408, 429 retryable; 4xx final.
    if (!res->isSuccess()) return wire::statusError(*res, what, line);
    Json::Value answer;
    try {
      answer = parseJson(res->body);
    } catch (const DecodeError &) {
      return unavailable(what + ": " + line + " answered a body that is not JSON: " + wire::excerpt(res->body));
    }
    if (!answer.isObject() || !answer["products"].isArray())
      return unavailable(what + ": " + line + " answered without a products array: " + wire::excerpt(res->body));
    for (const Json::Value &p : answer["products"]) {
      const std::optional<std::string> id = p.isObject() ? wire::idText(p["id"]) : std::nullopt;
      if (!id)
        return unavailable(what + ": " + line + " answered a product without an id: " + wire::excerpt(res->body));
      known[*id] = p;
    }
    return Status();
  }

  // The variant of `product` with id `variant_id`; nullptr when it has none.
  static const Json::Value *variantOf(const Json::Value &product, const std::string &variant_id) {
    const Json::Value &variants = product["variants"];
    if (!variants.isArray()) return nullptr;
    for (const Json::Value &v : variants)
      if (v.isObject() && wire::idText(v["id"]) == variant_id) return &v;
    return nullptr;
  }

  // The host's Product for `item` from the service's product (and variant).
  Result<Product> productOf(const Json::Value &p, const Json::Value *variant, const ProductRef &item) const {
    const std::string what =
        "lookup: product " + item.productId + (item.variantId ? " variant " + *item.variantId : std::string());
    if (!p["title"].isString() || !p["currency"].isString())
      return unavailable(what + ": answered without title or currency");
    const Json::Value &price =
        variant != nullptr && (*variant)["price"].isString() ? (*variant)["price"] : p["price"];
    if (!price.isString()) return unavailable(what + ": the price is not decimal text such as \"12.99\"");
    const std::string currency = wire::upperAscii(p["currency"].asString());
    const auto exponent = exponents_.find(currency);
    if (exponent == exponents_.end())
      return internalError(what + ": unknown currency " + currency + " (add its exponent to currency_exponents)");
    int64_t minor = 0;
    if (decimalToMinor(price.asString(), exponent->second, minor) != DecimalError::none)
      return internalError(what + ": '" + price.asString() + "' is not an amount in " + currency);
    Product out;
    out.productId = item.productId;
    out.variantId = item.variantId;
    out.title = p["title"].asString();
    if (variant != nullptr && (*variant)["title"].isString()) out.title += " - " + (*variant)["title"].asString();
    out.unitPrice = Money{minor, currency};
    if (p["seller_id"].isString()) out.sellerId = p["seller_id"].asString(); // absent: house brand
    if (p["image_url"].isString()) out.imageUrl = p["image_url"].asString();
    if (variant != nullptr && (*variant)["image_url"].isString()) out.imageUrl = (*variant)["image_url"].asString();
    const Json::Value &attributes = p["attributes"];
    if (attributes.isObject())
      for (const std::string &name : attributes.getMemberNames())
        if (attributes[name].isString()) out.attributes[name] = attributes[name].asString();
    return out;
  }

  Host host_;
  std::string base_url_;
  int64_t timeout_ms_ = 5000;
  size_t max_ids_ = 50;
  std::map<std::string, int> exponents_; // ISO 4217 code -> decimal places
  std::string api_key_;
};

} // namespace

ORDERS_PLUGIN(@CLASS@, "@NAME@", "0.1.0", "Products and prices from @NEIGHBOUR@",
              kConfigSchema)
