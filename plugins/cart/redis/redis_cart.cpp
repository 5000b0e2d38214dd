// cart/redis: the buyer's cart read straight from Redis, where the shop's
// cart service keeps it (seed 002: `cart:{email}`), as a JSON string or a
// hash; DEL after checkout. Connections come from a small pool of
// Poco::Redis clients (redis_pool.hpp).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cart_shapes.hpp"
#include "key_template.hpp"
#include "orders/sdk/config_options.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_cart_redis_config_schema.hpp"
#include "redis_pool.hpp"
#include "redis_url.hpp"
#include "secret_option.hpp"

namespace orders::plugins::cart_redis {

using namespace orders::sdk;

namespace {

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
constexpr const char *kUrl = "redis://127.0.0.1:6379/0";
constexpr const char *kKeyTemplate = "cart:{email}";
constexpr const char *kShape = "auto";
constexpr const char *kLinesPointer = "/items";
constexpr const char *kProductIdPointer = "/product_id";
constexpr const char *kQuantityPointer = "/qty";
constexpr const char *kVariantIdPointer = "/variant_id";
constexpr const char *kHashVariantSeparator = ":";
constexpr bool kClearAfterCheckout = true;
constexpr int64_t kPoolSize = 4;
constexpr int64_t kTimeoutMs = 1000;

struct RedisCartConfig {
  std::optional<std::string> url;
  std::optional<std::string> password_secret; // the NAME of a host secret
  std::optional<std::string> key_template;
  std::optional<std::string> shape;
  std::optional<std::string> lines_pointer;
  std::optional<std::string> product_id_pointer;
  std::optional<std::string> quantity_pointer;
  std::optional<std::string> variant_id_pointer;
  std::optional<std::string> seller_id_pointer;
  std::optional<std::string> hash_variant_separator;
  std::optional<std::string> hash_values;
  std::optional<bool> clear_after_checkout;
  std::optional<int64_t> pool_size;
  std::optional<int64_t> timeout_ms;
  template <class V> void visit(V &v) {
    v("url", url);
    v("password_secret", password_secret);
    v("key_template", key_template);
    v("shape", shape);
    v("lines_pointer", lines_pointer);
    v("product_id_pointer", product_id_pointer);
    v("quantity_pointer", quantity_pointer);
    v("variant_id_pointer", variant_id_pointer);
    v("seller_id_pointer", seller_id_pointer);
    v("hash_variant_separator", hash_variant_separator);
    v("hash_values", hash_values);
    v("clear_after_checkout", clear_after_checkout);
    v("pool_size", pool_size);
    v("timeout_ms", timeout_ms);
  }
};

enum class Shape { automatic, json, hash };

// The resolved config.
struct Settings {
  KeyTemplate key;
  Shape shape = Shape::automatic;
  JsonShape json;
  HashShape hash;
  bool clear_after_checkout = kClearAfterCheckout;
  PoolOptions pool;
};

// CLIENT SETNAME takes no blanks.
std::string clientName(const std::string &instance_id) {
  std::string name = "orders-cart-" + instance_id;
  for (char &c : name)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) c = '_';
  return name;
}

std::string quoted(const std::string &key) { return "redis key '" + key + "'"; }

} // namespace

class RedisCart final : public CartProvider {
public:
  explicit RedisCart(Settings settings) : s_(std::move(settings)), pool_(std::make_unique<RedisPool>(s_.pool)) {}

  static Result<std::unique_ptr<RedisCart>> create(PluginContext ctx) {
    const auto config = fromJsonOrThrow<RedisCartConfig>(ctx.config);

    auto url = parseRedisUrl(config.url.value_or(kUrl));
    if (!url.ok()) return url.error();
    auto key = KeyTemplate::parse(config.key_template.value_or(kKeyTemplate));
    if (!key.ok()) return key.error();

    Settings s;
    s.key = key.value();
    const std::string shape = config.shape.value_or(kShape);
    if (shape == "json")
      s.shape = Shape::json;
    else if (shape == "hash")
      s.shape = Shape::hash;
    else if (shape != "auto")
      return invalidArgument("shape: expected \"auto\", \"json\" or \"hash\", got '" + shape + "'");
    s.clear_after_checkout = config.clear_after_checkout.value_or(kClearAfterCheckout);

    const struct {
      JsonPointer *out;
      const char *key;
      const std::optional<std::string> *value;
      const char *fallback;
    } pointers[] = {
        {&s.json.lines, "lines_pointer", &config.lines_pointer, kLinesPointer},
        {&s.json.productId, "product_id_pointer", &config.product_id_pointer, kProductIdPointer},
        {&s.json.quantity, "quantity_pointer", &config.quantity_pointer, kQuantityPointer},
        {&s.json.variantId, "variant_id_pointer", &config.variant_id_pointer, kVariantIdPointer},
    };
    for (const auto &p : pointers) {
      auto parsed = pointerOption(p.key, p.value->value_or(p.fallback));
      if (!parsed.ok()) return parsed.error();
      *p.out = std::move(parsed).value();
    }
    if (config.seller_id_pointer) {
      auto seller = pointerOption("seller_id_pointer", *config.seller_id_pointer);
      if (!seller.ok()) return seller.error();
      s.json.sellerId = std::move(seller).value();
    }
    s.hash.separator = config.hash_variant_separator.value_or(kHashVariantSeparator);
    const std::string values = config.hash_values.value_or("auto");
    if (values == "auto")
      s.hash.values = HashValues::detect;
    else if (values == "quantity")
      s.hash.values = HashValues::quantity;
    else if (values == "json")
      s.hash.values = HashValues::json;
    else
      return invalidArgument("hash_values: expected auto, quantity or json, got '" + values + "'");
    s.hash.lines = s.json;

    const int64_t pool_size = config.pool_size.value_or(kPoolSize);
    if (pool_size < 1 || pool_size > 64) return invalidArgument("pool_size: must be from 1 to 64");
    const int64_t timeout_ms = config.timeout_ms.value_or(kTimeoutMs);
    if (timeout_ms < 10 || timeout_ms > 60000) return invalidArgument("timeout_ms: must be from 10 to 60000");

    auto password = orders::common::resolveSecretOption(ctx.host, "password_secret", config.password_secret);
    if (!password.ok()) return password.error();
    if (url->username && !password.value())
      return invalidArgument("url: a user name needs password_secret (AUTH takes a user name and a password)");

    s.pool.host = url->host;
    s.pool.port = url->port;
    s.pool.db = url->db;
    s.pool.username = url->username;
    s.pool.password = password.value();
    s.pool.client_name = clientName(ctx.instanceId);
    s.pool.timeout_ms = timeout_ms;
    s.pool.size = static_cast<size_t>(pool_size);
    s.pool.where = "redis at " + url->text();

    // No connection yet: the host starts while Redis is down; ready() and
    // every call report it.
    ctx.host.info("cart from " + s.pool.where + ", key " + s.key.text() + ", shape " + shape +
                  (s.pool.password ? ", with AUTH" : ""));
    return std::make_unique<RedisCart>(std::move(s));
  }

  Result<Cart> load(const CartRef &ref) override {
    auto key = s_.key.keyFor(ref);
    if (!key.ok()) return key.error();
    const std::string what = quoted(key.value());

    Shape shape = s_.shape;
    if (shape == Shape::automatic) {
      auto reply = pool_->execute({"TYPE", key.value()});
      if (!reply.ok()) return reply.error();
      if (const auto *error = replyAs<Poco::Redis::Error>(reply.value()))
        return replyError(pool_->where() + ": TYPE " + key.value(), error->getMessage());
      const std::string *type = replyAs<std::string>(reply.value());
      if (type == nullptr) return unexpected("TYPE", key.value());
      if (*type == "none") return Cart{};
      if (*type == "string")
        shape = Shape::json;
      else if (*type == "hash")
        shape = Shape::hash;
      else
        return invalidArgument(what + " holds a " + *type + "; expected a string (JSON) or a hash");
    }
    return shape == Shape::json ? loadJson(key.value(), what) : loadHash(key.value(), what);
  }

  // DEL when clear_after_checkout is set (a missing key is cleared too);
  // nothing at all otherwise.
  Result<Empty> clear(const CartRef &ref) override {
    if (!s_.clear_after_checkout) return Empty{};
    auto key = s_.key.keyFor(ref);
    if (!key.ok()) return key.error();
    auto reply = pool_->execute({"DEL", key.value()});
    if (!reply.ok()) return reply.error();
    if (const auto *error = replyAs<Poco::Redis::Error>(reply.value()))
      return replyError(pool_->where() + ": DEL " + key.value(), error->getMessage());
    if (replyAs<Poco::Int64>(reply.value()) == nullptr) return unexpected("DEL", key.value());
    return Empty{};
  }

  // Ready when Redis answers PING (through the pool, so AUTH and SELECT are
  // checked too).
  Status ready() override {
    auto reply = pool_->execute({"PING"});
    if (!reply.ok()) return reply.error();
    if (const auto *error = replyAs<Poco::Redis::Error>(reply.value()))
      return replyError(pool_->where() + ": PING", error->getMessage());
    return Status();
  }

private:
  Result<Cart> loadJson(const std::string &key, const std::string &what) {
    auto reply = pool_->execute({"GET", key});
    if (!reply.ok()) return reply.error();
    if (const auto *error = replyAs<Poco::Redis::Error>(reply.value())) {
      if (error->getMessage().rfind("WRONGTYPE", 0) == 0)
        return invalidArgument(what + " holds no string (shape json): " + error->getMessage());
      return replyError(pool_->where() + ": GET " + key, error->getMessage());
    }
    const auto *value = replyAs<Poco::Redis::BulkString>(reply.value());
    if (value == nullptr) return unexpected("GET", key);
    if (value->isNull()) return Cart{}; // gone since TYPE, or never there
    return cartFromJson(value->value(), s_.json, what);
  }

  Result<Cart> loadHash(const std::string &key, const std::string &what) {
    auto reply = pool_->execute({"HGETALL", key});
    if (!reply.ok()) return reply.error();
    if (const auto *error = replyAs<Poco::Redis::Error>(reply.value())) {
      if (error->getMessage().rfind("WRONGTYPE", 0) == 0)
        return invalidArgument(what + " holds no hash (shape hash): " + error->getMessage());
      return replyError(pool_->where() + ": HGETALL " + key, error->getMessage());
    }
    const auto *array = replyAs<Poco::Redis::Array>(reply.value());
    if (array == nullptr) return unexpected("HGETALL", key);
    // Poco leaves the array of an empty answer (*0) null.
    if (array->isNull()) return Cart{};
    std::vector<std::pair<std::string, std::string>> fields;
    std::string field;
    bool have_field = false;
    for (const Reply &element : *array) {
      const auto *text = replyAs<Poco::Redis::BulkString>(element);
      if (text == nullptr || text->isNull()) return unexpected("HGETALL", key);
      if (have_field)
        fields.emplace_back(std::move(field), text->value());
      else
        field = text->value();
      have_field = !have_field;
    }
    if (have_field) return unexpected("HGETALL", key);
    return cartFromHash(fields, s_.hash, what);
  }

  Error unexpected(const std::string &command, const std::string &key) const {
    return internalError(pool_->where() + ": " + command + " " + key + ": unexpected reply");
  }

  const Settings s_;
  std::unique_ptr<RedisPool> pool_;
};

} // namespace orders::plugins::cart_redis

ORDERS_PLUGIN(orders::plugins::cart_redis::RedisCart, "redis", "1.0.0",
              "The buyer's cart from Redis (a JSON string or a hash per buyer), deleted after checkout", kConfigSchema)
