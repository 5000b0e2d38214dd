// customer/@NAME@ on the SDK's FakeHost, through its C ABI (the descriptor
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

const std::string kAnn = "https://customers.test/v1/customers/u-1";

void create(PluginHarness &h) {
  h.host().setSecret("api_key", "sk_test");
  const Status s = h.createWithDefaults(R"({"base_url":"https://customers.test/","api_key_secret":"api_key"})");
  check(s.ok(), "create: " + (s.ok() ? std::string("ok") : s.error().message));
}

Result<Party> lookup(PluginHarness &h, const std::string &user = "u-1",
                     std::optional<std::string> email = std::nullopt) {
  return h.call<Party>(h.table<orders_customer_v1_t>()->lookup, CustomerRef{user, std::move(email)});
}

void readsTheCustomer() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("GET", kAnn,
                  HttpResponse{200, {}, R"({"id":"u-1","name":"Ann Lee","email":"ann@example.com","phone":"+15550100"})"});
  auto ann = lookup(h);
  check(ann.ok() && ann->id == "u-1" && ann->name == "Ann Lee" && ann->email == "ann@example.com" &&
            ann->phone == "+15550100",
        "name, email and phone as the service has them");
  const auto sent = h.host().requests();
  check(sent.size() == 1 && sent[0].headers.at("Authorization") == "Bearer sk_test", "the API key as a Bearer token");

  PluginHarness bare(orders_plugin_descriptor_v1());
  create(bare);
  bare.host().onHttp("GET", kAnn, HttpResponse{200, {}, R"({"id":"u-1","name":"","email":null})"});
  auto b = lookup(bare, "u-1", std::string("from-token@example.com"));
  check(b.ok() && !b->name && b->email == "from-token@example.com" && !b->phone,
        "empty and absent fields are absent; the credentials' email is kept");
}

void refusesWhatIsNotACustomer() {
  for (const std::string &body : {std::string("[]"), std::string(R"({"name":7})"), std::string("<html>busy</html>")}) {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h);
    h.host().onHttp("GET", kAnn, HttpResponse{200, {}, body});
    auto r = lookup(h);
    check(!r.ok() && r.error().code == ErrorCode::unavailable, "not a customer, refused: " + body);
  }
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  auto nobody = lookup(h, "");
  check(!nobody.ok() && nobody.error().code == ErrorCode::invalid_argument, "an empty user id is invalid_argument");
}

void unknownAndOutages() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("GET", kAnn, HttpResponse{404, {}, ""});
  auto missing = lookup(h);
  check(!missing.ok() && missing.error().code == ErrorCode::not_found, "an unknown customer is not_found");

  PluginHarness down(orders_plugin_descriptor_v1());
  create(down);
  down.host().onHttp("GET", kAnn, HttpResponse{503, {}, "busy"});
  auto r = lookup(down);
  check(!r.ok() && r.error().retryable, "a 503 is retryable");
}

} // namespace

int main() {
  readsTheCustomer();
  refusesWhatIsNotACustomer();
  unknownAndOutages();
  return checkSummary();
}
