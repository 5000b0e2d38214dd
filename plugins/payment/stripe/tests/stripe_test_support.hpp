// Shared fixtures of payment/stripe's FakeHost unit tests.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <string>

#include "../webhook.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

namespace stripe_test {

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

inline const std::string kBase = "http://stripe.test";
inline const std::string kIntentsUrl = "http://stripe.test/v1/payment_intents";
inline const std::string kRefundsUrl = "http://stripe.test/v1/refunds";
inline const std::string kInstance = "stripe";
inline const std::string kBearer = "Bearer sk_test_123";
inline const std::string kWebhookSecret = "whsec_test_secret";
inline constexpr int64_t kNow = 1'790'000'000; // FakeHost's clock, in seconds

inline HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// A config with base_url (trailing '/' on purpose) plus `extra` members.
inline std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://stripe.test/")") + (extra.empty() ? "" : "," + extra) + "}";
}

inline std::unique_ptr<PluginHarness> harness(const std::string &extra = "") {
  auto h = std::make_unique<PluginHarness>(orders_plugin_descriptor_v1());
  h->host().setSecret("STRIPE_SECRET_KEY", "sk_test_123");
  h->host().setSecret("STRIPE_WEBHOOK_SECRET", kWebhookSecret);
  Status s = h->create(config(extra), kInstance);
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
  return h;
}

// A PaymentIntent as Stripe answers it.
inline std::string intentJson(const std::string &id, const std::string &status, int64_t amount = 1999,
                              const std::string &currency = "usd", int64_t received = 0) {
  return R"({"id":")" + id + R"(","object":"payment_intent","amount":)" + std::to_string(amount) +
         R"(,"amount_received":)" + std::to_string(received) + R"(,"currency":")" + currency +
         R"(","client_secret":")" + id + R"(_secret_abc","status":")" + status +
         R"(","metadata":{"order_id":"o-1","order_number":"ORD-1","attempt":"1"},"livemode":false})";
}

inline PaymentRequest usdPayment(const std::string &order = "o-1", int64_t attempt = 1) {
  PaymentRequest r;
  r.orderId = order;
  r.orderNumber = "ORD-1";
  r.attempt = attempt;
  r.idempotencyKey = "order:" + order + ":attempt:" + std::to_string(attempt);
  r.amount = Money{1999, "USD"};
  r.customer = Party{"u-1", std::string("Ann Lee"), std::string("ann@example.com"), std::nullopt};
  return r;
}

inline Result<PaymentResult> createPayment(PluginHarness &h, const PaymentRequest &r) {
  return h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, r);
}

// "t=<t>,v1=<hmac of t.body with secret>".
inline std::string signature(const std::string &body, int64_t t, const std::string &secret = kWebhookSecret) {
  return "t=" + std::to_string(t) + ",v1=" + orders::sdk::crypto::hmacSha256Hex(secret, std::to_string(t) + "." + body);
}

inline Result<ParsedEvent> parseWebhook(PluginHarness &h, const std::string &signature_header,
                                        const std::string &body) {
  InboundMessage m;
  m.source = "webhook";
  m.headers["content-type"] = "application/json";
  if (!signature_header.empty()) m.headers["stripe-signature"] = signature_header;
  return h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, m, body);
}

template <class T> std::string why(const Result<T> &r) { return r.ok() ? std::string() : r.error().message; }

inline bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

} // namespace stripe_test
