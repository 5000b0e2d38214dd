// Payment providers end to end: the real binary with the Xendit plugin
// against a Xendit stand-in (invoice, callbacks with good and bad tokens,
// duplicated and reordered callbacks, the status poll when a callback is
// lost), and with the payments-service plugin whose events arrive over
// kafka-mock.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "http_peer.hpp"
#include "kafka_support.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::HttpPeer;
using orders::testing::PeerRequest;

namespace {

template <class F> bool eventually(F probe, int timeout_ms = 20000) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return probe();
}

std::vector<PeerRequest> requestsTo(const HttpPeer &peer, const std::string &method, const std::string &path) {
  std::vector<PeerRequest> out;
  for (const PeerRequest &r : peer.requests())
    if (r.method == method && r.uri.substr(0, r.uri.find('?')) == path) out.push_back(r);
  return out;
}

std::string callback(const std::string &invoice, const std::string &external_id, const std::string &status) {
  return R"({"id":")" + invoice + R"(","external_id":")" + external_id + R"(","status":")" + status +
         R"(","amount":12.99,"paid_amount":12.99,"currency":"USD","payment_method":"BANK_TRANSFER",)"
         R"("paid_at":"2026-11-22T10:00:00.000Z"})";
}

std::string statusOf(const ServerProcess &server, const std::string &id) {
  return server.as("u1", "buyer", "GET", "/api/orders/" + id).json()["status"].asString();
}

int64_t paidTransitions(const TestDatabase &db, const std::string &id) {
  return db.scalar("SELECT COUNT(*) FROM order_history WHERE order_id = '" + id + "' AND to_status = 'paid'");
}

const char *kXenditInvoice = R"({"id":"inv-1","status":"PENDING","invoice_url":"https://checkout.xendit.co/web/inv-1",)"
                             R"("expiry_date":"2026-11-23T10:00:00.000Z","amount":12.99,"currency":"USD"})";

ServerOptions xenditOptions(const HttpPeer &xendit, int poll_after_seconds = 900) {
  ServerOptions o;
  o.env["XENDIT_SECRET_KEY"] = "xnd_test_123";
  o.env["XENDIT_CALLBACK_TOKEN"] = "cb-token";
  o.checkout_extra = ", payment: xendit, payment_poll_after_seconds: " + std::to_string(poll_after_seconds);
  o.payment_extra = "    - name: xendit\n      id: xendit\n      config: { base_url: \"" + xendit.baseUrl() + "\" }\n";
  return o;
}

} // namespace

class PaymentProvidersTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaymentProvidersTest);
  CPPUNIT_TEST(xenditInvoiceAndCallbacks);
  CPPUNIT_TEST(xenditLostCallbackIsSettledByTheStatusPoll);
  CPPUNIT_TEST_SUITE_END();

public:
  void xenditInvoiceAndCallbacks() {
    HttpPeer xendit;
    xendit.on("POST", "/v2/invoices", {200, kXenditInvoice});
    TestDatabase db(Engine::sqlite);
    ServerProcess server(db, xenditOptions(xendit));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());

    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const Json::Value order = r.json()["orders"][0];
    const std::string id = order["id"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("xendit"), order["payment"]["provider"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("inv-1"), order["payment"]["reference"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("https://checkout.xendit.co/web/inv-1"),
                         order["payment"]["redirectUrl"].asString());

    // The invoice request: Basic auth with the secret key, deterministic external_id, major units.
    const auto created = requestsTo(xendit, "POST", "/v2/invoices");
    CPPUNIT_ASSERT_EQUAL(size_t(1), created.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Basic eG5kX3Rlc3RfMTIzOg=="), created[0].headers.at("authorization"));
    const Json::Value invoice = orders::sdk::parseJson(created[0].body);
    const std::string external_id = invoice["external_id"].asString();
    CPPUNIT_ASSERT_EQUAL("order-" + id + "-1", external_id);
    CPPUNIT_ASSERT_EQUAL(std::string("12.99"), orders::sdk::writeJson(invoice["amount"]));
    CPPUNIT_ASSERT_EQUAL(std::string("USD"), invoice["currency"].asString());

    // A callback with a wrong or missing token is refused and changes nothing.
    Reply bad = server.request("POST", "/hooks/payment/xendit", callback("inv-1", external_id, "PAID"),
                               {{"x-callback-token", "not-the-token"}});
    CPPUNIT_ASSERT_EQUAL(401, bad.status);
    CPPUNIT_ASSERT_EQUAL(
        401, server.request("POST", "/hooks/payment/xendit", callback("inv-1", external_id, "PAID")).status);
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), statusOf(server, id));

    // PAID, then the same PAID again, then SETTLED: one state change.
    const std::map<std::string, std::string> token{{"x-callback-token", "cb-token"}};
    Reply paid = server.request("POST", "/hooks/payment/xendit", callback("inv-1", external_id, "PAID"), token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, 200, paid.status);
    CPPUNIT_ASSERT_EQUAL(std::string("applied"), paid.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(
        200, server.request("POST", "/hooks/payment/xendit", callback("inv-1", external_id, "PAID"), token).status);
    CPPUNIT_ASSERT_EQUAL(
        200, server.request("POST", "/hooks/payment/xendit", callback("inv-1", external_id, "SETTLED"), token).status);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), statusOf(server, id));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), paidTransitions(db, id));

    // A late EXPIRED for the paid invoice changes nothing either.
    CPPUNIT_ASSERT_EQUAL(
        200, server.request("POST", "/hooks/payment/xendit", callback("inv-1", external_id, "EXPIRED"), token).status);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), statusOf(server, id));
  }

  // No callback ever arrives: the sweep asks Xendit for the invoice's status
  // (payment_poll_after_seconds) and applies PAID through the inbox.
  void xenditLostCallbackIsSettledByTheStatusPoll() {
    HttpPeer xendit;
    xendit.on("POST", "/v2/invoices", {200, kXenditInvoice});
    xendit.on("GET", "/v2/invoices/inv-1",
              {200, R"({"id":"inv-1","status":"PAID","invoice_url":"https://checkout.xendit.co/web/inv-1",)"
                    R"("amount":12.99,"paid_amount":12.99,"currency":"USD"})"});
    TestDatabase db(Engine::sqlite);
    ServerProcess server(db, xenditOptions(xendit, 1));
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    const std::string id = r.json()["orders"][0]["id"].asString();
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return statusOf(server, id) == "paid"; }));
    CPPUNIT_ASSERT(!requestsTo(xendit, "GET", "/v2/invoices/inv-1").empty());
    CPPUNIT_ASSERT_EQUAL(int64_t(1), paidTransitions(db, id));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaymentProvidersTest);
