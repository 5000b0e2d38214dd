// catalog/static: products from the instance config or a JSON file.
#include <fstream>
#include <map>
#include <sstream>

#include "orders/sdk/plugin.hpp"
#include "orders_catalog_static_config_schema.hpp"

namespace orders::plugins::catalog {

using namespace orders::sdk;

namespace {

struct ProductEntry {
  std::string id;
  std::optional<std::string> variantId;
  std::string title;
  int64_t priceMinor = 0;
  std::string currency;
  std::optional<std::string> sellerId;
  std::optional<std::string> imageUrl;
  std::optional<Attributes> attributes;
  template <class V> void visit(V &v) {
    v("id", id);
    v("variantId", variantId);
    v("title", title);
    v("priceMinor", priceMinor);
    v("currency", currency);
    v("sellerId", sellerId);
    v("imageUrl", imageUrl);
    v("attributes", attributes);
  }
};

std::string keyOf(const std::string &product, const std::optional<std::string> &variant) {
  return variant ? product + "\n" + *variant : product;
}

} // namespace

class StaticCatalog final : public CatalogProvider {
public:
  static Result<std::unique_ptr<StaticCatalog>> create(PluginContext ctx) {
    auto catalog = std::make_unique<StaticCatalog>();
    std::vector<ProductEntry> entries = fromJsonOrThrow<std::vector<ProductEntry>>(ctx.config["products"]);
    if (ctx.config.isMember("file")) {
      const std::string path = ctx.config["file"].asString();
      std::ifstream in(path, std::ios::binary);
      if (!in) return invalidArgument("file: cannot read " + path);
      std::ostringstream text;
      text << in.rdbuf();
      try {
        auto more = fromJsonOrThrow<std::vector<ProductEntry>>(parseJson(text.str()));
        entries.insert(entries.end(), more.begin(), more.end());
      } catch (const DecodeError &e) {
        return invalidArgument(path + ": " + e.what());
      }
    }
    for (const ProductEntry &e : entries) {
      if (e.priceMinor < 0) return invalidArgument("product " + e.id + ": priceMinor must be >= 0");
      Product p;
      p.productId = e.id;
      p.variantId = e.variantId;
      p.title = e.title;
      p.unitPrice = Money{e.priceMinor, e.currency};
      p.sellerId = e.sellerId;
      p.imageUrl = e.imageUrl;
      p.attributes = e.attributes.value_or(Attributes{});
      if (!catalog->products_.emplace(keyOf(e.id, e.variantId), p).second)
        return invalidArgument("product " + e.id + (e.variantId ? "/" + *e.variantId : "") + " is listed twice");
    }
    ctx.host.info("static catalog loaded " + std::to_string(catalog->products_.size()) + " products");
    return catalog;
  }

  Result<LookupResult> lookup(const LookupRequest &request) override {
    LookupResult out;
    for (const ProductRef &ref : request.items) {
      auto it = products_.find(keyOf(ref.productId, ref.variantId));
      if (it != products_.end()) out.products.push_back(it->second);
    }
    return out;
  }

private:
  std::map<std::string, Product> products_; // immutable after create(): safe to read concurrently
};

} // namespace orders::plugins::catalog

ORDERS_PLUGIN(orders::plugins::catalog::StaticCatalog, "static", "1.0.0",
              "Products and prices from config or a JSON file", kConfigSchema)
