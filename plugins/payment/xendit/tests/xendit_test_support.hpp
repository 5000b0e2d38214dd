// Shared fixtures of payment/xendit's FakeHost unit tests.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <string>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

namespace xendit_test {

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

inline const std::string kBase = "http://xendit.test";
inline const std::string kInvoicesUrl = "http://xendit.test/v2/invoices";
inline const std::string kLookupUrl = "http://xendit.test/v2/invoices?external_id=";
inline const std::string kInstance = "xendit";
inline const std::string kAuthorization = "Basic eG5kX3Rlc3RfMTIzOg=="; // base64("xnd_test_123:")
inline const std::string kToken = "cb-token";

inline HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// A config with base_url (trailing '/' on purpose) plus `extra` members.
inline std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://xendit.test/")") + (extra.empty() ? "" : "," + extra) + "}";
}

// lookup_first off: the POST is the first request (tests of the POST and of
// the lookup after a POST whose outcome is unknown).
inline const std::string kPostFirst = R"("lookup_first":false)";

// An instance created with both default secrets on its FakeHost.
inline std::unique_ptr<PluginHarness> harness(const std::string &extra = "") {
  auto h = std::make_unique<PluginHarness>(orders_plugin_descriptor_v1());
  h->host().setSecret("XENDIT_SECRET_KEY", "xnd_test_123");
  h->host().setSecret("XENDIT_CALLBACK_TOKEN", kToken);
  Status s = h->create(config(extra), kInstance);
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
  return h;
}

// An invoice object as Xendit answers it.
inline std::string invoiceJson(const std::string &id, const std::string &external_id, const std::string &status) {
  return R"({"id":")" + id + R"(","external_id":")" + external_id + R"(","user_id":"5f9a3c","status":")" + status +
         R"(","merchant_name":"LAKOO","amount":165000,"currency":"IDR",)"
         R"("invoice_url":"https://checkout.xendit.co/web/)" +
         id + R"(","expiry_date":"2026-09-22T13:33:20.000Z","created":"2026-09-21T13:33:20.000Z"})";
}

inline LineItem line(const std::string &title, int64_t quantity, Money unit) {
  LineItem item;
  item.productId = "p-" + title;
  item.title = title;
  item.quantity = quantity;
  item.unitPrice = unit;
  item.lineTotal = Money{unit.amountMinor * quantity, unit.currency};
  return item;
}

// IDR 165000: 2 x Mug at 50000 (category Kitchen) + 1 x Tee at 65000, for Ann.
inline PaymentRequest idrPayment(const std::string &order = "o-1", int64_t attempt = 1) {
  PaymentRequest r;
  r.orderId = order;
  r.orderNumber = "ORD-20260921-ABCD2345";
  r.attempt = attempt;
  r.idempotencyKey = "order:" + order + ":attempt:" + std::to_string(attempt);
  r.amount = Money{165000, "IDR"};
  r.customer = Party{"u-1", std::string("Ann Lee"), std::string("ann@example.com"), std::string("+62 811-2345-678")};
  r.description = "Order ORD-20260921-ABCD2345";
  LineItem mug = line("Mug", 2, Money{50000, "IDR"});
  mug.attributes["category"] = "Kitchen";
  r.items = {mug, line("Tee", 1, Money{65000, "IDR"})};
  return r;
}

inline Result<PaymentResult> createPayment(PluginHarness &h, const PaymentRequest &r) {
  return h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, r);
}

inline InboundMessage webhook(const std::string &token) {
  InboundMessage m;
  m.source = "webhook";
  m.headers["content-type"] = "application/json";
  if (!token.empty()) m.headers["x-callback-token"] = token;
  return m;
}

inline Result<ParsedEvent> parseWebhook(PluginHarness &h, const std::string &token, const std::string &body) {
  return h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, webhook(token), body);
}

template <class T> std::string why(const Result<T> &r) { return r.ok() ? std::string() : r.error().message; }

inline bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

} // namespace xendit_test
