// catalog/static through its C ABI on a FakeHost.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {
const char *kConfig = R"({"products":[
  {"id":"p1","title":"Mug","priceMinor":1299,"currency":"USD","sellerId":"s1","attributes":{}},
  {"id":"p2","variantId":"red","title":"Tee red","priceMinor":1900,"currency":"USD","attributes":{"type":"merch"}},
  {"id":"p2","variantId":"blue","title":"Tee blue","priceMinor":2100,"currency":"USD","attributes":{}}]})";

LookupRequest refs(std::vector<ProductRef> items) { return LookupRequest{std::move(items)}; }
} // namespace

class StaticCatalogTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StaticCatalogTest);
  CPPUNIT_TEST(looksUpPricesSellersAndVariants);
  CPPUNIT_TEST(unknownProductsAreAbsentNotErrors);
  CPPUNIT_TEST(houseBrandHasNoSeller);
  CPPUNIT_TEST(productsFileIsMergedAfterConfig);
  CPPUNIT_TEST(duplicateProductIsRejectedAtCreate);
  CPPUNIT_TEST(unreadableFileIsRejectedAtCreate);
  CPPUNIT_TEST_SUITE_END();

public:
  void looksUpPricesSellersAndVariants() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kConfig).ok());
    auto r = h.call<LookupResult>(h.table<orders_catalog_v1_t>()->lookup,
                                  refs({{"p1", std::nullopt}, {"p2", std::string("blue")}}));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), r->products.size());
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), r->products[0].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("s1"), r->products[0].sellerId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("Tee blue"), r->products[1].title);
    CPPUNIT_ASSERT_EQUAL(int64_t(2100), r->products[1].unitPrice.amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("static catalog loaded 3 products"), h.host().logs().at(0).message);
  }
  void unknownProductsAreAbsentNotErrors() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kConfig).ok());
    auto r = h.call<LookupResult>(h.table<orders_catalog_v1_t>()->lookup,
                                  refs({{"nope", std::nullopt}, {"p2", std::nullopt}}));
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT(r->products.empty()); // p2 exists only as variants
  }
  void houseBrandHasNoSeller() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(kConfig).ok());
    auto r = h.call<LookupResult>(h.table<orders_catalog_v1_t>()->lookup, refs({{"p2", std::string("red")}}));
    CPPUNIT_ASSERT(!r->products.at(0).sellerId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("merch"), r->products.at(0).attributes.at("type"));
  }
  void productsFileIsMergedAfterConfig() {
    const std::string path = "/tmp/orders-static-catalog-test-" + std::to_string(::getpid()) + ".json";
    std::ofstream(path) << R"([{"id":"f1","title":"From file","priceMinor":5,"currency":"EUR"}])";
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(R"({"products":[],"file":")" + path + "\"}").ok());
    auto r = h.call<LookupResult>(h.table<orders_catalog_v1_t>()->lookup, refs({{"f1", std::nullopt}}));
    std::remove(path.c_str());
    CPPUNIT_ASSERT_EQUAL(std::string("EUR"), r->products.at(0).unitPrice.currency);
  }
  void duplicateProductIsRejectedAtCreate() {
    PluginHarness h(orders_plugin_descriptor_v1());
    Status s = h.create(R"({"products":[{"id":"a","title":"A","priceMinor":1,"currency":"USD"},
                                          {"id":"a","title":"B","priceMinor":2,"currency":"USD"}]})");
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("product a is listed twice"), s.error().message);
  }
  void unreadableFileIsRejectedAtCreate() {
    PluginHarness h(orders_plugin_descriptor_v1());
    Status s = h.create(R"({"products":[],"file":"/nonexistent/products.json"})");
    CPPUNIT_ASSERT_EQUAL(std::string("file: cannot read /nonexistent/products.json"), s.error().message);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StaticCatalogTest);
