// cart/cart-service: the buyer's cart from a Cart service over HTTP
// (`GET /api/cart/{userId}`), cleared after checkout (`DELETE`, best effort),
// through the host's outbound client (timeouts, retries, breaker).
#include "http_util.hpp"
#include "orders/sdk/config_options.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_cart_cart_service_config_schema.hpp"
#include "provider_wire.hpp"
#include "secret_option.hpp"

namespace orders::plugins::cart {

using orders::sdk::JsonPointer;

using namespace orders::sdk;
using orders::common::pointerLabel;
using orders::sdk::wire::idText;

namespace {

// Paths without a leading '/' get one (the schema does not ask for it).
constexpr PathRule kAddSlash{false, true};

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
constexpr const char *kLoadPath = "/api/cart/{userId}";
constexpr const char *kClearPath = "/api/cart/{userId}";
constexpr int64_t kClearTimeoutMs = 1000;
constexpr const char *kUserIdHeader = "X-User-Id";

struct ItemFieldsConfig {
  std::optional<std::string> product_id, variant_id, quantity, seller_id, reservation_id;
  template <class V> void visit(V &v) {
    v("product_id", product_id);
    v("variant_id", variant_id);
    v("quantity", quantity);
    v("seller_id", seller_id);
    v("reservation_id", reservation_id);
  }
};

struct CartServiceConfig {
  std::string base_url;
  std::optional<std::string> load_path;
  std::optional<std::string> clear_path;
  std::optional<int64_t> clear_timeout_ms;
  std::optional<std::string> items_pointer;
  std::optional<ItemFieldsConfig> item_fields;
  std::optional<bool> missing_cart_is_empty;
  std::optional<std::string> token_secret; // the NAME of a host secret
  std::optional<std::string> user_id_header;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("load_path", load_path);
    v("clear_path", clear_path);
    v("clear_timeout_ms", clear_timeout_ms);
    v("items_pointer", items_pointer);
    v("item_fields", item_fields);
    v("missing_cart_is_empty", missing_cart_is_empty);
    v("token_secret", token_secret);
    v("user_id_header", user_id_header);
  }
};

// Pointers inside one cart item.
struct ItemPointers {
  JsonPointer productId;
  JsonPointer variantId;
  JsonPointer quantity;
  JsonPointer sellerId;
  JsonPointer reservationId;
};

// The resolved config.
struct Settings {
  std::string base_url; // without a trailing '/'
  std::string load_path;
  std::string clear_path;
  int64_t clear_timeout_ms = kClearTimeoutMs;
  JsonPointer items;
  ItemPointers item;
  bool missing_cart_is_empty = false;
  std::map<std::string, std::string> headers; // sent with every request
  std::string user_id_header;                 // "" = the user id is not sent as a header
};

bool absent(const Json::Value *v) { return v == nullptr || v->isNull(); }

// An identifier: a string as is, an integer in decimal; nullopt otherwise.

// `path` with {userId} and {email} replaced by the URL-encoded values.
Result<std::string> pathFor(const std::string &path, const CartRef &ref, const std::string &key) {
  std::string out = replaceAll(path, "{userId}", percentEncode(ref.userId));
  if (out.find("{email}") != std::string::npos) {
    if (!ref.email || ref.email->empty())
      return invalidArgument(key + " names {email} but the cart of user " + ref.userId + " was asked without one");
    out = replaceAll(out, "{email}", percentEncode(*ref.email));
  }
  return out;
}

} // namespace

class CartService final : public CartProvider {
public:
  CartService(Host host, Settings settings) : host_(host), s_(std::move(settings)) {}

  static Result<std::unique_ptr<CartService>> create(PluginContext ctx) {
    const auto config = fromJsonOrThrow<CartServiceConfig>(ctx.config);
    Settings s;
    auto base_url = baseUrlOption("base_url", config.base_url);
    if (!base_url.ok()) return base_url.error();
    s.base_url = std::move(base_url).value();

    auto load_path = pathOption("load_path", config.load_path.value_or(kLoadPath), {"{userId}", "{email}"}, kAddSlash);
    if (!load_path.ok()) return load_path.error();
    s.load_path = load_path.value();
    auto clear_path =
        pathOption("clear_path", config.clear_path.value_or(kClearPath), {"{userId}", "{email}"}, kAddSlash);
    if (!clear_path.ok()) return clear_path.error();
    s.clear_path = clear_path.value();
    s.clear_timeout_ms = config.clear_timeout_ms.value_or(kClearTimeoutMs);
    if (s.clear_timeout_ms < 10) return invalidArgument("clear_timeout_ms: must be >= 10");

    const ItemFieldsConfig f = config.item_fields.value_or(ItemFieldsConfig{});
    const struct {
      JsonPointer *out;
      const char *key;
      const std::optional<std::string> *value;
      const char *fallback;
    } pointers[] = {
        {&s.items, "items_pointer", &config.items_pointer, "/items"},
        {&s.item.productId, "item_fields/product_id", &f.product_id, "/productId"},
        {&s.item.variantId, "item_fields/variant_id", &f.variant_id, "/variantId"},
        {&s.item.quantity, "item_fields/quantity", &f.quantity, "/quantity"},
        {&s.item.sellerId, "item_fields/seller_id", &f.seller_id, "/sellerId"},
        {&s.item.reservationId, "item_fields/reservation_id", &f.reservation_id, "/reservationId"},
    };
    for (const auto &p : pointers) {
      auto parsed = pointerOption(p.key, p.value->value_or(p.fallback));
      if (!parsed.ok()) return parsed.error();
      *p.out = std::move(parsed).value();
    }
    s.missing_cart_is_empty = config.missing_cart_is_empty.value_or(false);

    auto token = orders::common::resolveSecretOption(ctx.host, "token_secret", config.token_secret);
    if (!token.ok()) return token.error();
    s.headers["Accept"] = "application/json";
    if (token.value()) s.headers["Authorization"] = "Bearer " + *token.value();
    s.user_id_header = config.user_id_header.value_or(kUserIdHeader);

    ctx.host.info("cart service at " + s.base_url);
    return std::make_unique<CartService>(ctx.host, std::move(s));
  }

  Result<Cart> load(const CartRef &ref) override {
    if (ref.userId.empty()) return invalidArgument("/userId: must not be empty");
    auto path = pathFor(s_.load_path, ref, "load_path");
    if (!path.ok()) return path.error();
    const std::string url = s_.base_url + path.value();
    const std::string what = "cart of user " + ref.userId;
    auto response = host_.http(requestFor("GET", url, ref));
    if (!response.ok()) return transportError(response.error(), what);
    if (response->status == 404) {
      if (s_.missing_cart_is_empty) return Cart{};
      return notFound(what + " not found (GET " + url + " answered 404)");
    }
    if (!response->isSuccess()) return statusError(*response, what, "GET " + url);
    Json::Value root;
    try {
      root = parseJson(response->body);
    } catch (const DecodeError &e) {
      return invalidArgument(what + ": GET " + url + ": " + e.what());
    }
    return cartFrom(root, what);
  }

  // Best effort: the core logs a failure and carries on. 404 (no cart left)
  // counts as cleared.
  Result<Empty> clear(const CartRef &ref) override {
    if (ref.userId.empty()) return invalidArgument("/userId: must not be empty");
    auto path = pathFor(s_.clear_path, ref, "clear_path");
    if (!path.ok()) return path.error();
    const std::string url = s_.base_url + path.value();
    HttpRequest request = requestFor("DELETE", url, ref);
    request.timeoutMs = s_.clear_timeout_ms;
    auto response = host_.http(request);
    const std::string what = "clearing the cart of user " + ref.userId;
    if (!response.ok()) return transportError(response.error(), what);
    if (response->isSuccess() || response->status == 404) return Empty{};
    return statusError(*response, what, "DELETE " + url);
  }

private:
  HttpRequest requestFor(const std::string &method, const std::string &url, const CartRef &ref) const {
    HttpRequest request;
    request.method = method;
    request.url = url;
    request.headers = s_.headers;
    if (!s_.user_id_header.empty()) request.headers[s_.user_id_header] = ref.userId;
    return request;
  }

  // The lines of a cart answer. An empty (or null) items array is an empty
  // cart; the core turns that into its own clear error.
  Result<Cart> cartFrom(const Json::Value &root, const std::string &what) const {
    const std::string items_at = s_.items.text();
    const Json::Value *items = s_.items.find(root);
    if (items == nullptr) return invalidArgument(what + ": " + pointerLabel(items_at) + ": missing");
    Cart cart;
    if (items->isNull()) return cart;
    if (!items->isArray()) return invalidArgument(what + ": " + pointerLabel(items_at) + ": expected array");
    for (Json::ArrayIndex i = 0; i < items->size(); ++i) {
      const Json::Value &item = (*items)[i];
      const std::string at = items_at + "/" + std::to_string(i);
      auto bad = [&](const JsonPointer &field, const std::string &why) {
        return invalidArgument(what + ": " + at + field.text() + ": " + why);
      };
      if (!item.isObject()) return invalidArgument(what + ": " + at + ": expected object");
      StockLine line;

      const Json::Value *product = s_.item.productId.find(item);
      if (absent(product)) return bad(s_.item.productId, "missing");
      const std::optional<std::string> product_id = idText(*product);
      if (!product_id) return bad(s_.item.productId, "expected string or integer");
      if (product_id->empty()) return bad(s_.item.productId, "must not be empty");
      line.productId = *product_id;

      const Json::Value *quantity = s_.item.quantity.find(item);
      if (absent(quantity)) return bad(s_.item.quantity, "missing");
      if (!quantity->isIntegral() || !quantity->isInt64()) return bad(s_.item.quantity, "expected integer");
      line.quantity = quantity->asInt64();
      if (line.quantity <= 0) return bad(s_.item.quantity, "must be > 0, got " + std::to_string(line.quantity));

      // Optional identifiers: null, "" or absent leave the field unset.
      auto optionalId = [&](const JsonPointer &field, std::optional<std::string> &out) -> Status {
        const Json::Value *value = field.find(item);
        if (absent(value)) return Status();
        std::optional<std::string> text = idText(*value);
        if (!text) return bad(field, "expected string, integer or null");
        if (!text->empty()) out = std::move(text);
        return Status();
      };
      if (Status st = optionalId(s_.item.variantId, line.variantId); !st.ok()) return st.error();
      if (Status st = optionalId(s_.item.sellerId, line.sellerId); !st.ok()) return st.error();
      if (Status st = optionalId(s_.item.reservationId, line.reservationId); !st.ok()) return st.error();
      cart.lines.push_back(std::move(line));
    }
    return cart;
  }

  Host host_;
  const Settings s_;
};

} // namespace orders::plugins::cart

ORDERS_PLUGIN(orders::plugins::cart::CartService, "cart-service", "1.0.0",
              "The buyer's cart from a Cart service over HTTP", kConfigSchema)
