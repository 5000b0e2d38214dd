// catalog/http through its C ABI on a FakeHost: requests, mapping, prices,
// variants, cache, batch lookups and error mapping.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kBase = "http://catalog.test";
const int64_t kT0 = 1'790'000'000'000;

HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// A config with base_url (trailing '/' on purpose) plus `extra` members.
std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://catalog.test/")") + (extra.empty() ? "" : "," + extra) + "}";
}

Result<LookupResult> lookup(PluginHarness &h, std::vector<ProductRef> items) {
  return h.call<LookupResult>(h.table<orders_catalog_v1_t>()->lookup, LookupRequest{std::move(items)});
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string productUrl(const std::string &id) { return kBase + "/api/products/" + id; }

} // namespace

class HttpCatalogTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpCatalogTest);
  CPPUNIT_TEST(getsOneProductWithAcceptAndApiKeyHeaders);
  CPPUNIT_TEST(urlEncodesTheIdIntoTheConfiguredPath);
  CPPUNIT_TEST(mapsFieldsByConfiguredPointers);
  CPPUNIT_TEST(nullMissingOrEmptySellerIsHouseBrand);
  CPPUNIT_TEST(majorPricesConvertExactlyPerCurrency);
  CPPUNIT_TEST(tooManyDecimalsIsAnErrorNamingThePointer);
  CPPUNIT_TEST(minorPricesMustBeWholeNumbers);
  CPPUNIT_TEST(variantsArePricedFromTheVariantArray);
  CPPUNIT_TEST(unknownVariantIsNotFound);
  CPPUNIT_TEST(cacheAnswersRepeatLookupsUntilTheTtlPasses);
  CPPUNIT_TEST(zeroTtlDisablesTheCache);
  CPPUNIT_TEST(cacheIsBoundedBySize);
  CPPUNIT_TEST(batchPathFetchesDistinctIdsInOneRequest);
  CPPUNIT_TEST(batchAnswerWithoutAnIdIsNotFound);
  CPPUNIT_TEST(batchesAreSplitByBatchMaxIds);
  CPPUNIT_TEST(malformedAnswersNameThePointerAndProduct);
  CPPUNIT_TEST(missingWrappedProductNamesThePointer);
  CPPUNIT_TEST(notFoundNamesTheProduct);
  CPPUNIT_TEST(serverErrorIsRetryableUnavailable);
  CPPUNIT_TEST(transportErrorKeepsItsCodeAndNamesTheProduct);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST_SUITE_END();

public:
  void getsOneProductWithAcceptAndApiKeyHeaders() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("CAT_KEY", "k-123");
    CPPUNIT_ASSERT(h.create(config(R"("api_key_secret":"CAT_KEY","api_key_header":"X-Catalog-Key")")).ok());
    h.host().onHttp("GET", productUrl("p1"),
                    answer(200, R"({"id":"p1","title":"Mug","price":1299,"currency":"USD","sellerId":"s1"})"));
    auto r = lookup(h, {{"p1", std::nullopt}});
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());

    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(productUrl("p1"), requests[0].url);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), requests[0].headers.at("Accept"));
    CPPUNIT_ASSERT_EQUAL(std::string("k-123"), requests[0].headers.at("X-Catalog-Key"));

    CPPUNIT_ASSERT_EQUAL(size_t(1), r->products.size());
    const Product &p = r->products[0];
    CPPUNIT_ASSERT_EQUAL(std::string("p1"), p.productId);
    CPPUNIT_ASSERT(!p.variantId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("Mug"), p.title);
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), p.unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), p.unitPrice.currency);
    CPPUNIT_ASSERT_EQUAL(std::string("s1"), p.sellerId.value());
    CPPUNIT_ASSERT(!p.imageUrl.has_value());
    CPPUNIT_ASSERT(p.attributes.empty());
  }

  void urlEncodesTheIdIntoTheConfiguredPath() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("product_path":"v2/items/{id}/detail")")).ok());
    auto r = lookup(h, {{"a b/\xC3\xBC?", std::nullopt}}); // unscripted: the FakeHost answers 404
    CPPUNIT_ASSERT_EQUAL(kBase + "/v2/items/a%20b%2F%C3%BC%3F/detail", h.host().requests().at(0).url);
    CPPUNIT_ASSERT(!r.ok());
  }

  void mapsFieldsByConfiguredPointers() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("product_pointer":"/data","fields":{"title":"/name",
        "price":"/pricing/amount","currency":"/pricing/currency","seller_id":"/seller/id",
        "image_url":"/images/0/url","attributes":"/attrs"})"))
                       .ok());
    h.host().onHttp("GET", productUrl("p1"), answer(200, R"({"success":true,"data":{"name":"Mug",
        "pricing":{"amount":1299,"currency":"usd"},"seller":{"id":42},"images":[{"url":"http://img/1.png"}],
        "attrs":{"color":"red","weight":350.50,"fragile":true,"dims":{"h":10},"gone":null}}})"));
    auto r = lookup(h, {{"p1", std::nullopt}});
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    const Product &p = r->products.at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("Mug"), p.title);
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), p.unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), p.unitPrice.currency);
    CPPUNIT_ASSERT_EQUAL(std::string("42"), p.sellerId.value()); // integer ids become text
    CPPUNIT_ASSERT_EQUAL(std::string("http://img/1.png"), p.imageUrl.value());
    CPPUNIT_ASSERT_EQUAL(size_t(4), p.attributes.size());
    CPPUNIT_ASSERT_EQUAL(std::string("red"), p.attributes.at("color"));
    CPPUNIT_ASSERT_EQUAL(std::string("350.50"), p.attributes.at("weight")); // the number as written
    CPPUNIT_ASSERT_EQUAL(std::string("true"), p.attributes.at("fragile"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"h":10})"), p.attributes.at("dims"));
    CPPUNIT_ASSERT(p.attributes.count("gone") == 0);
  }

  void nullMissingOrEmptySellerIsHouseBrand() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", productUrl("hb-null"),
                    answer(200, R"({"title":"A","price":1,"currency":"IDR","sellerId":null})"));
    h.host().onHttp("GET", productUrl("hb-absent"), answer(200, R"({"title":"B","price":2,"currency":"IDR"})"));
    h.host().onHttp("GET", productUrl("hb-empty"),
                    answer(200, R"({"title":"C","price":3,"currency":"IDR","sellerId":""})"));
    auto r = lookup(h, {{"hb-null", std::nullopt}, {"hb-absent", std::nullopt}, {"hb-empty", std::nullopt}});
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(3), r->products.size());
    for (const Product &p : r->products)
      CPPUNIT_ASSERT_MESSAGE(p.productId, !p.sellerId.has_value());
  }

  void majorPricesConvertExactlyPerCurrency() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("price_unit":"major","currency_exponents":{"XTS":3})")).ok());
    const std::vector<std::pair<std::string, std::string>> products = {
        {"usd", R"({"title":"A","price":19.99,"currency":"USD"})"},
        {"cents", R"({"title":"B","price":0.29,"currency":"USD"})"}, // 0.29 * 100 is 28.999... as a double
        {"idr-num", R"({"title":"C","price":150000,"currency":"IDR"})"},
        {"idr-str", R"({"title":"D","price":"150000.00","currency":"IDR"})"},
        {"jpy", R"({"title":"E","price":1.2e3,"currency":"JPY"})"},
        {"eur", R"({"title":"F","price":"7.5","currency":"EUR"})"},
        {"gbp", R"({"title":"G","price":1234567.89,"currency":"GBP"})"},
        {"xts", R"({"title":"H","price":1.5,"currency":"XTS"})"},
    };
    std::vector<ProductRef> refs;
    for (const auto &[id, body] : products) {
      h.host().onHttp("GET", productUrl(id), answer(200, body));
      refs.push_back({id, std::nullopt});
    }
    auto r = lookup(h, refs);
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(8), r->products.size());
    CPPUNIT_ASSERT_EQUAL(int64_t(1999), r->products[0].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(29), r->products[1].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), r->products[2].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), r->products[2].unitPrice.currency);
    CPPUNIT_ASSERT_EQUAL(int64_t(150000), r->products[3].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(1200), r->products[4].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(750), r->products[5].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(123456789), r->products[6].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), r->products[7].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(size_t(8), h.host().requests().size());
  }

  void tooManyDecimalsIsAnErrorNamingThePointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("price_unit":"major")")).ok());
    h.host().onHttp("GET", productUrl("usd3"), answer(200, R"({"title":"A","price":19.999,"currency":"USD"})"));
    h.host().onHttp("GET", productUrl("idr-half"), answer(200, R"({"title":"B","price":"1500.5","currency":"IDR"})"));
    h.host().onHttp("GET", productUrl("neg"), answer(200, R"({"title":"C","price":-1.00,"currency":"USD"})"));
    h.host().onHttp("GET", productUrl("xxx"), answer(200, R"({"title":"D","price":1,"currency":"XXX"})"));

    auto usd = lookup(h, {{"usd3", std::nullopt}});
    CPPUNIT_ASSERT(usd.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("product usd3: /price: '19.999' has more decimal places than USD allows (2)"),
                         usd.error().message);
    auto idr = lookup(h, {{"idr-half", std::nullopt}});
    CPPUNIT_ASSERT_EQUAL(std::string("product idr-half: /price: '1500.5' has more decimal places than IDR allows (0)"),
                         idr.error().message);
    auto neg = lookup(h, {{"neg", std::nullopt}});
    CPPUNIT_ASSERT_EQUAL(std::string("product neg: /price: '-1.00' is negative"), neg.error().message);
    auto unknown = lookup(h, {{"xxx", std::nullopt}});
    CPPUNIT_ASSERT(unknown.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(contains(unknown.error().message, "currency_exponents"));
  }

  void minorPricesMustBeWholeNumbers() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", productUrl("frac"), answer(200, R"({"title":"A","price":12.5,"currency":"USD"})"));
    h.host().onHttp("GET", productUrl("whole"), answer(200, R"({"title":"B","price":"1299","currency":"USD"})"));
    auto frac = lookup(h, {{"frac", std::nullopt}});
    CPPUNIT_ASSERT_EQUAL(std::string("product frac: /price: '12.5' is not a whole number of minor units"),
                         frac.error().message);
    auto whole = lookup(h, {{"whole", std::nullopt}});
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), whole->products.at(0).unitPrice.amountMinor);
  }

  void variantsArePricedFromTheVariantArray() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("fields":{"variant_title":"/name"})")).ok());
    h.host().onHttp("GET", productUrl("p2"), answer(200, R"({"title":"Tee","price":1500,"currency":"USD",
        "sellerId":"s9","variants":[{"id":"red","price":1900,"name":"Red"},{"id":"blue","price":null},
        {"id":7,"price":2500}]})"));
    auto r = lookup(h, {{"p2", std::string("red")},
                        {"p2", std::string("blue")},
                        {"p2", std::string("7")},
                        {"p2", std::nullopt},
                        {"p2", std::string("red")}}); // repeated: answered once
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), h.host().requests().size()); // one GET per distinct product
    CPPUNIT_ASSERT_EQUAL(size_t(4), r->products.size());
    CPPUNIT_ASSERT_EQUAL(std::string("red"), r->products[0].variantId.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1900), r->products[0].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("Tee (Red)"), r->products[0].title);
    CPPUNIT_ASSERT_EQUAL(std::string("s9"), r->products[0].sellerId.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), r->products[1].unitPrice.amountMinor); // null price: the product's
    CPPUNIT_ASSERT_EQUAL(std::string("Tee"), r->products[1].title);
    CPPUNIT_ASSERT_EQUAL(int64_t(2500), r->products[2].unitPrice.amountMinor); // integer variant id
    CPPUNIT_ASSERT(!r->products[3].variantId.has_value());
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), r->products[3].unitPrice.amountMinor);
  }

  void unknownVariantIsNotFound() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", productUrl("p2"),
                    answer(200, R"({"title":"Tee","price":1500,"currency":"USD","variants":[{"id":"red"}]})"));
    h.host().onHttp("GET", productUrl("p3"), answer(200, R"({"title":"Mug","price":900,"currency":"USD"})"));
    auto r = lookup(h, {{"p2", std::string("green")}, {"p3", std::string("large")}});
    CPPUNIT_ASSERT(r.error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(std::string("catalog has no products p2/green, p3/large"), r.error().message);
    CPPUNIT_ASSERT(!r.error().retryable);
  }

  void cacheAnswersRepeatLookupsUntilTheTtlPasses() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setNowUnixMs(kT0);
    CPPUNIT_ASSERT(h.create(config(R"("cache_ttl_ms":1000)")).ok());
    h.host().onHttp("GET", productUrl("p1"), answer(200, R"({"title":"Mug","price":1299,"currency":"USD"})"));
    CPPUNIT_ASSERT(lookup(h, {{"p1", std::nullopt}}).ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), h.host().requests().size());

    h.host().setNowUnixMs(kT0 + 999);
    auto cached = lookup(h, {{"p1", std::nullopt}});
    CPPUNIT_ASSERT_EQUAL(size_t(1), h.host().requests().size()); // answered from the cache
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), cached->products.at(0).unitPrice.amountMinor);

    h.host().setNowUnixMs(kT0 + 1000);
    CPPUNIT_ASSERT(lookup(h, {{"p1", std::nullopt}}).ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), h.host().requests().size()); // expired: asked again
  }

  void zeroTtlDisablesTheCache() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("cache_ttl_ms":0)")).ok());
    h.host().onHttp("GET", productUrl("p1"), answer(200, R"({"title":"Mug","price":1299,"currency":"USD"})"));
    CPPUNIT_ASSERT(lookup(h, {{"p1", std::nullopt}}).ok());
    CPPUNIT_ASSERT(lookup(h, {{"p1", std::nullopt}}).ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), h.host().requests().size());
  }

  void cacheIsBoundedBySize() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("cache_max_entries":1)")).ok());
    h.host().onHttp("GET", productUrl("ca"), answer(200, R"({"title":"A","price":1,"currency":"USD"})"));
    h.host().onHttp("GET", productUrl("cb"), answer(200, R"({"title":"B","price":2,"currency":"USD"})"));
    CPPUNIT_ASSERT(lookup(h, {{"ca", std::nullopt}}).ok());
    CPPUNIT_ASSERT(lookup(h, {{"cb", std::nullopt}}).ok()); // evicts ca
    CPPUNIT_ASSERT(lookup(h, {{"cb", std::nullopt}}).ok()); // hit
    CPPUNIT_ASSERT(lookup(h, {{"ca", std::nullopt}}).ok()); // miss again
    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(3), requests.size());
    CPPUNIT_ASSERT_EQUAL(productUrl("ca"), requests[2].url);
  }

  void batchPathFetchesDistinctIdsInOneRequest() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("batch_path":"/api/products?ids={ids}","batch_items_pointer":"/data")")).ok());
    h.host().onHttp("GET", kBase + "/api/products?ids=", answer(200, R"({"data":[
        {"id":"b2","title":"Two","price":200,"currency":"USD","sellerId":"s2"},
        {"id":"b 1","title":"One","price":100,"currency":"USD","sellerId":null},
        {"id":"zz","title":"Not asked","price":1,"currency":"USD"}]})"));
    auto r = lookup(h, {{"b 1", std::nullopt}, {"b2", std::nullopt}, {"b 1", std::nullopt}});
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    CPPUNIT_ASSERT_EQUAL(kBase + "/api/products?ids=b%201,b2", requests[0].url);
    CPPUNIT_ASSERT_EQUAL(size_t(2), r->products.size());
    CPPUNIT_ASSERT_EQUAL(std::string("b 1"), r->products[0].productId); // request order
    CPPUNIT_ASSERT_EQUAL(int64_t(100), r->products[0].unitPrice.amountMinor);
    CPPUNIT_ASSERT(!r->products[0].sellerId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("s2"), r->products[1].sellerId.value());
  }

  void batchAnswerWithoutAnIdIsNotFound() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("batch_path":"/api/products?ids={ids}")")).ok());
    h.host().onHttp("GET", kBase + "/api/products?ids=b1,b3",
                    answer(200, R"([{"id":"b1","title":"One","price":100,"currency":"USD"}])"));
    h.host().onHttp("GET", kBase + "/api/products?ids=b3", answer(200, "[]"));
    auto r = lookup(h, {{"b1", std::nullopt}, {"b3", std::nullopt}});
    CPPUNIT_ASSERT(r.error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(std::string("catalog has no product b3"), r.error().message);
    // b1 came back and is cached: the next lookup asks only for b3.
    auto again = lookup(h, {{"b1", std::nullopt}, {"b3", std::nullopt}});
    CPPUNIT_ASSERT(again.error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(kBase + "/api/products?ids=b3", h.host().requests().at(1).url);
  }

  void batchesAreSplitByBatchMaxIds() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("batch_path":"/p?ids={ids}","batch_max_ids":2)")).ok());
    h.host().onHttp("GET", kBase + "/p?ids=x1,x2", answer(200, R"([{"id":"x1","title":"1","price":1,"currency":"USD"},
                                    {"id":"x2","title":"2","price":2,"currency":"USD"}])"));
    h.host().onHttp("GET", kBase + "/p?ids=x3", answer(200, R"([{"id":"x3","title":"3","price":3,"currency":"USD"}])"));
    auto r = lookup(h, {{"x1", std::nullopt}, {"x2", std::nullopt}, {"x3", std::nullopt}});
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), h.host().requests().size());
    CPPUNIT_ASSERT_EQUAL(size_t(3), r->products.size());
  }

  void malformedAnswersNameThePointerAndProduct() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", productUrl("m-price"), answer(200, R"({"title":"A","price":"abc","currency":"USD"})"));
    h.host().onHttp("GET", productUrl("m-title"), answer(200, R"({"price":1,"currency":"USD"})"));
    h.host().onHttp("GET", productUrl("m-bool"), answer(200, R"({"title":"C","price":true,"currency":"USD"})"));
    h.host().onHttp("GET", productUrl("m-seller"),
                    answer(200, R"({"title":"D","price":1,"currency":"USD","sellerId":{"id":1}})"));
    h.host().onHttp("GET", productUrl("m-json"), answer(200, "<html>oops</html>"));
    h.host().onHttp("GET", productUrl("m-variant"),
                    answer(200, R"({"title":"E","price":1,"currency":"USD","variants":[{"id":"v","price":"x"}]})"));

    auto price = lookup(h, {{"m-price", std::nullopt}});
    CPPUNIT_ASSERT(price.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("product m-price: /price: 'abc' is not a decimal number"), price.error().message);
    CPPUNIT_ASSERT(!price.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("product m-title: /title: missing"),
                         lookup(h, {{"m-title", std::nullopt}}).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("product m-bool: /price: expected a number or a decimal string"),
                         lookup(h, {{"m-bool", std::nullopt}}).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("product m-seller: /sellerId: expected string, integer or null"),
                         lookup(h, {{"m-seller", std::nullopt}}).error().message);
    auto json = lookup(h, {{"m-json", std::nullopt}});
    CPPUNIT_ASSERT(json.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(contains(json.error().message, "product m-json: GET " + productUrl("m-json") + ": malformed JSON"));
    CPPUNIT_ASSERT_EQUAL(std::string("product m-variant: /variants/0/price: 'x' is not a decimal number"),
                         lookup(h, {{"m-variant", std::string("v")}}).error().message);
  }

  void missingWrappedProductNamesThePointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("product_pointer":"/data")")).ok());
    h.host().onHttp("GET", productUrl("w1"), answer(200, R"({"success":true})"));
    h.host().onHttp("GET", productUrl("w2"), answer(200, R"({"data":{"title":"A","price":[1],"currency":"USD"}})"));
    CPPUNIT_ASSERT_EQUAL(std::string("product w1: /data: missing"), lookup(h, {{"w1", std::nullopt}}).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("product w2: /data/price: expected a number or a decimal string"),
                         lookup(h, {{"w2", std::nullopt}}).error().message);
  }

  void notFoundNamesTheProduct() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", productUrl("gone"), answer(404, R"({"error":"Product not found"})"));
    auto r = lookup(h, {{"gone", std::nullopt}});
    CPPUNIT_ASSERT(r.error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(std::string("catalog has no product gone"), r.error().message);
    CPPUNIT_ASSERT(!r.error().retryable);
  }

  void serverErrorIsRetryableUnavailable() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", productUrl("p1"), answer(503, "maintenance"));
    auto r = lookup(h, {{"p1", std::nullopt}});
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("product p1: GET " + productUrl("p1") + " answered 503: maintenance"),
                         r.error().message);
  }

  void transportErrorKeepsItsCodeAndNamesTheProduct() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttpError("GET", productUrl("p1"), timeoutError("no answer within 300 ms"));
    auto r = lookup(h, {{"p1", std::nullopt}});
    CPPUNIT_ASSERT(r.error().code == ErrorCode::timeout);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("product p1: no answer within 300 ms"), r.error().message);
  }

  void createRejectsBadConfig() {
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(config(R"("api_key_secret":"NOPE")"));
      CPPUNIT_ASSERT(!s.ok());
      CPPUNIT_ASSERT(contains(s.error().message, "api_key_secret: cannot resolve secret 'NOPE'"));
    }
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(config(R"("product_path":"/api/products")"));
      CPPUNIT_ASSERT_EQUAL(std::string("product_path: must contain {id}"), s.error().message);
    }
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(config(R"("fields":{"title":"name"})"));
      CPPUNIT_ASSERT(contains(s.error().message, "fields/title: 'name' is not a JSON pointer"));
    }
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(R"({"base_url":"catalog.test"})");
      CPPUNIT_ASSERT(contains(s.error().message, "base_url"));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpCatalogTest);
