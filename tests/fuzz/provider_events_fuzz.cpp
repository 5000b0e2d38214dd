// Provider webhooks and Kafka payment messages as the plugins read them:
// each plugin's parse_webhook / parse_event called through its C ABI on a
// FakeHost (sdk/testing's PluginHarness, a fresh instance per input), its
// sources compiled in (tests/fuzz/provider_events/*.cpp), configured with
// fixed secrets. The first byte picks the plugin and call:
//   0 payment/xendit webhook      5 payment/payments-service webhook
//   1 payment/stripe webhook      6 payment/payments-service Kafka message
//   2 payment/paypal webhook      7 shipping/logistics webhook
//   3 payment/manual webhook      8 shipping/manual webhook
//   4 payment/manual Kafka msg    9 dialect/fastapi-shop Kafka message
// The second byte: bit 0 the harness adds the genuine credentials for the
// body (callback token, Stripe-Signature over the body, PayPal transmission
// headers, webhook secret; with bit 1 logistics' HMAC signature instead of
// its secret, PayPal's verification answers FAILURE). The rest is the body,
// or header lines "name: value", an empty line, then the body.
// Never a crash; never an internal error (an exception the plugin threw, an
// answer outside the contract's words); every answer passes the host's
// check against schemas/data/plugin-messages.v1 (host/plugins/answer_schema:
// provider text that is not UTF-8, a time that is not RFC 3339 UTC, a
// currency that is not three capitals would make the host refuse it; the
// SDK's glue fits such text or refuses the message, orders/sdk/contract.hpp);
// a webhook without any header is refused as unauthenticated.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "orders/sdk/config_schema.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"
#include "plugins/answer_schema.hpp"

extern "C" {
const orders_plugin_descriptor_t *orders_fuzz_payment_xendit(void);
const orders_plugin_descriptor_t *orders_fuzz_payment_stripe(void);
const orders_plugin_descriptor_t *orders_fuzz_payment_paypal(void);
const orders_plugin_descriptor_t *orders_fuzz_payment_manual(void);
const orders_plugin_descriptor_t *orders_fuzz_payment_payments_service(void);
const orders_plugin_descriptor_t *orders_fuzz_shipping_logistics(void);
const orders_plugin_descriptor_t *orders_fuzz_shipping_manual(void);
const orders_plugin_descriptor_t *orders_fuzz_dialect_fastapi_shop(void);
}

using namespace orders::sdk;
using orders::sdk::testing::FakeHost;
using orders::sdk::testing::PluginHarness;

namespace {

enum class Call { payment_webhook, payment_event, shipping_webhook, dialect_event };

constexpr int64_t kNowS = 1'790'000'000; // FakeHost's clock: 2026-09-21T14:13:20Z
const std::string kNowText = "2026-09-21T14:13:20Z";

struct Target {
  const char *name;
  const orders_plugin_descriptor_t *(*descriptor)();
  Call call;
  std::string config; // as the host passes it: validated, defaults in (at start)
  std::map<std::string, std::string> secrets;
};

Target targets[] = {
    {"xendit",
     orders_fuzz_payment_xendit,
     Call::payment_webhook,
     R"({"base_url": "http://xendit.test"})",
     {{"XENDIT_SECRET_KEY", "xnd_development_fuzz"}, {"XENDIT_CALLBACK_TOKEN", "fuzz-callback-token"}}},
    {"stripe",
     orders_fuzz_payment_stripe,
     Call::payment_webhook,
     R"({"base_url": "http://stripe.test"})",
     {{"STRIPE_SECRET_KEY", "sk_test_fuzz"}, {"STRIPE_WEBHOOK_SECRET", "whsec_fuzz"}}},
    {"paypal",
     orders_fuzz_payment_paypal,
     Call::payment_webhook,
     R"({"base_url": "http://paypal.test", "webhook_id": "WH-FUZZ"})",
     {{"PAYPAL_CLIENT_ID", "client-fuzz"}, {"PAYPAL_CLIENT_SECRET", "secret-fuzz"}}},
    {"manual",
     orders_fuzz_payment_manual,
     Call::payment_webhook,
     R"({"webhook_secret": "PAYMENT_WEBHOOK_SECRET"})",
     {{"PAYMENT_WEBHOOK_SECRET", "fuzz-webhook-secret"}}},
    {"manual",
     orders_fuzz_payment_manual,
     Call::payment_event,
     R"({"webhook_secret": "PAYMENT_WEBHOOK_SECRET"})",
     {{"PAYMENT_WEBHOOK_SECRET", "fuzz-webhook-secret"}}},
    {"payments-service",
     orders_fuzz_payment_payments_service,
     Call::payment_webhook,
     R"({"base_url": "http://payments.test", "webhook_secret": "PAYMENTS_WEBHOOK_SECRET"})",
     {{"PAYMENTS_WEBHOOK_SECRET", "fuzz-payments-secret"}}},
    {"payments-service",
     orders_fuzz_payment_payments_service,
     Call::payment_event,
     R"({"base_url": "http://payments.test", "amount_major_pointer": "/amount", "currency_exponents": {"IDR": 0}})",
     {}},
    {"logistics",
     orders_fuzz_shipping_logistics,
     Call::shipping_webhook,
     R"({"base_url": "http://logistics.test", "webhook_secret": "LOGISTICS_WEBHOOK_SECRET",
         "signature_secret": "LOGISTICS_SIGNING_KEY"})",
     {{"LOGISTICS_WEBHOOK_SECRET", "fuzz-logistics-secret"}, {"LOGISTICS_SIGNING_KEY", "fuzz-logistics-key"}}},
    {"manual",
     orders_fuzz_shipping_manual,
     Call::shipping_webhook,
     R"({"webhook_secret": "SHIPPING_WEBHOOK_SECRET", "carrier": "JNE"})",
     {{"SHIPPING_WEBHOOK_SECRET", "fuzz-shipping-secret"}}},
    {"fastapi-shop", orders_fuzz_dialect_fastapi_shop, Call::dialect_event, "{}", {}},
};
constexpr size_t kTargets = sizeof targets / sizeof targets[0];

HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// The genuine credentials of `body` for target `index`, and PayPal's answers.
void authenticate(size_t index, bool alternative, InboundMessage &m, const std::string &body) {
  const Target &t = targets[index];
  switch (index) {
  case 0: m.headers["x-callback-token"] = t.secrets.at("XENDIT_CALLBACK_TOKEN"); break;
  case 1: {
    const std::string ts = std::to_string(kNowS - 42);
    m.headers["stripe-signature"] =
        "t=" + ts + ",v1=" + crypto::hmacSha256Hex(t.secrets.at("STRIPE_WEBHOOK_SECRET"), ts + "." + body);
    break;
  }
  case 2:
    m.headers["paypal-transmission-id"] = "69cd13f0-d67a-11e5-baa3-778b53f4ae55";
    m.headers["paypal-transmission-time"] = kNowText;
    m.headers["paypal-transmission-sig"] = "lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz";
    m.headers["paypal-cert-url"] = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594";
    m.headers["paypal-auth-algo"] = "SHA256withRSA";
    break;
  case 3: m.headers["x-webhook-secret"] = t.secrets.at("PAYMENT_WEBHOOK_SECRET"); break;
  case 5: m.headers["x-webhook-secret"] = t.secrets.at("PAYMENTS_WEBHOOK_SECRET"); break;
  case 7:
    if (alternative)
      m.headers["x-signature"] = "sha256=" + crypto::hmacSha256Hex(t.secrets.at("LOGISTICS_SIGNING_KEY"), body);
    else
      m.headers["x-webhook-secret"] = t.secrets.at("LOGISTICS_WEBHOOK_SECRET");
    break;
  case 8: m.headers["x-webhook-secret"] = t.secrets.at("SHIPPING_WEBHOOK_SECRET"); break;
  default: break;
  }
}

void scriptPaypal(FakeHost &host, bool verified) {
  host.onHttp("POST", "http://paypal.test/v1/oauth2/token",
              answer(200, R"({"scope":"https://uri.paypal.com/services/payments/payment","access_token":"A21-fuzz",)"
                          R"("token_type":"Bearer","app_id":"APP-80W284485P519543T","expires_in":32400})"));
  host.onHttp("POST", "http://paypal.test/v1/notifications/verify-webhook-signature",
              answer(200, verified ? R"({"verification_status":"SUCCESS"})" : R"({"verification_status":"FAILURE"})"));
  const std::string order =
      R"({"id":"5O190127TN364715T","intent":"CAPTURE","status":"COMPLETED","purchase_units":[{"reference_id":"o-1",)"
      R"("custom_id":"o-1","amount":{"currency_code":"USD","value":"19.99"},"payments":{"captures":[{"id":"3C6",)"
      R"("status":"COMPLETED","amount":{"currency_code":"USD","value":"19.99"},"custom_id":"o-1",)"
      R"("final_capture":true}]}}],"links":[]})";
  host.onHttp("POST", "http://paypal.test/v2/checkout/orders/", answer(201, order));
  host.onHttp("GET", "http://paypal.test/v2/checkout/orders/", answer(200, order));
}

template <class Resp> void checkAnswer(const Target &t, const Result<Resp> &result, bool refused_expected) {
  if (!result.ok()) {
    if (result.error().code == ErrorCode::internal) {
      std::fprintf(stderr, "%s: internal error: %s\n", t.name, result.error().message.c_str());
      std::abort();
    }
    if (refused_expected && result.error().code != ErrorCode::unauthenticated) std::abort();
    return;
  }
  if (refused_expected) {
    std::fprintf(stderr, "%s: accepted a webhook without credentials\n", t.name);
    std::abort();
  }
  using orders::host::plugins::answerProblem, orders::host::plugins::answerSchemaName;
  if (auto problem = answerProblem(answerSchemaName<Resp>(), toJson(result.value()))) {
    std::fprintf(stderr, "%s: an answer the host refuses: %s\n", t.name, problem->c_str());
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  for (Target &t : targets) {
    const orders_plugin_descriptor_t *d = t.descriptor();
    auto validated = schema::validatedConfig(d->config_schema, parseJson(t.config));
    if (!validated.ok()) {
      std::fprintf(stderr, "%s: %s\n", t.name, validated.error().message.c_str());
      std::abort();
    }
    t.config = writeJson(validated.value());
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  const size_t index = data[0] % kTargets;
  const Target &t = targets[index];
  const bool genuine = (data[1] & 1) != 0, alternative = (data[1] & 2) != 0;
  const std::string rest(reinterpret_cast<const char *>(data + 2), size - 2);

  InboundMessage m;
  const bool kafka = t.call == Call::payment_event || t.call == Call::dialect_event;
  m.source = kafka ? "kafka" : "webhook";
  if (kafka) m.topic = "payment.events";
  std::string body = rest;
  if (const size_t blank = rest.find("\n\n"); blank != std::string::npos) {
    body = rest.substr(blank + 2);
    for (size_t start = 0; start < blank;) {
      size_t end = rest.find('\n', start);
      if (end == std::string::npos || end > blank) end = blank;
      const std::string line = rest.substr(start, end - start);
      start = end + 1;
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon), value = line.substr(colon + 1);
      for (char &c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (kafka && name == "key")
        m.key = value;
      else
        m.headers[name] = value;
    }
  }
  const bool refused_expected = !kafka && !genuine && m.headers.empty();

  PluginHarness h(t.descriptor());
  for (const auto &[name, value] : t.secrets)
    h.host().setSecret(name, value);
  if (index == 2) scriptPaypal(h.host(), !alternative);
  if (Status created = h.create(t.config, std::string("fuzz-") + t.name); !created.ok()) {
    std::fprintf(stderr, "%s: %s\n", t.name, created.error().message.c_str());
    std::abort();
  }
  if (genuine) authenticate(index, alternative, m, body);

  switch (t.call) {
  case Call::payment_webhook: checkAnswer(t, h.payment().parseWebhook(m, body), refused_expected); break;
  case Call::payment_event: checkAnswer(t, h.payment().parseEvent(m, body), false); break;
  case Call::shipping_webhook: checkAnswer(t, h.shipping().parseWebhook(m, body), refused_expected); break;
  case Call::dialect_event: checkAnswer(t, h.dialect().parseEvent(m, body), false); break;
  }
  return 0;
}
