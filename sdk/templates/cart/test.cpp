// cart/@NAME@ on the SDK's FakeHost, through its C ABI (the descriptor
// ORDERS_PLUGIN exported, linked into this test). No sockets, no server.
#include <string>

#include "orders/sdk/testing/check.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::check;
using orders::sdk::testing::checkSummary;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kCart = "https://carts.test/v1/carts/u-1";

void create(PluginHarness &h) {
  h.host().setSecret("api_key", "sk_test");
  const Status s = h.createWithDefaults(R"({"base_url":"https://carts.test/","api_key_secret":"api_key"})");
  check(s.ok(), "create: " + (s.ok() ? std::string("ok") : s.error().message));
}

Result<Cart> load(PluginHarness &h, const std::string &user = "u-1") {
  return h.call<Cart>(h.table<orders_cart_v1_t>()->load, CartRef{user, std::nullopt});
}

void readsTheLines() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("GET", kCart,
                  HttpResponse{200,
                               {},
                               R"({"items":[{"product_id":"sku-1","quantity":2,"seller_id":"s-1"},)"
                               R"({"product_id":"sku-2","variant_id":"red","quantity":1}]})"});
  auto cart = load(h);
  check(cart.ok() && cart->lines.size() == 2, "two lines");
  if (cart.ok() && cart->lines.size() == 2) {
    check(cart->lines[0].productId == "sku-1" && cart->lines[0].quantity == 2 && cart->lines[0].sellerId == "s-1",
          "the first line as sent");
    check(cart->lines[1].variantId == "red" && !cart->lines[1].sellerId, "the second line's variant, no seller");
  }
  const auto sent = h.host().requests();
  check(sent.size() == 1 && sent[0].headers.at("Authorization") == "Bearer sk_test", "the API key as a Bearer token");

  PluginHarness none(orders_plugin_descriptor_v1());
  create(none);
  none.host().onHttp("GET", kCart, HttpResponse{404, {}, R"({"error":"no cart"})"});
  auto empty = load(none);
  check(empty.ok() && empty->lines.empty(), "no cart (404) is an empty cart");
}

void refusesWhatIsNotACart() {
  for (const std::string &body : {std::string(R"({"items":[{"quantity":1}]})"),
                                 std::string(R"({"items":[{"product_id":"sku-1","quantity":0}]})"),
                                 std::string(R"({"items":[{"product_id":"sku-1","quantity":1.5}]})"),
                                 std::string(R"({"lines":[]})"), std::string("<html>busy</html>")}) {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h);
    h.host().onHttp("GET", kCart, HttpResponse{200, {}, body});
    auto cart = load(h);
    check(!cart.ok() && cart.error().code == ErrorCode::unavailable, "not a cart, refused: " + body);
  }
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  auto nobody = load(h, "");
  check(!nobody.ok() && nobody.error().code == ErrorCode::invalid_argument, "an empty user id is invalid_argument");
}

void clearsAndReportsOutages() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("DELETE", kCart, HttpResponse{204, {}, ""});
  auto cleared = h.call<Empty>(h.table<orders_cart_v1_t>()->clear, CartRef{"u-1", std::nullopt});
  check(cleared.ok(), "cleared");

  PluginHarness gone(orders_plugin_descriptor_v1());
  create(gone);
  gone.host().onHttp("DELETE", kCart, HttpResponse{404, {}, ""});
  check(gone.call<Empty>(gone.table<orders_cart_v1_t>()->clear, CartRef{"u-1", std::nullopt}).ok(),
        "a cart already gone is cleared");

  PluginHarness down(orders_plugin_descriptor_v1());
  create(down);
  down.host().onHttp("GET", kCart, HttpResponse{503, {}, "busy"});
  auto r = load(down);
  check(!r.ok() && r.error().retryable, "a 503 is retryable");
  PluginHarness refused(orders_plugin_descriptor_v1());
  create(refused);
  refused.host().onHttp("GET", kCart, HttpResponse{403, {}, "forbidden"});
  auto f = load(refused);
  check(!f.ok() && !f.error().retryable, "a 403 is final");
}

} // namespace

int main() {
  readsTheLines();
  refusesWhatIsNotACart();
  clearsAndReportsOutages();
  return checkSummary();
}
