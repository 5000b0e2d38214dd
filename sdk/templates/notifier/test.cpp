// notifier/@NAME@ on the SDK's FakeHost, through its C ABI.
#include <string>

#include "orders/sdk/crypto.hpp"
#include "orders/sdk/testing/check.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::check;
using orders::sdk::testing::checkSummary;
using orders::sdk::testing::PluginHarness;

namespace {

void create(PluginHarness &h, const std::string &extra = "") {
  h.host().setSecret("key", "whsec");
  const Status s = h.createWithDefaults(R"({"url":"https://hooks.test/orders","signing_secret":"key")" + extra + "}");
  check(s.ok(), "create: " + (s.ok() ? std::string("ok") : s.error().message));
}

Notification paid() {
  Notification n;
  n.event = "order.paid";
  n.eventId = "evt-1";
  n.order.id = "o-1";
  n.order.orderNumber = "ORD-1";
  n.order.status = "paid";
  n.order.currency = "USD";
  n.order.totalMinor = 1299;
  return n;
}

void postsASignedKeyedBody() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("POST", "https://hooks.test/orders", HttpResponse{202, {}, ""});
  auto r = h.call<Empty>(h.table<orders_notifier_v1_t>()->notify, paid());
  check(r.ok(), "delivered");
  const auto sent = h.host().requests();
  check(sent.size() == 1 && sent[0].headers.at("X-Signature") == crypto::hmacSha256Hex("whsec", sent[0].body),
        "X-Signature is the HMAC of the exact body");
  check(sent.size() == 1 && sent[0].headers.at("Idempotency-Key") == "evt-1", "keyed by the event id");
}

void filtersEventsAndReportsOutages() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h, R"(,"events":["order.shipped"])");
  auto skipped = h.call<Empty>(h.table<orders_notifier_v1_t>()->notify, paid());
  check(skipped.ok() && h.host().requests().empty(), "an event not configured is not sent");

  PluginHarness down(orders_plugin_descriptor_v1());
  create(down);
  down.host().onHttp("POST", "https://hooks.test/orders", HttpResponse{503, {}, ""});
  auto r = down.call<Empty>(down.table<orders_notifier_v1_t>()->notify, paid());
  check(!r.ok() && r.error().retryable, "a 503 is retryable (the host redelivers)");
}

} // namespace

int main() {
  postsASignedKeyedBody();
  filtersEventsAndReportsOutages();
  return checkSummary();
}
