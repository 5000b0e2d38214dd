// payment/@NAME@ on the SDK's FakeHost, through its C ABI (the descriptor
// ORDERS_PLUGIN exported, linked into this test). No sockets, no server.
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

void create(PluginHarness &h) {
  h.host().setSecret("api_key", "sk_test");
  h.host().setSecret("hook_key", "whsec");
  const Status s = h.createWithDefaults(
      R"({"base_url":"https://pay.test/","api_key_secret":"api_key","webhook_secret":"hook_key"})");
  check(s.ok(), "create: " + (s.ok() ? std::string("ok") : s.error().message));
}

PaymentRequest payment() {
  PaymentRequest r;
  r.orderId = "o-1";
  r.orderNumber = "ORD-1";
  r.idempotencyKey = "order:o-1:attempt:1";
  r.amount = Money{1299, "USD"};
  return r;
}

void createsAKeyedPayment() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("POST", "https://pay.test/v1/payments",
                  HttpResponse{201, {}, R"({"id":"pay_1","status":"pending"})"});
  auto r = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, payment());
  check(r.ok() && r->reference == "pay_1" && r->status == "pending", "a pending payment pay_1");
  const auto sent = h.host().requests();
  check(sent.size() == 1 && sent[0].headers.at("Idempotency-Key") == "order:o-1:attempt:1",
        "the host's idempotency key goes out as Idempotency-Key");
  check(sent.size() == 1 && parseJson(sent[0].body)["amount"].asString() == "12.99", "1299 USD minor is 12.99");
}

void declineIsAResultAndOutageIsRetryable() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("POST", "https://pay.test/v1/payments",
                  HttpResponse{201, {}, R"({"id":"pay_2","status":"declined"})"});
  auto declined = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, payment());
  check(declined.ok() && declined->status == "failed", "a decline is status failed, not an error");

  PluginHarness down(orders_plugin_descriptor_v1());
  create(down);
  down.host().onHttp("POST", "https://pay.test/v1/payments", HttpResponse{503, {}, "busy"});
  auto outage = down.call<PaymentResult>(down.table<orders_payment_v1_t>()->create_payment, payment());
  check(!outage.ok() && outage.error().retryable, "a 503 is a retryable error");
}

void webhooksAreVerified() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  const std::string body =
      R"({"id":"evt_1","type":"payment.succeeded","data":{"id":"pay_1","reference":"o-1","amount":"12.99","currency":"USD"}})";
  InboundMessage m;
  m.source = "webhook";
  m.headers["x-signature"] = crypto::hmacSha256Hex("whsec", body);
  auto parsed = h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, m, body);
  check(parsed.ok() && parsed->outcome == "event" && parsed->event->type == "paid" &&
            parsed->event->amount->amountMinor == 1299,
        "a signed payment.succeeded is a paid event of 1299");
  m.headers["x-signature"] = crypto::hmacSha256Hex("wrong", body);
  auto forged = h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, m, body);
  check(!forged.ok() && forged.error().code == ErrorCode::unauthenticated, "a wrong signature is refused");
}

} // namespace

int main() {
  createsAKeyedPayment();
  declineIsAResultAndOutageIsRetryable();
  webhooksAreVerified();
  return checkSummary();
}
