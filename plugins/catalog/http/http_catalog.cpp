// catalog/http: products and prices from a catalog (product) service over
// HTTP, through the host's outbound client (timeouts, retries, breaker).
#include <algorithm>
#include <set>

#include "http_util.hpp"
#include "orders/sdk/config_options.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_catalog_http_config_schema.hpp"
#include "product_cache.hpp"
#include "product_mapping.hpp"
#include "provider_wire.hpp"
#include "secret_option.hpp"

namespace orders::plugins::catalog {

using orders::sdk::JsonPointer;

using namespace orders::sdk;
using orders::common::pointerLabel;
using orders::sdk::wire::upperAscii;

namespace {

// Paths without a leading '/' get one (the schema does not ask for it).
constexpr PathRule kAddSlash{false, true};

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
constexpr const char *kProductPath = "/api/products/{id}";
constexpr int64_t kBatchMaxIds = 50;
constexpr int64_t kCacheTtlMs = 5000;
constexpr int64_t kCacheMaxEntries = 1000;
constexpr const char *kApiKeyHeader = "X-Api-Key";

struct FieldsConfig {
  std::optional<std::string> id, title, price, currency, seller_id, image_url, attributes, variants, variant_id,
      variant_price, variant_title;
  template <class V> void visit(V &v) {
    v("id", id);
    v("title", title);
    v("price", price);
    v("currency", currency);
    v("seller_id", seller_id);
    v("image_url", image_url);
    v("attributes", attributes);
    v("variants", variants);
    v("variant_id", variant_id);
    v("variant_price", variant_price);
    v("variant_title", variant_title);
  }
};

struct HttpCatalogConfig {
  std::string base_url;
  std::optional<std::string> product_path;
  std::optional<std::string> product_pointer;
  std::optional<std::string> batch_path;
  std::optional<std::string> batch_items_pointer;
  std::optional<int64_t> batch_max_ids;
  std::optional<std::string> price_unit;
  std::optional<std::string> default_currency;
  std::optional<std::map<std::string, int64_t>> currency_exponents;
  std::optional<FieldsConfig> fields;
  std::optional<int64_t> cache_ttl_ms;
  std::optional<int64_t> cache_max_entries;
  std::optional<std::string> api_key_secret; // the NAME of a host secret
  std::optional<std::string> api_key_header;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("product_path", product_path);
    v("product_pointer", product_pointer);
    v("batch_path", batch_path);
    v("batch_items_pointer", batch_items_pointer);
    v("batch_max_ids", batch_max_ids);
    v("price_unit", price_unit);
    v("default_currency", default_currency);
    v("currency_exponents", currency_exponents);
    v("fields", fields);
    v("cache_ttl_ms", cache_ttl_ms);
    v("cache_max_entries", cache_max_entries);
    v("api_key_secret", api_key_secret);
    v("api_key_header", api_key_header);
  }
};

// The resolved config.
struct Settings {
  std::string base_url; // without a trailing '/'
  std::string product_path;
  JsonPointer product_pointer;
  std::optional<std::string> batch_path;
  JsonPointer batch_items_pointer;
  size_t batch_max_ids = kBatchMaxIds;
  FieldMapping fields;
  PriceRules prices;
  int64_t cache_ttl_ms = kCacheTtlMs;
  size_t cache_max_entries = kCacheMaxEntries;
  std::map<std::string, std::string> headers; // sent with every request
};

std::string joined(const std::vector<std::string> &items) {
  std::string out;
  for (const std::string &i : items)
    out += (out.empty() ? "" : ", ") + i;
  return out;
}

} // namespace

class HttpCatalog final : public CatalogProvider {
public:
  HttpCatalog(Host host, Settings settings)
      : host_(host), s_(std::move(settings)), cache_(s_.cache_ttl_ms, s_.cache_max_entries) {}

  static Result<std::unique_ptr<HttpCatalog>> create(PluginContext ctx) {
    const auto config = fromJsonOrThrow<HttpCatalogConfig>(ctx.config);
    Settings s;
    auto base_url = baseUrlOption("base_url", config.base_url);
    if (!base_url.ok()) return base_url.error();
    s.base_url = std::move(base_url).value();

    auto product_path = pathOption("product_path", config.product_path.value_or(kProductPath), {"{id}"}, kAddSlash);
    if (!product_path.ok()) return product_path.error();
    s.product_path = std::move(product_path).value();
    if (config.batch_path) {
      auto batch_path = pathOption("batch_path", *config.batch_path, {"{ids}"}, kAddSlash);
      if (!batch_path.ok()) return batch_path.error();
      s.batch_path = std::move(batch_path).value();
    }
    const int64_t batch_max_ids = config.batch_max_ids.value_or(kBatchMaxIds);
    if (batch_max_ids < 1) return invalidArgument("batch_max_ids: must be >= 1");
    s.batch_max_ids = static_cast<size_t>(batch_max_ids);

    const std::string unit = config.price_unit.value_or("minor");
    if (unit != "minor" && unit != "major")
      return invalidArgument("price_unit: expected \"minor\" or \"major\", got '" + unit + "'");
    s.prices.major = unit == "major";
    if (config.default_currency) {
      const std::string code = upperAscii(*config.default_currency);
      if (code.size() != 3 || code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
        return invalidArgument("default_currency: '" + *config.default_currency + "' is not an ISO 4217 code");
      s.prices.defaultCurrency = code;
    }
    s.prices.exponents = defaultCurrencyExponents();
    for (const auto &[code, places] : config.currency_exponents.value_or(std::map<std::string, int64_t>{})) {
      if (places < 0 || places > 6) return invalidArgument("currency_exponents/" + code + ": must be 0..6");
      s.prices.exponents[upperAscii(code)] = static_cast<int>(places);
    }

    const FieldsConfig f = config.fields.value_or(FieldsConfig{});
    const struct {
      JsonPointer *out;
      const char *key;
      const std::optional<std::string> *value;
      const char *fallback;
    } pointers[] = {
        {&s.product_pointer, "product_pointer", &config.product_pointer, ""},
        {&s.batch_items_pointer, "batch_items_pointer", &config.batch_items_pointer, ""},
        {&s.fields.id, "fields/id", &f.id, "/id"},
        {&s.fields.title, "fields/title", &f.title, "/title"},
        {&s.fields.price, "fields/price", &f.price, "/price"},
        {&s.fields.currency, "fields/currency", &f.currency, "/currency"},
        {&s.fields.sellerId, "fields/seller_id", &f.seller_id, "/sellerId"},
        {&s.fields.imageUrl, "fields/image_url", &f.image_url, "/imageUrl"},
        {&s.fields.attributes, "fields/attributes", &f.attributes, "/attributes"},
        {&s.fields.variants, "fields/variants", &f.variants, "/variants"},
        {&s.fields.variantId, "fields/variant_id", &f.variant_id, "/id"},
        {&s.fields.variantPrice, "fields/variant_price", &f.variant_price, "/price"},
    };
    for (const auto &p : pointers) {
      auto parsed = pointerOption(p.key, p.value->value_or(p.fallback));
      if (!parsed.ok()) return parsed.error();
      *p.out = std::move(parsed).value();
    }
    if (f.variant_title) {
      auto title = pointerOption("fields/variant_title", *f.variant_title);
      if (!title.ok()) return title.error();
      s.fields.variantTitle = std::move(title).value();
    }

    s.cache_ttl_ms = config.cache_ttl_ms.value_or(kCacheTtlMs);
    if (s.cache_ttl_ms < 0) return invalidArgument("cache_ttl_ms: must be >= 0");
    const int64_t max_entries = config.cache_max_entries.value_or(kCacheMaxEntries);
    if (max_entries < 1) return invalidArgument("cache_max_entries: must be >= 1");
    s.cache_max_entries = static_cast<size_t>(max_entries);

    auto key = orders::common::resolveSecretOption(ctx.host, "api_key_secret", config.api_key_secret);
    if (!key.ok()) return key.error();
    s.headers["Accept"] = "application/json";
    if (key.value()) s.headers[config.api_key_header.value_or(kApiKeyHeader)] = *key.value();

    ctx.host.info("http catalog at " + s.base_url + (s.batch_path ? " (batch lookups)" : "") +
                  (s.cache_ttl_ms > 0 ? ", cache " + std::to_string(s.cache_ttl_ms) + " ms" : ", no cache"));
    return std::make_unique<HttpCatalog>(ctx.host, std::move(s));
  }

  Result<LookupResult> lookup(const LookupRequest &request) override {
    std::vector<std::string> ids; // distinct, in request order
    std::set<std::string> seen;
    for (size_t i = 0; i < request.items.size(); ++i) {
      const std::string &id = request.items[i].productId;
      if (id.empty()) return invalidArgument("/items/" + std::to_string(i) + "/productId: must not be empty");
      if (seen.insert(id).second) ids.push_back(id);
    }

    std::map<std::string, DocPtr> docs;
    std::vector<std::string> to_fetch;
    const int64_t now = host_.nowUnixMs();
    for (const std::string &id : ids) {
      if (DocPtr cached = cache_.get(id, now))
        docs[id] = std::move(cached);
      else
        to_fetch.push_back(id);
    }
    std::vector<std::string> missing;
    if (!to_fetch.empty()) {
      Status fetched = s_.batch_path ? fetchBatches(to_fetch, docs, missing) : fetchEach(to_fetch, docs, missing);
      if (!fetched.ok()) return fetched.error();
    }

    LookupResult out;
    std::set<std::string> answered; // product + variant
    for (const ProductRef &ref : request.items) {
      if (!answered.insert(ref.productId + '\n' + ref.variantId.value_or("")).second) continue;
      auto doc = docs.find(ref.productId);
      if (doc == docs.end()) continue; // already in `missing`
      auto product = mapProduct(s_.fields, s_.prices, *doc->second, ref);
      if (product.ok())
        out.products.push_back(std::move(product).value());
      else if (product.error().code == ErrorCode::not_found)
        missing.push_back(ref.productId + "/" + ref.variantId.value_or(""));
      else
        return product.error();
    }
    if (!missing.empty())
      return notFound(std::string(missing.size() == 1 ? "catalog has no product " : "catalog has no products ") +
                      joined(missing));
    return out;
  }

private:
  Result<HttpResponse> get(const std::string &url) const {
    HttpRequest request;
    request.method = "GET";
    request.url = url;
    request.headers = s_.headers;
    return host_.http(request);
  }

  static Result<Json::Value> parseBody(const std::string &body, const std::string &what, const std::string &url) {
    try {
      return parseJson(body);
    } catch (const DecodeError &e) {
      return invalidArgument(what + ": GET " + url + ": " + e.what());
    }
  }

  // One GET per product; a 404 puts the id in `missing`.
  Status fetchEach(const std::vector<std::string> &ids, std::map<std::string, DocPtr> &docs,
                   std::vector<std::string> &missing) {
    for (const std::string &id : ids) {
      const std::string url = s_.base_url + replaceAll(s_.product_path, "{id}", percentEncode(id));
      const std::string what = "product " + id;
      auto response = get(url);
      if (!response.ok()) return transportError(response.error(), what);
      if (response->status == 404) {
        missing.push_back(id);
        continue;
      }
      if (!response->isSuccess()) return statusError(*response, what, "GET " + url);
      std::shared_ptr<const std::string> body = std::make_shared<std::string>(std::move(response->body));
      auto root = parseBody(*body, what, url);
      if (!root.ok()) return root.error();
      const Json::Value *product = s_.product_pointer.find(root.value());
      const std::string at = pointerLabel(s_.product_pointer.text());
      if (product == nullptr || product->isNull()) return invalidArgument(what + ": " + at + ": missing");
      if (!product->isObject()) return invalidArgument(what + ": " + at + ": expected object");
      auto doc = std::make_shared<ProductDoc>();
      doc->body = body;
      doc->value = *product;
      doc->pointer = s_.product_pointer.text();
      cache_.put(id, doc, host_.nowUnixMs());
      docs[id] = std::move(doc);
    }
    return Status();
  }

  // GETs of up to batch_max_ids products each; ids the answer lacks (or a
  // 404) go to `missing`.
  Status fetchBatches(const std::vector<std::string> &ids, std::map<std::string, DocPtr> &docs,
                      std::vector<std::string> &missing) {
    for (size_t first = 0; first < ids.size(); first += s_.batch_max_ids) {
      const size_t last = std::min(ids.size(), first + s_.batch_max_ids);
      const std::vector<std::string> chunk(ids.begin() + static_cast<std::ptrdiff_t>(first),
                                           ids.begin() + static_cast<std::ptrdiff_t>(last));
      std::string encoded;
      for (const std::string &id : chunk)
        encoded += (encoded.empty() ? "" : ",") + percentEncode(id);
      const std::string url = s_.base_url + replaceAll(*s_.batch_path, "{ids}", encoded);
      const std::string what = (chunk.size() == 1 ? "product " : "products ") + joined(chunk);
      auto response = get(url);
      if (!response.ok()) return transportError(response.error(), what);
      if (response->status == 404) {
        missing.insert(missing.end(), chunk.begin(), chunk.end());
        continue;
      }
      if (!response->isSuccess()) return statusError(*response, what, "GET " + url);
      std::shared_ptr<const std::string> body = std::make_shared<std::string>(std::move(response->body));
      auto root = parseBody(*body, what, url);
      if (!root.ok()) return root.error();
      const Json::Value *items = s_.batch_items_pointer.find(root.value());
      const std::string items_at = s_.batch_items_pointer.text();
      if (items == nullptr) return invalidArgument(what + ": " + pointerLabel(items_at) + ": missing");
      if (!items->isNull() && !items->isArray())
        return invalidArgument(what + ": " + pointerLabel(items_at) + ": expected array");

      std::set<std::string> wanted(chunk.begin(), chunk.end());
      const int64_t now = host_.nowUnixMs();
      for (Json::ArrayIndex i = 0; items->isArray() && i < items->size(); ++i) {
        const Json::Value &item = (*items)[i];
        const std::string at = items_at + "/" + std::to_string(i);
        if (!item.isObject()) return invalidArgument(what + ": " + at + ": expected object");
        const Json::Value *id_value = s_.fields.id.find(item);
        if (id_value == nullptr || id_value->isNull())
          return invalidArgument(what + ": " + at + s_.fields.id.text() + ": missing");
        const std::optional<std::string> id = idText(*id_value);
        if (!id) return invalidArgument(what + ": " + at + s_.fields.id.text() + ": expected string or integer");
        if (wanted.erase(*id) == 0) continue; // not asked for, or listed twice
        auto doc = std::make_shared<ProductDoc>();
        doc->body = body;
        doc->value = item;
        doc->pointer = at;
        cache_.put(*id, doc, now);
        docs[*id] = std::move(doc);
      }
      for (const std::string &id : chunk)
        if (wanted.count(id) != 0) missing.push_back(id);
    }
    return Status();
  }

  Host host_;
  const Settings s_;
  ProductCache cache_;
};

} // namespace orders::plugins::catalog

ORDERS_PLUGIN(orders::plugins::catalog::HttpCatalog, "http", "1.0.0",
              "Products and prices from a catalog service over HTTP", kConfigSchema)
