// customer/http: who the buyer is (name, email, phone for the order's
// customer snapshot) from a user directory over HTTP, for example seed 004's
// auth-service (`GET /api/users/{id}`), through the host's outbound client:
// timeouts, retries, breaker, and the service HMAC (X-Service-Name /
// X-Service-Auth) the host adds when the instance's `http.auth` asks for it.
// The plugin itself never sees the service secret.
#include <initializer_list>

#include "http_util.hpp"
#include "orders/sdk/config_options.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_customer_http_config_schema.hpp"
#include "party_cache.hpp"

namespace orders::plugins::customer {

using orders::sdk::JsonPointer;

using namespace orders::sdk;

namespace {

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
constexpr const char *kUserPath = "/api/users/{id}";
constexpr const char *kNamePointer = "/name";
constexpr const char *kEmailPointer = "/email";
constexpr const char *kPhonePointer = "/phone";
constexpr int64_t kCacheTtlMs = 60000;
constexpr int64_t kCacheMaxEntries = 1000;

struct HttpCustomerConfig {
  std::string base_url;
  std::optional<std::string> user_path;
  std::optional<std::string> name_pointer;
  std::optional<std::string> email_pointer;
  std::optional<std::string> phone_pointer;
  std::optional<std::string> first_name_pointer;
  std::optional<std::string> last_name_pointer;
  std::optional<int64_t> cache_ttl_ms;
  std::optional<int64_t> cache_max_entries;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("user_path", user_path);
    v("name_pointer", name_pointer);
    v("email_pointer", email_pointer);
    v("phone_pointer", phone_pointer);
    v("first_name_pointer", first_name_pointer);
    v("last_name_pointer", last_name_pointer);
    v("cache_ttl_ms", cache_ttl_ms);
    v("cache_max_entries", cache_max_entries);
  }
};

// The resolved config.
struct Settings {
  std::string base_url;  // without a trailing '/'
  std::string user_path; // starts with '/', contains {id}
  JsonPointer name;
  JsonPointer email;
  JsonPointer phone;
  std::optional<JsonPointer> first_name; // used when `name` is absent
  std::optional<JsonPointer> last_name;
  int64_t cache_ttl_ms = kCacheTtlMs;
  size_t cache_max_entries = kCacheMaxEntries;
  std::map<std::string, std::string> headers; // sent with every request
};

bool absent(const Json::Value *v) { return v == nullptr || v->isNull(); }

// A mapped text field of the answer: nullopt when absent, null or "" (the
// Party leaves it unset); invalid_argument naming the pointer when present
// with another type.
Result<std::optional<std::string>> textAt(const Json::Value &root, const JsonPointer &pointer,
                                          const std::string &what) {
  const Json::Value *value = pointer.find(root);
  if (absent(value)) return std::optional<std::string>();
  if (!value->isString())
    return invalidArgument(what + ": " + pointer.text() + ": expected string or null, got " + typeName(*value));
  std::string text = value->asString();
  if (text.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(text));
}

// The customer in a directory answer. Party.id is always the id asked for.
Result<Party> mapParty(const Settings &s, const Json::Value &root, const std::string &user_id) {
  const std::string what = "user " + user_id;
  Party party;
  party.id = user_id;

  auto name = textAt(root, s.name, what);
  if (!name.ok()) return name.error();
  party.name = std::move(name).value();
  if (!party.name) {
    std::string joined; // "<first> <last>", either may be missing
    for (const std::optional<JsonPointer> *part : {&s.first_name, &s.last_name}) {
      if (!part->has_value()) continue;
      auto text = textAt(root, **part, what);
      if (!text.ok()) return text.error();
      if (text.value()) joined += (joined.empty() ? "" : " ") + *text.value();
    }
    if (!joined.empty()) party.name = std::move(joined);
  }

  auto email = textAt(root, s.email, what);
  if (!email.ok()) return email.error();
  party.email = std::move(email).value();

  auto phone = textAt(root, s.phone, what);
  if (!phone.ok()) return phone.error();
  party.phone = std::move(phone).value();
  return party;
}

} // namespace

class HttpCustomer final : public CustomerDirectory {
public:
  HttpCustomer(Host host, Settings settings)
      : host_(host), s_(std::move(settings)), cache_(s_.cache_ttl_ms, s_.cache_max_entries) {}

  static Result<std::unique_ptr<HttpCustomer>> create(PluginContext ctx) {
    const auto config = fromJsonOrThrow<HttpCustomerConfig>(ctx.config);
    Settings s;
    auto base_url = baseUrlOption("base_url", config.base_url);
    if (!base_url.ok()) return base_url.error();
    s.base_url = std::move(base_url).value();

    auto user_path = pathOption("user_path", config.user_path.value_or(kUserPath), {"{id}"}, PathRule{false, true});
    if (!user_path.ok()) return user_path.error();
    s.user_path = std::move(user_path).value();

    const struct {
      JsonPointer *out;
      const char *key;
      const std::optional<std::string> *value;
      const char *fallback;
    } pointers[] = {
        {&s.name, "name_pointer", &config.name_pointer, kNamePointer},
        {&s.email, "email_pointer", &config.email_pointer, kEmailPointer},
        {&s.phone, "phone_pointer", &config.phone_pointer, kPhonePointer},
    };
    for (const auto &p : pointers) {
      auto parsed = fieldPointerOption(p.key, p.value->value_or(p.fallback));
      if (!parsed.ok()) return parsed.error();
      *p.out = std::move(parsed).value();
    }
    if (config.first_name_pointer) {
      auto parsed = fieldPointerOption("first_name_pointer", *config.first_name_pointer);
      if (!parsed.ok()) return parsed.error();
      s.first_name = std::move(parsed).value();
    }
    if (config.last_name_pointer) {
      auto parsed = fieldPointerOption("last_name_pointer", *config.last_name_pointer);
      if (!parsed.ok()) return parsed.error();
      s.last_name = std::move(parsed).value();
    }

    s.cache_ttl_ms = config.cache_ttl_ms.value_or(kCacheTtlMs);
    if (s.cache_ttl_ms < 0) return invalidArgument("cache_ttl_ms: must be >= 0");
    const int64_t max_entries = config.cache_max_entries.value_or(kCacheMaxEntries);
    if (max_entries < 1) return invalidArgument("cache_max_entries: must be >= 1");
    s.cache_max_entries = static_cast<size_t>(max_entries);

    s.headers["Accept"] = "application/json";

    ctx.host.info("http customer directory at " + s.base_url + s.user_path +
                  (s.cache_ttl_ms > 0 ? ", cache " + std::to_string(s.cache_ttl_ms) + " ms" : ", no cache"));
    return std::make_unique<HttpCustomer>(ctx.host, std::move(s));
  }

  Result<Party> lookup(const CustomerRef &ref) override {
    if (ref.userId.empty()) return invalidArgument("/userId: must not be empty");
    if (std::optional<Party> cached = cache_.get(ref.userId, host_.nowUnixMs())) return std::move(*cached);

    const std::string url = s_.base_url + replaceAll(s_.user_path, "{id}", percentEncode(ref.userId));
    const std::string what = "user " + ref.userId;
    HttpRequest request;
    request.method = "GET";
    request.url = url;
    request.headers = s_.headers;
    auto response = host_.http(request);
    if (!response.ok()) return transportError(response.error(), what);
    if (response->status == 404) return notFound(what + " not found (GET " + url + " answered 404)");
    if (!response->isSuccess()) return statusError(*response, what, "GET " + url);

    Json::Value root;
    try {
      root = parseJson(response->body);
    } catch (const DecodeError &e) {
      return invalidArgument(what + ": GET " + url + ": /: " + e.what());
    }
    if (!root.isObject() && !root.isArray())
      return invalidArgument(what + ": GET " + url + ": /: expected object, got " + typeName(root));
    auto party = mapParty(s_, root, ref.userId);
    if (!party.ok()) return party.error();
    cache_.put(ref.userId, party.value(), host_.nowUnixMs());
    return party;
  }

private:
  Host host_;
  const Settings s_;
  PartyCache cache_;
};

} // namespace orders::plugins::customer

ORDERS_PLUGIN(orders::plugins::customer::HttpCustomer, "http", "1.0.0",
              "Customer snapshots (name, email, phone) from a user directory over HTTP", kConfigSchema)
