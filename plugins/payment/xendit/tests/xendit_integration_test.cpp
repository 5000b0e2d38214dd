// payment/xendit loaded as the server loads it (the real registry, schema
// defaults, secrets, the host's outbound HTTP client with its timeouts, and
// the instance's circuit breaker) against a real HTTP peer on 127.0.0.1
// standing in for Xendit's API.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"
#include "plugins/circuit_breaker.hpp"

using orders::host::plugins::CircuitBreaker;
using orders::host::plugins::PluginInstance;
using orders::testing::HttpPeer;
using orders::testing::json;
using orders::testing::LoadedPlugin;
using orders::testing::PeerReply;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

const std::string kSecrets =
    R"({"XENDIT_SECRET_KEY":{"value":"xnd_test_123"},"XENDIT_CALLBACK_TOKEN":{"value":"cb-token"}})";
const std::string kAuthorization = "Basic eG5kX3Rlc3RfMTIzOg=="; // base64("xnd_test_123:")
const std::chrono::milliseconds kSlow(700);                      // > the instance's 300 ms per attempt

// One instance as plugins.payment lists it: `extra` config members after
// base_url (the rest from the schema's defaults), 2 s per call, 300 ms per
// HTTP attempt, no retries, a breaker that opens after 2 failures for 300 ms.
std::unique_ptr<LoadedPlugin> load(const std::string &base_url, const std::string &extra = "") {
  const std::string instance = R"({"name":"xendit","id":"xendit","timeout_ms":2000,"config":{"base_url":")" + base_url +
                               R"(")" + extra +
                               R"(},"http":{"timeout_ms":300,"retries":0},)"
                               R"("breaker":{"failure_threshold":2,"open_ms":300}})";
  auto plugin = std::make_unique<LoadedPlugin>("payment", json(instance), json(kSecrets));
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

std::string invoice(const std::string &id, const std::string &external_id, const std::string &status) {
  return R"({"id":")" + id + R"(","external_id":")" + external_id + R"(","status":")" + status +
         R"(","amount":165000,"currency":"IDR","invoice_url":"https://checkout.xendit.co/web/)" + id +
         R"(","expiry_date":"2026-09-22T13:33:20.000Z"})";
}

sdk::LineItem line(const std::string &title, int64_t quantity, int64_t unit_minor, const std::string &currency) {
  sdk::LineItem item;
  item.productId = "p-" + title;
  item.title = title;
  item.quantity = quantity;
  item.unitPrice = sdk::Money{unit_minor, currency};
  item.lineTotal = sdk::Money{unit_minor * quantity, currency};
  return item;
}

sdk::PaymentRequest payment(const std::string &order = "o-1") {
  sdk::PaymentRequest r;
  r.orderId = order;
  r.orderNumber = "ORD-20260921-ABCD2345";
  r.attempt = 1;
  r.idempotencyKey = "order:" + order + ":attempt:1";
  r.amount = sdk::Money{165000, "IDR"};
  r.customer = sdk::Party{"u-1", std::string("Ann Lee"), std::string("ann@example.com"), std::string("+6281234567")};
  sdk::LineItem mug = line("Mug", 2, 50000, "IDR");
  mug.attributes["category"] = "Kitchen";
  r.items = {mug, line("Tee", 1, 65000, "IDR")};
  return r;
}

// PaymentProvider::status has no typed call in core_plugins.hpp: through the slot.
sdk::Result<sdk::PaymentResult> status(PluginInstance &p, const std::string &reference) {
  return p.call<sdk::PaymentResult>("status", p.methods<orders_payment_v1_t>().status,
                                    sdk::PaymentRef{reference, "o-1"});
}

sdk::InboundMessage callback(const std::optional<std::string> &token) {
  sdk::InboundMessage m;
  m.source = "webhook";
  m.headers["content-type"] = "application/json";
  if (token) m.headers["x-callback-token"] = *token;
  return m;
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

template <class T> std::string why(const sdk::Result<T> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class XenditIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XenditIntegrationTest);
  CPPUNIT_TEST(createSendsEveryFieldToXendit);
  CPPUNIT_TEST(slowCreateIsFoundByExternalId);
  CPPUNIT_TEST(slowCreateNotFoundIsPostedOnceMore);
  CPPUNIT_TEST(peerDownIsARetryableUnavailableError);
  CPPUNIT_TEST(slowPeerOpensTheBreakerAndRecovers);
  CPPUNIT_TEST(refundAndCancelReachXendit);
  CPPUNIT_TEST(webhookIsVerifiedAndTranslated);
  CPPUNIT_TEST_SUITE_END();

public:
  void createSendsEveryFieldToXendit() {
    HttpPeer peer;
    peer.on("POST", "/v2/invoices", PeerReply{200, invoice("inv-1", "order-o-1-1", "PENDING")});
    auto plugin =
        load(peer.baseUrl(), R"(,"success_redirect_url":"https://shop.test/orders/{orderId}/paid",)"
                             R"("failure_redirect_url":"https://shop.test/orders/{orderId}/failed",)"
                             R"("invoice_duration_seconds":3600,"description_template":"LAKOO {orderNumber}",)"
                             R"("lookup_first":false)");
    auto r = core::createPayment(plugin->instance(), payment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://checkout.xendit.co/web/inv-1"), r->redirectUrl.value());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-22T13:33:20.000Z"), r->expiresAt.value());

    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const auto &post = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), post.method);
    CPPUNIT_ASSERT_EQUAL(std::string("/v2/invoices"), post.uri);
    CPPUNIT_ASSERT_EQUAL(kAuthorization, post.headers.at("authorization"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), post.headers.at("content-type"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), post.headers.at("accept"));
    CPPUNIT_ASSERT(post.headers.count("idempotency-key") == 0);

    const Json::Value body = json(post.body);
    CPPUNIT_ASSERT_MESSAGE(post.body, contains(post.body, R"("amount":165000,)")); // whole rupiah, as written
    CPPUNIT_ASSERT_EQUAL(std::string("order-o-1-1"), body["external_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), body["currency"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ann@example.com"), body["payer_email"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("LAKOO ORD-20260921-ABCD2345"), body["description"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(3600), body["invoice_duration"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("https://shop.test/orders/o-1/paid"), body["success_redirect_url"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("https://shop.test/orders/o-1/failed"), body["failure_redirect_url"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(2), body["items"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("Mug"), body["items"][0]["name"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(2), body["items"][0]["quantity"].asInt64());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(50000), body["items"][0]["price"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("Kitchen"), body["items"][0]["category"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Tee"), body["items"][1]["name"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(65000), body["items"][1]["price"].asInt64());
    CPPUNIT_ASSERT(!body["items"][1].isMember("category"));
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee"), body["customer"]["given_names"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ann@example.com"), body["customer"]["email"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("+6281234567"), body["customer"]["mobile_number"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["metadata"]["order_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-20260921-ABCD2345"), body["metadata"]["order_number"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(1), body["metadata"]["attempt"].asInt64());

    sdk::PaymentRequest usd = payment("o-2");
    usd.amount = sdk::Money{2029, "USD"};
    usd.items = {line("Pen", 1, 29, "USD"), line("Book", 1, 2000, "USD")};
    CPPUNIT_ASSERT(core::createPayment(plugin->instance(), usd).ok());
    const std::string usd_body = peer.requests().at(1).body;
    CPPUNIT_ASSERT_MESSAGE(usd_body, contains(usd_body, R"("amount":20.29,"currency":"USD")"));
    CPPUNIT_ASSERT_MESSAGE(usd_body, contains(usd_body, R"("price":0.29)"));
  }

  void slowCreateIsFoundByExternalId() {
    HttpPeer peer;
    // Xendit makes the invoice but answers after the plugin gave up.
    peer.on("POST", "/v2/invoices",
            PeerReply{200, invoice("inv-slow", "order-o-1-1", "PENDING"), "application/json", {}, kSlow});
    peer.on("GET", "/v2/invoices", PeerReply{200, "[" + invoice("inv-slow", "order-o-1-1", "PENDING") + "]"});
    auto plugin = load(peer.baseUrl(), R"(,"lookup_first":false)"); // the lookup after the POST
    auto r = core::createPayment(plugin->instance(), payment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-slow"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), r->status);
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("POST", "/v2/invoices")); // no second invoice
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("GET", "/v2/invoices"));
    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(std::string("/v2/invoices?external_id=order-o-1-1"), requests.at(1).uri);
    CPPUNIT_ASSERT_EQUAL(kAuthorization, requests.at(1).headers.at("authorization"));
    CPPUNIT_ASSERT(plugin->instance().breakerState() == CircuitBreaker::State::closed);
  }

  void slowCreateNotFoundIsPostedOnceMore() {
    HttpPeer peer;
    peer.on("POST", "/v2/invoices",
            PeerReply{200, invoice("inv-lost", "order-o-1-1", "PENDING"), "application/json", {}, kSlow});
    peer.then("POST", "/v2/invoices", PeerReply{200, invoice("inv-2nd", "order-o-1-1", "PENDING")});
    peer.on("GET", "/v2/invoices", PeerReply{200, "[]"});
    auto plugin = load(peer.baseUrl(), R"(,"lookup_first":false)");
    auto r = core::createPayment(plugin->instance(), payment());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-2nd"), r->reference);
    CPPUNIT_ASSERT_EQUAL(size_t(2), peer.count("POST", "/v2/invoices"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("GET", "/v2/invoices"));
    const auto requests = peer.requests();
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), requests.at(1).method); // looked up before posting again
    CPPUNIT_ASSERT_EQUAL(requests.at(0).body, requests.at(2).body);
  }

  void peerDownIsARetryableUnavailableError() {
    uint16_t port = 0;
    {
      HttpPeer gone;
      port = gone.port();
    } // stopped: nothing listens there now
    auto plugin = load("http://127.0.0.1:" + std::to_string(port));
    auto r = core::createPayment(plugin->instance(), payment());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "invoice order-o-1-1"));
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "lookup of invoice order-o-1-1"));
  }

  void slowPeerOpensTheBreakerAndRecovers() {
    HttpPeer peer;
    const std::string paid = invoice("inv-1", "order-o-1-1", "PAID");
    peer.on("GET", "/v2/invoices/inv-1", PeerReply{200, paid, "application/json", {}, kSlow});
    auto plugin = load(peer.baseUrl());
    auto &instance = plugin->instance();

    auto first = status(instance, "inv-1");
    CPPUNIT_ASSERT(!first.ok());
    CPPUNIT_ASSERT_MESSAGE(first.error().message, first.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(first.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(first.error().message, contains(first.error().message, "invoice inv-1"));
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);

    auto second = status(instance, "inv-1");
    CPPUNIT_ASSERT(second.error().code == sdk::ErrorCode::timeout);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::open); // failure_threshold 2

    const size_t asked = peer.count("GET", "/v2/invoices/inv-1");
    CPPUNIT_ASSERT_EQUAL(size_t(2), asked);
    const auto started = std::chrono::steady_clock::now();
    auto refused = core::createPayment(instance, payment());
    CPPUNIT_ASSERT(refused.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "circuit breaker open"));
    // Fails fast: well inside one 300 ms attempt, and the peer was not asked.
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(250));
    CPPUNIT_ASSERT_EQUAL(asked, peer.requests().size());

    peer.on("GET", "/v2/invoices/inv-1", PeerReply{200, paid}); // healthy again
    plugin->advance(std::chrono::milliseconds(400));            // past open_ms on the breaker's clock
    auto healed = status(instance, "inv-1");
    CPPUNIT_ASSERT_MESSAGE(why(healed), healed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), healed->status);
    CPPUNIT_ASSERT(instance.breakerState() == CircuitBreaker::State::closed);
    CPPUNIT_ASSERT_EQUAL(asked + 1, peer.count("GET", "/v2/invoices/inv-1"));
  }

  void refundAndCancelReachXendit() {
    HttpPeer peer; // unscripted paths answer 404
    peer.on("POST", "/refunds", PeerReply{200, R"({"id":"rfd-1","invoice_id":"inv-1","status":"SUCCEEDED"})"});
    auto plugin = load(peer.baseUrl());
    sdk::RefundRequest refund;
    refund.reference = "inv-1";
    refund.orderId = "o-1";
    refund.amount = sdk::Money{1999, "USD"};
    refund.idempotencyKey = "refund:pay-1";
    auto refunded = core::refundPayment(plugin->instance(), refund);
    CPPUNIT_ASSERT_MESSAGE(why(refunded), refunded.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), refunded->status);
    const auto post = peer.requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("refund:pay-1"), post.headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(kAuthorization, post.headers.at("authorization"));
    CPPUNIT_ASSERT_MESSAGE(post.body, contains(post.body, R"("invoice_id":"inv-1","reason":"OTHERS","amount":19.99,)"));

    auto cancelled = core::cancelPayment(plugin->instance(), sdk::PaymentRef{"inv-gone", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(cancelled), cancelled.ok()); // 404: nothing left to expire
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->status);
    CPPUNIT_ASSERT_EQUAL(size_t(1), peer.count("POST", "/invoices/inv-gone/expire!"));
  }

  void webhookIsVerifiedAndTranslated() {
    HttpPeer peer;
    auto plugin = load(peer.baseUrl());
    const std::string body =
        R"({"id":"inv-1","external_id":"order-o-1-1","status":"PAID","amount":165000,"paid_amount":165000,)"
        R"("currency":"IDR","payment_method":"EWALLET","paid_at":"2026-09-21T14:00:00.000Z",)"
        R"("metadata":{"order_id":"o-1","order_number":"ORD-20260921-ABCD2345","attempt":1}})";
    auto r = core::parsePaymentWebhook(plugin->instance(), callback(std::string("cb-token")), body);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("event"), r->outcome);
    const sdk::PaymentEvent &e = r->event.value();
    CPPUNIT_ASSERT_EQUAL(std::string("xendit"), e.source);
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1:PAID"), e.eventId);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), e.type);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), e.orderId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1"), e.paymentReference.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(165000), e.amount.value().amountMinor);
    CPPUNIT_ASSERT_EQUAL(std::string("IDR"), e.amount.value().currency);

    auto wrong = core::parsePaymentWebhook(plugin->instance(), callback(std::string("cb-tokeN")), body);
    CPPUNIT_ASSERT(wrong.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(!wrong.error().retryable);
    auto missing = core::parsePaymentWebhook(plugin->instance(), callback(std::nullopt), body);
    CPPUNIT_ASSERT(missing.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(peer.requests().empty()); // verification asks nobody
    CPPUNIT_ASSERT(plugin->instance().breakerState() == CircuitBreaker::State::closed);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XenditIntegrationTest);
