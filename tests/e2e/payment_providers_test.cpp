// Payment providers end to end: the real binary with the Xendit plugin
// against a Xendit stand-in (invoice, callbacks with good and bad tokens,
// duplicated and reordered callbacks, the status poll when a callback is
// lost), and with the payments-service plugin whose events arrive over
// kafka-mock.
#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "eventually.hpp"
#include "http_peer.hpp"
#include "kafka_support.hpp"
#include "orders/sdk/json.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::eventually;
using orders::testing::HttpPeer;
using orders::testing::PeerRequest;
using orders::testing::requestsTo;

namespace {

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

// pdftotext of a PDF (poppler-utils).
std::string pdfText(const std::string &pdf) {
  char path[] = "/tmp/orders-invoice-XXXXXX";
  const int fd = mkstemp(path);
  CPPUNIT_ASSERT(fd >= 0);
  CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(pdf.size()), ::write(fd, pdf.data(), pdf.size()));
  ::close(fd);
  std::string out;
  if (FILE *p = ::popen(("pdftotext -layout " + std::string(path) + " - 2>/dev/null").c_str(), "r")) {
    char buf[4096];
    size_t n = 0;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
      out.append(buf, n);
    ::pclose(p);
  }
  ::unlink(path);
  return out;
}

// Logistics (seed 004) and the PDF invoice renderer, added to any options.
void addLogisticsAndInvoices(ServerOptions &o, const HttpPeer &logistics) {
  o.env["LOGISTICS_WEBHOOK_SECRET"] = "ship-secret";
  o.checkout_extra += ", shipping: logi";
  o.shipping_extra = "    - name: logistics\n      id: logi\n      config: { base_url: \"" + logistics.baseUrl() +
                     "\", webhook_secret: LOGISTICS_WEBHOOK_SECRET }\n";
  o.extra_yaml += "  invoice:\n    - name: pdf\n      id: pdf\n      config: { seller_name: \"Kopi Nusantara\" }\n";
}

std::string tracking(const std::string &reference, const std::string &status, const std::string &event_id) {
  return R"({"reference":")" + reference + R"(","status":")" + status +
         R"(","carrier":"JNE","trackingNumber":)"
         R"("TRK-9","eventId":")" +
         event_id + R"("})";
}

// Paid order -> booked -> tracking shipped/delivered (bad secret refused,
// duplicate applied once) -> invoice PDF for the buyer only.
void shipTrackAndInvoice(const ServerProcess &server, const TestDatabase &db, const HttpPeer &logistics,
                         const std::string &id) {
  CPPUNIT_ASSERT_MESSAGE(server.log(),
                         eventually([&] { return requestsTo(logistics, "POST", "/api/shipments").size() == 1; }));
  const Json::Value booking = orders::sdk::parseJson(requestsTo(logistics, "POST", "/api/shipments")[0].body);
  CPPUNIT_ASSERT_EQUAL(id, booking["orderId"].asString());
  CPPUNIT_ASSERT_EQUAL(std::string("1 Demo Street"), booking["address"]["line1"].asString());
  CPPUNIT_ASSERT_EQUAL(std::string("sku-mug"), booking["items"][0]["productId"].asString());
  const std::string reference = booking["reference"].asString();

  const std::map<std::string, std::string> secret{{"x-webhook-secret", "ship-secret"}};
  CPPUNIT_ASSERT_EQUAL(401, server
                                .request("POST", "/hooks/shipping/logi", tracking(reference, "DELIVERED", "t-x"),
                                         {{"x-webhook-secret", "wrong"}})
                                .status);
  CPPUNIT_ASSERT_EQUAL(std::string("paid"), statusOf(server, id));
  Reply shipped = server.request("POST", "/hooks/shipping/logi", tracking(reference, "IN_TRANSIT", "t-1"), secret);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(shipped.body, 200, shipped.status);
  CPPUNIT_ASSERT_EQUAL(std::string("shipped"), statusOf(server, id));
  for (int i = 0; i < 2; ++i) // delivered twice: one change
    CPPUNIT_ASSERT_EQUAL(
        200, server.request("POST", "/hooks/shipping/logi", tracking(reference, "DELIVERED", "t-2"), secret).status);
  const Json::Value order = server.as("u1", "buyer", "GET", "/api/orders/" + id).json();
  CPPUNIT_ASSERT_EQUAL(std::string("delivered"), order["status"].asString());
  CPPUNIT_ASSERT_EQUAL(std::string("TRK-9"), order["shipments"][0]["trackingNumber"].asString());
  CPPUNIT_ASSERT_EQUAL(int64_t(1), db.scalar("SELECT COUNT(*) FROM order_history WHERE order_id = '" + id +
                                             "' AND to_status = 'delivered'"));

  Reply invoice = server.as("u1", "buyer", "GET", "/api/orders/" + id + "/invoice");
  CPPUNIT_ASSERT_EQUAL_MESSAGE(invoice.body.substr(0, 300), 200, invoice.status);
  CPPUNIT_ASSERT_EQUAL(std::string("application/pdf"), invoice.headers["content-type"]);
  CPPUNIT_ASSERT_EQUAL(std::string("%PDF-"), invoice.body.substr(0, 5));
  const std::string text = pdfText(invoice.body);
  CPPUNIT_ASSERT_MESSAGE(text, text.find("INV-") != std::string::npos);
  CPPUNIT_ASSERT_MESSAGE(text, text.find("Kopi Nusantara") != std::string::npos);
  CPPUNIT_ASSERT_MESSAGE(text, text.find("USD 12.99") != std::string::npos);
  const std::string number = text.substr(text.find("INV-"), 15);
  CPPUNIT_ASSERT_MESSAGE("stable number",
                         pdfText(server.as("u1", "buyer", "GET", "/api/orders/" + id + "/invoice").body).find(number) !=
                             std::string::npos);
  CPPUNIT_ASSERT_EQUAL(404, server.as("u2", "buyer", "GET", "/api/orders/" + id + "/invoice").status);
}

} // namespace

class PaymentProvidersTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PaymentProvidersTest);
  CPPUNIT_TEST(xenditInvoiceAndCallbacks);
  CPPUNIT_TEST(xenditLostCallbackIsSettledByTheStatusPoll);
  CPPUNIT_TEST(xenditToDeliveredWithInvoicePdf);
  CPPUNIT_TEST(paymentsServiceEventsOverKafkaToInvoice);
  CPPUNIT_TEST(paidWithoutAnAmountIsTakenOnlyWhenThePluginDeclaresIt);
  CPPUNIT_TEST(anAttemptBeingRefundedNeverPaysTheOrder);
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

  // checkout -> Xendit invoice -> PAID callback -> shipment booked ->
  // tracking delivered -> invoice PDF downloaded; 409 before payment.
  void xenditToDeliveredWithInvoicePdf() {
    HttpPeer xendit, logistics;
    xendit.on("POST", "/v2/invoices", {200, kXenditInvoice});
    logistics.on("POST", "/api/shipments", {200, R"({"id":"LS-1","carrier":"JNE","trackingNumber":"TRK-9"})"});
    TestDatabase db(Engine::sqlite);
    ServerOptions o = xenditOptions(xendit);
    addLogisticsAndInvoices(o, logistics);
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const std::string id = r.json()["orders"][0]["id"].asString();
    CPPUNIT_ASSERT_EQUAL(409, server.as("u1", "buyer", "GET", "/api/orders/" + id + "/invoice").status);
    CPPUNIT_ASSERT(requestsTo(logistics, "POST", "/api/shipments").empty()); // booked only after payment
    Reply paid = server.request("POST", "/hooks/payment/xendit", callback("inv-1", "order-" + id + "-1", "PAID"),
                                {{"x-callback-token", "cb-token"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, 200, paid.status);
    shipTrackAndInvoice(server, db, logistics, id);
  }

  // The same with the generic payments service: its PaymentCapturedEvent
  // arrives over kafka-mock (twice), and a message of another type is ignored.
  void paymentsServiceEventsOverKafkaToInvoice() {
    HttpPeer payments, logistics;
    payments.on("POST", "/api/payments", {201, R"({"paymentId":"pay-1","status":"pending"})"});
    logistics.on("POST", "/api/shipments", {200, R"({"id":"LS-1","carrier":"JNE","trackingNumber":"TRK-9"})"});
    orders::testing::KafkaMock kafka({"payment.events", "payment.events.dlq", "order.events"});
    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.checkout_extra = ", payment: payments";
    o.payment_extra = "    - name: payments-service\n      id: payments\n      config: { base_url: \"" +
                      payments.baseUrl() + "\" }\n";
    addLogisticsAndInvoices(o, logistics); // plugin entries first: extra_yaml continues the plugins map
    o.extra_yaml += "kafka:\n  bootstrap_servers: \"" + kafka.bootstrap() +
                    "\"\n  consumer_client: { session.timeout.ms: 6000, heartbeat.interval.ms: 1000 }\n"
                    "  relay: { enabled: false }\n"
                    "events:\n  consume:\n    - { topic: payment.events, payment_instance: payments }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const std::string id = r.json()["orders"][0]["id"].asString();
    const auto created = requestsTo(payments, "POST", "/api/payments");
    CPPUNIT_ASSERT_EQUAL(size_t(1), created.size());
    CPPUNIT_ASSERT_EQUAL("order:" + id + ":attempt:1", created[0].headers.at("idempotency-key"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), orders::sdk::parseJson(created[0].body)["amountMinor"].asInt64());

    const std::string captured = R"({"type":"PaymentCapturedEvent","eventId":"ev-1","orderId":")" + id +
                                 R"(","paymentId":"pay-1","amountMinor":1299,"currency":"USD"})";
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, R"({"type":"payment.initiated","id":"x"})");
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, captured);
    orders::testing::produce(kafka.bootstrap(), "payment.events", id, captured);
    CPPUNIT_ASSERT_MESSAGE(server.log(), eventually([&] { return statusOf(server, id) == "paid"; }, 30000));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), paidTransitions(db, id));
    shipTrackAndInvoice(server, db, logistics, id);
    CPPUNIT_ASSERT_EQUAL(int64_t(1), paidTransitions(db, id));
  }

  // A "paid" with the wrong amount sends that attempt's money back; a later
  // correct "paid" for the same attempt does not pay the order with money
  // that is being refunded (the side-effect table has no move from
  // refund_pending to captured): the order keeps waiting for a payment.
  void anAttemptBeingRefundedNeverPaysTheOrder() {
    HttpPeer payments;
    payments.on("POST", "/api/payments", {201, R"({"paymentId":"pay-1","status":"pending"})"});
    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.checkout_extra = ", payment: payments";
    o.payment_extra = "    - name: payments-service\n      id: payments\n      config: { base_url: \"" +
                      payments.baseUrl() + "\", webhook_secret: PAYMENT_WEBHOOK_SECRET }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
    const std::string id = r.json()["orders"][0]["id"].asString();
    auto paid = [&](const std::string &event_id, int64_t amount) {
      return server.request("POST", "/hooks/payment/payments",
                            R"({"type":"PaymentCapturedEvent","eventId":")" + event_id + R"(","orderId":")" + id +
                                R"(","paymentId":"pay-1","amountMinor":)" + std::to_string(amount) +
                                R"(,"currency":"USD"})",
                            {{"X-Webhook-Secret", "test-webhook-secret"}});
    };
    Reply wrong = paid("ev-wrong", 1);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(wrong.body, std::string("amount_mismatch"), wrong.json()["status"].asString());
    Reply right = paid("ev-right", 1299);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(right.body + "\n" + server.log(), 200, right.status);
    CPPUNIT_ASSERT_EQUAL(std::string("already_refunding"), right.json()["status"].asString());
    const Json::Value order = server.as("u1", "buyer", "GET", "/api/orders/" + id).json();
    CPPUNIT_ASSERT(order["status"].asString() != "paid");
    CPPUNIT_ASSERT_EQUAL(int64_t(0), paidTransitions(db, id));
    CPPUNIT_ASSERT_EQUAL(
        int64_t(0), db.scalar("SELECT COUNT(*) FROM payments WHERE order_id = '" + id + "' AND status = 'captured'"));
  }

  // A payments-service webhook saying "paid" without an amount: refunded
  // (amount_mismatch, order unchanged) from an instance that reports
  // amounts, applied from one configured `amounts_reported: false`.
  void paidWithoutAnAmountIsTakenOnlyWhenThePluginDeclaresIt() {
    HttpPeer payments;
    payments.on("POST", "/api/payments", {201, R"({"paymentId":"pay-1","status":"pending"})"});
    TestDatabase db(Engine::sqlite);
    for (const bool reported : {true, false}) {
      ServerOptions o;
      o.checkout_extra = ", payment: payments";
      o.payment_extra = "    - name: payments-service\n      id: payments\n      config: { base_url: \"" +
                        payments.baseUrl() + "\", webhook_secret: PAYMENT_WEBHOOK_SECRET" +
                        (reported ? "" : ", amounts_reported: false") + " }\n";
      ServerProcess server(db, o);
      CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
      Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + "\n" + server.log(), 201, r.status);
      const std::string id = r.json()["orders"][0]["id"].asString();
      const std::string paid = R"({"type":"PaymentCapturedEvent","eventId":"ev-)" + id + R"(","orderId":")" + id +
                               R"(","paymentId":"pay-1"})";
      Reply hook =
          server.request("POST", "/hooks/payment/payments", paid, {{"X-Webhook-Secret", "test-webhook-secret"}});
      CPPUNIT_ASSERT_EQUAL_MESSAGE(hook.body, 200, hook.status);
      const Json::Value order = server.as("u1", "buyer", "GET", "/api/orders/" + id).json();
      if (reported) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(hook.body, std::string("amount_mismatch"), hook.json()["status"].asString());
        CPPUNIT_ASSERT(order["status"].asString() != "paid");
        CPPUNIT_ASSERT(order["refundRequired"].asBool());
        CPPUNIT_ASSERT_EQUAL(int64_t(0), paidTransitions(db, id));
      } else {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(hook.body, std::string("applied"), hook.json()["status"].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("paid"), order["status"].asString());
        CPPUNIT_ASSERT(!order["refundRequired"].asBool());
        CPPUNIT_ASSERT_EQUAL(int64_t(1), paidTransitions(db, id));
      }
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaymentProvidersTest);
