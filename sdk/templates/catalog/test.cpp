// catalog/@NAME@ on the SDK's FakeHost, through its C ABI (the descriptor
// ORDERS_PLUGIN exported, linked into this test). No sockets, no server.
// h.catalog() calls the slot as the host does; FakeHost matches a rule by
// URL prefix, so the query string needs no scripting.
#include <initializer_list>
#include <optional>
#include <string>

#include "orders/sdk/testing/check.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::check;
using orders::sdk::testing::checkSummary;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kProducts = "https://products.test/v1/products";

void create(PluginHarness &h, const std::string &extra = "") {
  h.host().setSecret("api_key", "sk_test");
  const Status s =
      h.createWithDefaults(R"({"base_url":"https://products.test/","api_key_secret":"api_key")" + extra + "}");
  check(s.ok(), "create: " + (s.ok() ? std::string("ok") : s.error().message));
}

// A request header as sent, or "" when absent.
std::string header(const HttpRequest &r, const std::string &name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

LookupRequest items(std::initializer_list<ProductRef> refs) {
  LookupRequest r;
  r.items = refs;
  return r;
}

// An answer knowing one product, sku-1, at `price` USD.
std::string mugAt(const std::string &price) {
  return R"({"products":[{"id":"sku-1","title":"Mug","price":")" + price + R"(","currency":"USD"}]})";
}

// The product of `id` (and variant) in a lookup's answer, or nullptr.
const Product *productIn(const LookupResult &r, const std::string &id, const std::optional<std::string> &variant = {}) {
  for (const Product &p : r.products)
    if (p.productId == id && p.variantId == variant) return &p;
  return nullptr;
}

void pricesInMinorUnits() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("GET", kProducts,
                  HttpResponse{200, {}, R"({"products":[)"
                                        R"({"id":"sku-1","title":"Mug","price":"12.99","currency":"USD",)"
                                        R"("seller_id":"s-1","attributes":{"colour":"blue"}},)"
                                        R"({"id":"sku-2","title":"Tea","price":"1500","currency":"jpy"},)"
                                        R"({"id":"sku-3","title":"Dates","price":"1.250","currency":"KWD"},)"
                                        R"({"id":"sku-4","title":"Shirt","price":"20","currency":"EUR",)"
                                        R"("variants":[{"id":"L","title":"Large","price":"22.50"}]}]})"});
  auto r = h.catalog().lookup(items({{"sku-1", std::nullopt},
                                     {"sku-2", std::nullopt},
                                     {"sku-3", std::nullopt},
                                     {"sku-4", std::string("L")}}));
  check(r.ok() && r->products.size() == 4, "four products priced");
  if (!r.ok()) return;
  const Product *mug = productIn(*r, "sku-1");
  check(mug != nullptr && mug->unitPrice.amountMinor == 1299 && mug->unitPrice.currency == "USD" &&
            mug->title == "Mug" && mug->sellerId == "s-1" && mug->attributes.count("colour") == 1,
        "12.99 USD is 1299 minor, with its seller and attributes");
  const Product *tea = productIn(*r, "sku-2");
  check(tea != nullptr && tea->unitPrice.amountMinor == 1500 && tea->unitPrice.currency == "JPY",
        "1500 JPY is 1500 minor (exponent 0)");
  const Product *dates = productIn(*r, "sku-3");
  check(dates != nullptr && dates->unitPrice.amountMinor == 1250, "1.250 KWD is 1250 minor (exponent 3)");
  const Product *large = productIn(*r, "sku-4", std::string("L"));
  check(large != nullptr && large->unitPrice.amountMinor == 2250 && large->title == "Shirt - Large",
        "a variant has its own price and title");
  const auto sent = h.host().requests();
  check(sent.size() == 1 && sent[0].method == "GET" && header(sent[0], "Authorization") == "Bearer sk_test",
        "one GET with the API key as a Bearer token");
  check(sent.size() == 1 && sent[0].url == kProducts + "?ids=sku-1,sku-2,sku-3,sku-4", "the ids go in one query");
}

void idsArePercentEncodedAndBatched() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h, R"(,"max_ids_per_request":2)");
  h.host().onHttp("GET", kProducts, HttpResponse{200, {}, R"({"products":[]})"});
  auto r = h.catalog().lookup(items({{"a b", std::nullopt}, {"c,d", std::nullopt}, {"e/f", std::nullopt}}));
  check(r.ok() && r->products.empty(), "an answer of no products is an empty lookup");
  const auto sent = h.host().requests();
  check(sent.size() == 2 && sent[0].url == kProducts + "?ids=a%20b,c%2Cd" && sent[1].url == kProducts + "?ids=e%2Ff",
        "each id is percent-encoded, at most max_ids_per_request a call");
}

void unknownProductsAreAbsent() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("GET", kProducts, HttpResponse{200, {}, mugAt("12.99")});
  auto r = h.catalog().lookup(items({{"sku-1", std::nullopt}, {"sku-9", std::nullopt}, {"sku-1", std::string("XL")}}));
  check(r.ok() && r->products.size() == 1 && productIn(*r, "sku-1") != nullptr,
        "an unknown product and an unknown variant are absent, not an error");
}

void outageIsRetryableAndRefusalIsFinal() {
  const LookupRequest mug = items({{"sku-1", std::nullopt}});

  PluginHarness down(orders_plugin_descriptor_v1());
  create(down);
  down.host().onHttp("GET", kProducts, HttpResponse{503, {}, "busy"});
  auto outage = down.catalog().lookup(mug);
  check(!outage.ok() && outage.error().retryable, "a 503 is a retryable error");

  PluginHarness cut(orders_plugin_descriptor_v1());
  create(cut);
  cut.host().onHttpError("GET", kProducts, timeoutError("no answer in time"));
  auto late = cut.catalog().lookup(mug);
  check(!late.ok() && late.error().retryable, "a transport timeout stays retryable");

  PluginHarness refused(orders_plugin_descriptor_v1());
  create(refused);
  refused.host().onHttp("GET", kProducts, HttpResponse{401, {}, R"({"error":"bad key"})"});
  auto denied = refused.catalog().lookup(mug);
  check(!denied.ok() && !denied.error().retryable && denied.error().code == ErrorCode::unauthenticated,
        "a 401 is a final unauthenticated");

  PluginHarness garbled(orders_plugin_descriptor_v1());
  create(garbled);
  garbled.host().onHttp("GET", kProducts, HttpResponse{200, {}, "<html>oops</html>"});
  auto unreadable = garbled.catalog().lookup(mug);
  check(!unreadable.ok(), "an answer that is not JSON is an error");

  PluginHarness odd(orders_plugin_descriptor_v1());
  create(odd);
  odd.host().onHttp("GET", kProducts, HttpResponse{200, {}, mugAt("12.999")});
  auto imprecise = odd.catalog().lookup(mug);
  check(!imprecise.ok() && !imprecise.error().retryable, "a price finer than the currency's cents is a final error");

  PluginHarness blank(orders_plugin_descriptor_v1());
  create(blank);
  auto nameless = blank.catalog().lookup(items({{"", std::nullopt}}));
  check(!nameless.ok() && nameless.error().code == ErrorCode::invalid_argument && blank.host().requests().empty(),
        "an empty product id is refused before any call");
}

} // namespace

int main() {
  pricesInMinorUnits();
  idsArePercentEncodedAndBatched();
  unknownProductsAreAbsent();
  outageIsRetryableAndRefusalIsFinal();
  return checkSummary();
}
