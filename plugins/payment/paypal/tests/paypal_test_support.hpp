// Shared fixtures of payment/paypal's FakeHost unit tests.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <string>
#include <vector>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

namespace paypal_test {

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

inline const std::string kBase = "http://paypal.test";
inline const std::string kTokenUrl = "http://paypal.test/v1/oauth2/token";
inline const std::string kOrdersUrl = "http://paypal.test/v2/checkout/orders";
inline const std::string kVerifyUrl = "http://paypal.test/v1/notifications/verify-webhook-signature";
inline const std::string kInstance = "paypal";
inline const std::string kBasic = "Basic Y2xpZW50LTE6c2VjcmV0LTE="; // base64("client-1:secret-1")
inline const std::string kNowText = "2026-09-21T14:13:20Z";         // FakeHost's clock

inline HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

inline std::string tokenJson(const std::string &token, int64_t expires_in = 32400) {
  return R"({"scope":"https://uri.paypal.com/services/payments/payment","access_token":")" + token +
         R"(","token_type":"Bearer","app_id":"APP-80W284485P519543T","expires_in":)" + std::to_string(expires_in) +
         R"(,"nonce":"2026-09-21T14:13:20Zabc"})";
}

inline std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://paypal.test/","webhook_id":"WH-1")") + (extra.empty() ? "" : "," + extra) +
         "}";
}

// An instance with both secrets and a token endpoint answering "A21-1".
inline std::unique_ptr<PluginHarness> harness(const std::string &extra = "", bool token = true) {
  auto h = std::make_unique<PluginHarness>(orders_plugin_descriptor_v1());
  h->host().setSecret("PAYPAL_CLIENT_ID", "client-1");
  h->host().setSecret("PAYPAL_CLIENT_SECRET", "secret-1");
  if (token) h->host().onHttp("POST", kTokenUrl, answer(200, tokenJson("A21-1")));
  Status s = h->create(config(extra), kInstance);
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
  return h;
}

// A PayPal order as the API answers it.
inline std::string orderJson(const std::string &id, const std::string &status, const std::string &captures = "") {
  std::string payments;
  if (!captures.empty()) payments = R"(,"payments":{"captures":[)" + captures + "]}";
  return R"({"id":")" + id + R"(","intent":"CAPTURE","status":")" + status +
         R"(","purchase_units":[{"reference_id":"o-1","custom_id":"o-1","amount":{"currency_code":"USD",)"
         R"("value":"19.99"})" +
         payments + R"(}],"links":[{"href":"https://api-m.paypal.com/v2/checkout/orders/)" + id +
         R"(","rel":"self","method":"GET"},{"href":"https://www.paypal.com/checkoutnow?token=)" + id +
         R"(","rel":"approve","method":"GET"}]})";
}

inline std::string captureJson(const std::string &id, const std::string &status, const std::string &value = "19.99",
                               const std::string &currency = "USD") {
  return R"({"id":")" + id + R"(","status":")" + status + R"(","amount":{"currency_code":")" + currency +
         R"(","value":")" + value + R"("},"custom_id":"o-1","final_capture":true})";
}

inline PaymentRequest usdPayment(const std::string &order = "o-1", int64_t attempt = 1) {
  PaymentRequest r;
  r.orderId = order;
  r.orderNumber = "ORD-1";
  r.attempt = attempt;
  r.idempotencyKey = "order:" + order + ":attempt:" + std::to_string(attempt);
  r.amount = Money{1999, "USD"};
  return r;
}

inline Result<PaymentResult> createPayment(PluginHarness &h, const PaymentRequest &r) {
  return h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, r);
}
inline Result<PaymentResult> status(PluginHarness &h, const std::string &reference) {
  return h.call<PaymentResult>(h.table<orders_payment_v1_t>()->status, PaymentRef{reference, "o-1"});
}

inline std::vector<HttpRequest> requestsTo(PluginHarness &h, const std::string &url) {
  std::vector<HttpRequest> out;
  for (const HttpRequest &r : h.host().requests())
    if (r.url == url) out.push_back(r);
  return out;
}

template <class T> std::string why(const Result<T> &r) { return r.ok() ? std::string() : r.error().message; }

inline bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

} // namespace paypal_test
