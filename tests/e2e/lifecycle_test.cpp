// The whole order lifecycle through HTTP against the real binary, on SQLite
// and on PostgreSQL.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <iostream>
#include <set>
#include <thread>
#include <vector>

#include "eventually.hpp"
#include "orders/sdk/json.hpp"
#include "reliability_row.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::eventually;

namespace {

std::string webhook(const std::string &order_id, const std::string &event_id, const std::string &status, int64_t amount,
                    const std::string &currency = "USD") {
  Json::Value b(Json::objectValue);
  b["eventId"] = event_id;
  b["orderId"] = order_id;
  b["status"] = status;
  b["amountMinor"] = static_cast<Json::Int64>(amount);
  b["currency"] = currency;
  return orders::sdk::writeJson(b);
}

const std::map<std::string, std::string> kHook = {{"x-webhook-secret", "test-webhook-secret"}};

std::string statusBody(const std::string &s) { return "{\"newStatus\":\"" + s + "\"}"; }

} // namespace

class LifecycleBase : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LifecycleBase);
  CPPUNIT_TEST(checkoutSplitsBySellerAndAwaitsPayment);
  CPPUNIT_TEST(paidShippedDeliveredCompleted);
  CPPUNIT_TEST(cancelReleasesStockAndVoidsPayment);
  CPPUNIT_TEST(paymentFailureReleasesStockAndRetryReservesAgain);
  CPPUNIT_TEST(refundAfterDelivery);
  CPPUNIT_TEST(paidThenCancelledOrRefundedGivesTheStockBack);
  CPPUNIT_TEST(duplicateWebhookChangesOrderOnce);
  CPPUNIT_TEST(latePaidAfterCancelIsFlaggedAndRefunded);
  CPPUNIT_TEST(wrongAmountIsNotApplied);
  CPPUNIT_TEST(illegalTransitionIs409NamingBothStatuses);
  CPPUNIT_TEST(shippingCostRecomputesTotalAndRequestsNewPayment);
  CPPUNIT_TEST(validationErrorsNameEveryField);
  CPPUNIT_TEST(unknownProductIsNotFound);
  CPPUNIT_TEST(listFiltersAndPaginatesWithCursor);
  CPPUNIT_TEST(buyerCannotSeeAnotherBuyersOrder);
  CPPUNIT_TEST(missingOrWrongCredentialsAre401);
  CPPUNIT_TEST(internalTokenCreatesOrderForUser);
  CPPUNIT_TEST(abusiveBuyerIsRateLimitedOthersAreNot);
  CPPUNIT_TEST(secretsNeverLeakIntoLogsMetricsErrorsOrInfo);
  CPPUNIT_TEST(payLaterCreatesPendingAndPaysInASecondCall);
  CPPUNIT_TEST(paidOutsideWaitsForThePaymentEvent);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
  virtual Engine engine() const = 0;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<ServerProcess> server_;

  bool skip() const { return engine() == Engine::postgres && orders::testing::needPostgres(); }
  void start(ServerOptions o = {}) {
    server_.reset();
    if (!db_) db_ = std::make_unique<TestDatabase>(engine());
    server_ = std::make_unique<ServerProcess>(*db_, o);
    CPPUNIT_ASSERT_MESSAGE(server_->log(), server_->waitReady());
  }
  Json::Value checkout(const std::string &user, const std::map<std::string, int> &items) {
    Reply r = server_->as(user, "buyer", "POST", "/api/orders", checkoutBody(items));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body + server_->log(), 201, r.status);
    return r.json();
  }
  Json::Value order(const std::string &id) {
    Reply r = server_->as("admin-1", "admin", "GET", "/api/orders/" + id);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return r.json();
  }
  Reply admin(const std::string &method, const std::string &path, const std::string &body = "") {
    return server_->as("admin-1", "admin", method, path, body);
  }
  int64_t reserved(const std::string &sku) {
    return db_->scalar("SELECT reserved FROM inventory_stock WHERE product_key = '" + sku + "'", true);
  }
  int64_t onHand(const std::string &sku) {
    return db_->scalar("SELECT on_hand FROM inventory_stock WHERE product_key = '" + sku + "'", true);
  }
  std::string engineLabel() const { return engine() == Engine::sqlite ? "SQLite" : "PostgreSQL"; }

public:
  void tearDown() override {
    server_.reset();
    db_.reset();
  }

  void checkoutSplitsBySellerAndAwaitsPayment() {
    if (skip()) return;
    start();
    Json::Value r = checkout("u1", {{"sku-mug", 2}, {"sku-beans", 1}, {"sku-tee", 1}});
    CPPUNIT_ASSERT_EQUAL(3u, r["orders"].size()); // s1, s2 and house brand
    for (const Json::Value &o : r["orders"]) {
      CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), o["status"].asString());
      CPPUNIT_ASSERT_EQUAL(std::string("pending"), o["payment"]["status"].asString());
      CPPUNIT_ASSERT_EQUAL(std::string("draft"), o["shipments"][0]["status"].asString());
      CPPUNIT_ASSERT_EQUAL(o["subtotalMinor"].asInt64(), o["totalMinor"].asInt64());
      if (o["sellerId"] == "s1") CPPUNIT_ASSERT_EQUAL(Json::Int64(2598), o["totalMinor"].asInt64());
    }
    CPPUNIT_ASSERT_EQUAL(int64_t(2), reserved("sku-mug"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), reserved("sku-beans"));
    const std::string number = r["orders"][0]["orderNumber"].asString();
    Reply by_number = server_->as("u1", "buyer", "GET", "/api/orders/number/" + number);
    CPPUNIT_ASSERT_EQUAL(200, by_number.status);
  }

  // payLater: created pending with stock held and no payment; the first
  // payment through POST .../payment; billing address and metadata kept.
  void payLaterCreatesPendingAndPaysInASecondCall() {
    if (skip()) return;
    start();
    Json::Value body = orders::sdk::parseJson(checkoutBody({{"sku-mug", 2}}));
    body["payLater"] = true;
    body["billingAddress"] = orders::sdk::parseJson(R"({"line1":"9 Elm St","city":"Austin","country":"US"})");
    body["metadata"]["notes"] = "gift wrap";
    Reply r = server_->as("u1", "buyer", "POST", "/api/orders", orders::sdk::writeJson(body));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    const Json::Value o = r.json()["orders"][0];
    const std::string id = o["id"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), o["status"].asString());
    CPPUNIT_ASSERT(o["payment"].isNull());
    CPPUNIT_ASSERT(o["numericId"].asInt64() > 0);
    CPPUNIT_ASSERT_EQUAL(std::string("9 Elm St"), o["billingAddress"]["line1"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("gift wrap"), o["metadata"]["notes"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(2), reserved("sku-mug"));
    Reply pay = server_->as("u1", "buyer", "POST", "/api/orders/" + id + "/payment");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(pay.body, 200, pay.status);
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), pay.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(1, pay.json()["payment"]["attempt"].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t(2), reserved("sku-mug")); // held once, not twice
    CPPUNIT_ASSERT_EQUAL(409, server_->as("u1", "buyer", "POST", "/api/orders/" + id + "/payment").status);
    Reply paid = server_->request("POST", "/hooks/payment/manual", webhook(id, "evt-pl", "paid", 2598), kHook);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, 200, paid.status);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), order(id)["status"].asString());
  }

  // checkout.payment: none: no payment row, no provider call; the order
  // waits in awaiting_payment and a payment retry is refused.
  void paidOutsideWaitsForThePaymentEvent() {
    if (skip()) return;
    ServerOptions o;
    o.checkout_extra = ", payment: none";
    start(o);
    const Json::Value r = checkout("u1", {{"sku-mug", 1}});
    const std::string id = r["orders"][0]["id"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), r["orders"][0]["status"].asString());
    CPPUNIT_ASSERT(r["orders"][0]["payment"].isNull());
    CPPUNIT_ASSERT_EQUAL(int64_t(0), db_->scalar("SELECT COUNT(*) FROM payments WHERE order_id = '" + id + "'"));
    Reply retry = server_->as("u1", "buyer", "POST", "/api/orders/" + id + "/payment");
    CPPUNIT_ASSERT_EQUAL(409, retry.status);
    CPPUNIT_ASSERT(retry.json()["detail"].asString().find("paid outside this service") != std::string::npos);
    Reply paid = admin("PUT", "/api/orders/" + id + "/status", statusBody("paid"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, 200, paid.status);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), order(id)["status"].asString());
  }

  void paidShippedDeliveredCompleted() {
    if (skip()) return;
    ServerOptions o;
    o.auto_complete_after_seconds = 1;
    start(o);
    Json::Value r = checkout("u1", {{"sku-mug", 3}});
    const std::string id = r["orders"][0]["id"].asString();
    Reply paid = server_->request("POST", "/hooks/payment/manual", webhook(id, "evt-1", "paid", 3897), kHook);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, 200, paid.status);
    CPPUNIT_ASSERT_EQUAL(std::string("applied"), paid.json()["status"].asString());
    Json::Value o1 = order(id);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), o1["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("captured"), o1["payment"]["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("confirmed"), o1["shipments"][0]["status"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(0), reserved("sku-mug"));
    CPPUNIT_ASSERT_EQUAL(int64_t(97), onHand("sku-mug"));
    for (const char *s : {"processing", "shipped", "delivered"}) {
      Reply changed = admin("PUT", "/api/orders/" + id + "/status", statusBody(s));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(changed.body, 200, changed.status);
      CPPUNIT_ASSERT_EQUAL(std::string(s), changed.json()["status"].asString());
    }
    CPPUNIT_ASSERT(eventually([&] { return order(id)["status"].asString() == "completed"; }));
    Reply history = server_->as("u1", "buyer", "GET", "/api/orders/" + id + "/history");
    std::vector<std::string> to;
    const Json::Value items = history.json()["items"];
    for (const Json::Value &h : items)
      to.push_back(h["toStatus"].asString());
    const std::vector<std::string> expected = {"pending", "awaiting_payment", "paid",     "processing",
                                               "shipped", "delivered",        "completed"};
    CPPUNIT_ASSERT(expected == to);
    Reply outbox = admin("GET", "/api/admin/outbox?orderId=" + id);
    std::vector<std::string> types;
    const Json::Value events = outbox.json()["items"];
    for (const Json::Value &e : events)
      types.push_back(e["type"].asString());
    const std::vector<std::string> expected_types = {"order.created",        "order.status_changed", "order.paid",
                                                     "order.status_changed", "order.shipped",        "order.delivered",
                                                     "order.completed"};
    CPPUNIT_ASSERT(expected_types == types);
  }

  void cancelReleasesStockAndVoidsPayment() {
    if (skip()) return;
    start();
    const std::string id = checkout("u1", {{"sku-mug", 4}})["orders"][0]["id"].asString();
    CPPUNIT_ASSERT_EQUAL(int64_t(4), reserved("sku-mug"));
    Reply c = server_->as("u1", "buyer", "POST", "/api/orders/" + id + "/cancel", "{\"reason\":\"changed mind\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(c.body, 200, c.status);
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), c.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), c.json()["payment"]["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), c.json()["shipments"][0]["status"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(0), reserved("sku-mug"));
    CPPUNIT_ASSERT_EQUAL(int64_t(100), onHand("sku-mug"));
    Reply again = server_->as("u1", "buyer", "POST", "/api/orders/" + id + "/cancel");
    CPPUNIT_ASSERT_EQUAL(409, again.status);
  }

  void paymentFailureReleasesStockAndRetryReservesAgain() {
    if (skip()) return;
    start();
    const std::string id = checkout("u1", {{"sku-beans", 5}})["orders"][0]["id"].asString();
    Reply failed = server_->request("POST", "/hooks/payment/manual", webhook(id, "evt-f", "failed", 12250), kHook);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(failed.body, 200, failed.status);
    Json::Value o = order(id);
    CPPUNIT_ASSERT_EQUAL(std::string("payment_failed"), o["status"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(0), reserved("sku-beans"));
    Reply retry = server_->as("u1", "buyer", "POST", "/api/orders/" + id + "/payment");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(retry.body, 200, retry.status);
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), retry.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(2, retry.json()["payment"]["attempt"].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t(5), reserved("sku-beans"));
    Reply paid = server_->request("POST", "/hooks/payment/manual", webhook(id, "evt-p", "paid", 12250), kHook);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), order(id)["status"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(45), onHand("sku-beans"));
  }

  void refundAfterDelivery() {
    if (skip()) return;
    start();
    const std::string id = checkout("u1", {{"sku-tee", 1}})["orders"][0]["id"].asString();
    server_->request("POST", "/hooks/payment/manual", webhook(id, "e1", "paid", 1900), kHook);
    for (const char *s : {"shipped", "delivered", "refunded"})
      CPPUNIT_ASSERT_EQUAL(200, admin("PUT", "/api/orders/" + id + "/status", statusBody(s)).status);
    Json::Value o = order(id);
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), o["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), o["payment"]["status"].asString());
  }

  // The units a paid order consumed go back on sale when it is cancelled or
  // refunded (inventory restock, ABI 1.3), once each.
  void paidThenCancelledOrRefundedGivesTheStockBack() {
    if (skip()) return;
    start();
    const int64_t before = onHand("sku-mug");
    for (const char *end : {"cancel", "refund"}) {
      const std::string id = checkout("u1", {{"sku-mug", 2}})["orders"][0]["id"].asString();
      Reply paid = server_->request("POST", "/hooks/payment/manual",
                                    webhook(id, std::string("paid-") + end, "paid", 2598), kHook);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, std::string("applied"), paid.json()["status"].asString());
      CPPUNIT_ASSERT_MESSAGE(server_->log(), eventually([&] { return onHand("sku-mug") == before - 2; }));
      Reply r = std::string(end) == "cancel" ? admin("POST", "/api/orders/" + id + "/cancel")
                                             : admin("PUT", "/api/orders/" + id + "/status", statusBody("refunded"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
      CPPUNIT_ASSERT_MESSAGE(server_->log(), eventually([&] {
                               return db_->scalar("SELECT COUNT(*) FROM reservations WHERE order_id = '" + id +
                                                  "' AND status = 'restocked'") == 1;
                             }));
      CPPUNIT_ASSERT_EQUAL(before, onHand("sku-mug"));
      CPPUNIT_ASSERT_EQUAL(int64_t(0), reserved("sku-mug"));
    }
  }

  void duplicateWebhookChangesOrderOnce() {
    if (skip()) return;
    start();
    const std::string id = checkout("u1", {{"sku-mug", 1}})["orders"][0]["id"].asString();
    const std::string body = webhook(id, "evt-dup", "paid", 1299);
    CPPUNIT_ASSERT_EQUAL(std::string("applied"),
                         server_->request("POST", "/hooks/payment/manual", body, kHook).json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("duplicate"),
                         server_->request("POST", "/hooks/payment/manual", body, kHook).json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(3u,
                         server_->as("u1", "buyer", "GET", "/api/orders/" + id + "/history").json()["items"].size());
    CPPUNIT_ASSERT_EQUAL(int64_t(99), onHand("sku-mug"));
    Reply bad = server_->request("POST", "/hooks/payment/manual", body, {{"x-webhook-secret", "wrong"}});
    CPPUNIT_ASSERT_EQUAL(401, bad.status);
  }

  void latePaidAfterCancelIsFlaggedAndRefunded() {
    if (skip()) return;
    start();
    const std::string id = checkout("u1", {{"sku-mug", 1}})["orders"][0]["id"].asString();
    CPPUNIT_ASSERT_EQUAL(200, server_->as("u1", "buyer", "POST", "/api/orders/" + id + "/cancel").status);
    Reply late = server_->request("POST", "/hooks/payment/manual", webhook(id, "late", "paid", 1299), kHook);
    CPPUNIT_ASSERT_EQUAL(std::string("refund_flagged"), late.json()["status"].asString());
    Json::Value o = order(id);
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), o["status"].asString());
    CPPUNIT_ASSERT(o["refundRequired"].asBool());
    CPPUNIT_ASSERT_EQUAL(std::string("refunded"), o["payment"]["status"].asString());
  }

  void wrongAmountIsNotApplied() {
    if (skip()) return;
    start();
    const std::string id = checkout("u1", {{"sku-mug", 1}})["orders"][0]["id"].asString();
    Reply r = server_->request("POST", "/hooks/payment/manual", webhook(id, "short", "paid", 1000), kHook);
    CPPUNIT_ASSERT_EQUAL(std::string("amount_mismatch"), r.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), order(id)["status"].asString());
    r = server_->request("POST", "/hooks/payment/manual", webhook(id, "eur", "paid", 1299, "EUR"), kHook);
    CPPUNIT_ASSERT_EQUAL(std::string("amount_mismatch"), r.json()["status"].asString());
  }

  void illegalTransitionIs409NamingBothStatuses() {
    if (skip()) return;
    start();
    const std::string id = checkout("u1", {{"sku-mug", 1}})["orders"][0]["id"].asString();
    Reply r = admin("PUT", "/api/orders/" + id + "/status", statusBody("delivered"));
    CPPUNIT_ASSERT_EQUAL(409, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("cannot move an order from awaiting_payment to delivered"),
                         r.json()["detail"].asString());
    Reply buyer = server_->as("u1", "buyer", "PUT", "/api/orders/" + id + "/status", statusBody("paid"));
    CPPUNIT_ASSERT_EQUAL(403, buyer.status);
  }

  void shippingCostRecomputesTotalAndRequestsNewPayment() {
    if (skip()) return;
    start();
    const std::string id = checkout("u1", {{"sku-mug", 1}})["orders"][0]["id"].asString();
    Reply r = admin("PUT", "/api/orders/" + id + "/shipping-cost", "{\"shippingMinor\":500}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    CPPUNIT_ASSERT_EQUAL(Json::Int64(1799), r.json()["totalMinor"].asInt64());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(1799), r.json()["payment"]["amountMinor"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), r.json()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t(1), reserved("sku-mug")); // still held once, not twice
    Reply paid = server_->request("POST", "/hooks/payment/manual", webhook(id, "p", "paid", 1799), kHook);
    CPPUNIT_ASSERT_EQUAL(std::string("applied"), paid.json()["status"].asString());
  }

  void validationErrorsNameEveryField() {
    if (skip()) return;
    start();
    Reply r = server_->as(
        "u1", "buyer", "POST", "/api/orders",
        R"({"items":[{"productId":"sku-mug","quantity":0,"priceMinor":1}],"shippingAddress":{"line1":"x","city":"y","country":"ireland"}})");
    CPPUNIT_ASSERT_EQUAL(400, r.status);
    std::set<std::string> pointers;
    const Json::Value errors = r.json()["errors"];
    for (const Json::Value &e : errors)
      pointers.insert(e["pointer"].asString());
    CPPUNIT_ASSERT(pointers.count("/items/0/quantity"));
    CPPUNIT_ASSERT(pointers.count("/items/0/priceMinor"));
    CPPUNIT_ASSERT(pointers.count("/shippingAddress/country"));
  }

  void unknownProductIsNotFound() {
    if (skip()) return;
    start();
    Reply r = server_->as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-nope", 1}}));
    CPPUNIT_ASSERT_EQUAL(404, r.status);
    CPPUNIT_ASSERT(r.json()["detail"].asString().find("sku-nope") != std::string::npos);
  }

  void listFiltersAndPaginatesWithCursor() {
    if (skip()) return;
    start();
    for (int i = 0; i < 5; ++i)
      checkout("u-list", {{"sku-tee", 1}});
    checkout("u-other", {{"sku-tee", 1}});
    std::set<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
      Reply page =
          server_->as("u-list", "buyer", "GET", "/api/orders?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(page.body, 200, page.status);
      const Json::Value p = page.json();
      for (const Json::Value &o : p["items"]) {
        CPPUNIT_ASSERT_EQUAL(std::string("u-list"), o["userId"].asString());
        seen.insert(o["id"].asString());
      }
      cursor = p["nextCursor"].isNull() ? "" : p["nextCursor"].asString();
      ++pages;
    } while (!cursor.empty() && pages < 10);
    CPPUNIT_ASSERT_EQUAL(size_t(5), seen.size());
    CPPUNIT_ASSERT_EQUAL(3, pages);
    Reply all = admin("GET", "/api/admin/orders?status=awaiting_payment&limit=100");
    CPPUNIT_ASSERT_EQUAL(6u, all.json()["items"].size());
    Reply other = server_->as("u-list", "buyer", "GET", "/api/orders?userId=u-other");
    CPPUNIT_ASSERT_EQUAL(403, other.status);
    CPPUNIT_ASSERT_EQUAL(400, admin("GET", "/api/admin/orders?colour=red").status);
  }

  void buyerCannotSeeAnotherBuyersOrder() {
    if (skip()) return;
    start();
    const Json::Value r = checkout("u1", {{"sku-mug", 1}, {"sku-beans", 1}});
    std::string s1_order;
    for (const Json::Value &o : r["orders"])
      if (o["sellerId"] == "s1") s1_order = o["id"].asString();
    CPPUNIT_ASSERT_EQUAL(404, server_->as("u2", "buyer", "GET", "/api/orders/" + s1_order).status);
    CPPUNIT_ASSERT_EQUAL(200, server_->as("s1", "seller", "GET", "/api/orders/" + s1_order).status);
    CPPUNIT_ASSERT_EQUAL(404, server_->as("s2", "seller", "GET", "/api/orders/" + s1_order).status);
    Reply seller_list = server_->as("s2", "seller", "GET", "/api/orders");
    CPPUNIT_ASSERT_EQUAL(1u, seller_list.json()["items"].size());
  }

  void missingOrWrongCredentialsAre401() {
    if (skip()) return;
    start();
    CPPUNIT_ASSERT_EQUAL(401, server_->request("GET", "/api/orders").status);
    CPPUNIT_ASSERT_EQUAL(
        401, server_->request("GET", "/api/orders", "", {{"x-gateway-key", "nope"}, {"x-user-id", "u1"}}).status);
    CPPUNIT_ASSERT_EQUAL(200, server_->request("GET", "/health").status);
  }

  void internalTokenCreatesOrderForUser() {
    if (skip()) return;
    start();
    Json::Value body = orders::sdk::parseJson(checkoutBody({{"sku-mug", 1}}));
    body["userId"] = "u-cart";
    Reply r = server_->request("POST", "/internal/orders", orders::sdk::writeJson(body),
                               {{"x-internal-token", "test-internal-token"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("u-cart"), r.json()["orders"][0]["userId"].asString());
    Reply buyer = server_->as("u1", "buyer", "POST", "/internal/orders", orders::sdk::writeJson(body));
    CPPUNIT_ASSERT_EQUAL(403, buyer.status);
  }

  // Every configured secret's value is searched for in everything the
  // server wrote or answered over a run that touches each auth path, the
  // error paths (wrong credentials, bad webhooks) included.
  void secretsNeverLeakIntoLogsMetricsErrorsOrInfo() {
    if (skip()) return;
    start();
    std::string seen;
    int calls = 1;
    auto keep = [&](const Reply &r) {
      ++calls;
      seen += r.body;
      for (const auto &[k, v] : r.headers)
        seen += k + ": " + v + "\n";
    };
    Json::Value r = checkout("u1", {{"sku-mug", 2}});
    const std::string id = r["orders"][0]["id"].asString();
    seen += orders::sdk::writeJson(r);
    keep(server_->request("POST", "/hooks/payment/manual", webhook(id, "evt-x", "paid", 2598),
                          {{"x-webhook-secret", "test-webhook-secreT"}})); // wrong: refused
    keep(server_->request("POST", "/hooks/payment/manual", "{not json", kHook));
    keep(server_->request("POST", "/hooks/payment/manual", webhook(id, "evt-1", "paid", 2598), kHook));
    keep(server_->request("POST", "/hooks/shipping/ship", "{}", {{"x-webhook-secret", "nope"}}));
    keep(server_->request("GET", "/api/orders", "", {{"x-gateway-key", "test-gateway-kez"}, {"x-user-id", "u1"}}));
    keep(server_->request("POST", "/internal/orders", "{}", {{"x-internal-token", "test-internal-tokeN"}}));
    keep(server_->request("POST", "/internal/orders", "{}", {{"x-internal-token", "test-internal-token"}}));
    keep(admin("PUT", "/api/orders/" + id + "/status", statusBody("processing")));
    keep(admin("PUT", "/api/orders/" + id + "/status", statusBody("nonsense")));
    keep(server_->request("GET", "/v1/_info"));
    keep(server_->request("GET", "/health/ready"));
    keep(server_->request("GET", "/metrics"));
    server_->stop();
    seen += server_->log();
    CPPUNIT_ASSERT_MESSAGE("the run wrote nothing to search", seen.size() > 1000);
    const std::vector<std::string> secrets = {"test-gateway-key", "test-internal-token", "test-webhook-secret",
                                              "test-shipping-secret"};
    const auto found = std::count_if(secrets.begin(), secrets.end(),
                                     [&](const std::string &secret) { return seen.find(secret) != std::string::npos; });
    orders::testing::reliabilityRow(
        "secrets (`e2e_lifecycle_tests`)",
        std::to_string(calls) +
            " calls down every auth path and its failures, then the log, `/metrics`, `/v1/_info`, readiness and "
            "each answer searched for the " +
            std::to_string(secrets.size()) + " configured secret values",
        engineLabel() + ": found " + std::to_string(found) + " in " + std::to_string(seen.size() / 1024) + " KiB");
    for (const std::string &secret : secrets)
      CPPUNIT_ASSERT_MESSAGE("the value of a secret appears in the server's output: " + secret,
                             seen.find(secret) == std::string::npos);
  }

  void abusiveBuyerIsRateLimitedOthersAreNot() {
    if (skip()) return;
    ServerOptions o;
    o.http_extra = ", rate_limits: [ { group: checkout, routes: [\"POST /api/orders\"], per_second: 0.2, burst: 3 },"
                   " { group: reads, routes: [\"GET *\"], per_second: 50, burst: 100 } ]";
    start(o);
    const std::string body = checkoutBody({{"sku-mug", 1}});
    const int burst = 3;
    for (int i = 0; i < burst; ++i)
      CPPUNIT_ASSERT_EQUAL(201, server_->as("greedy", "buyer", "POST", "/api/orders", body).status);
    Reply refused = server_->as("greedy", "buyer", "POST", "/api/orders", body);
    const size_t written = server_->as("greedy", "buyer", "GET", "/api/orders").json()["items"].size();
    // Other buyers, other groups and internal callers are not affected.
    const int calm = server_->as("calm", "buyer", "POST", "/api/orders", body).status;
    Json::Value internal = orders::sdk::parseJson(body);
    internal["userId"] = "greedy";
    const int internal_status = server_
                                    ->request("POST", "/internal/orders", orders::sdk::writeJson(internal),
                                              {{"x-internal-token", "test-internal-token"}})
                                    .status;
    orders::testing::reliabilityRow("abusive buyer (`e2e_lifecycle_tests`)",
                                    std::to_string(burst + 1) + " checkouts in a row by one buyer against a burst of " +
                                        std::to_string(burst),
                                    engineLabel() + ": the last answered " + std::to_string(refused.status) +
                                        " with Retry-After " + refused.headers["retry-after"] + " s, orders written " +
                                        std::to_string(written) + ", another buyer answered " + std::to_string(calm) +
                                        ", an internal caller " + std::to_string(internal_status));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 429, refused.status);
    CPPUNIT_ASSERT_EQUAL(std::string("too_many_requests"), refused.json()["code"].asString());
    const int retry_after = std::stoi(refused.headers["retry-after"]);
    CPPUNIT_ASSERT_MESSAGE(refused.headers["retry-after"], retry_after >= 1 && retry_after <= 5);
    CPPUNIT_ASSERT_MESSAGE(refused.body,
                           refused.json()["detail"].asString().find("route group 'checkout'") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(size_t(burst), written); // nothing was written for the refused checkout
    CPPUNIT_ASSERT_EQUAL(201, calm);
    CPPUNIT_ASSERT_EQUAL(201, internal_status);
    const std::string metrics = server_->request("GET", "/metrics").body;
    CPPUNIT_ASSERT_MESSAGE(metrics,
                           metrics.find("orders_http_rate_limited_total{group=\"checkout\"} 1") != std::string::npos);
  }
};

class SqliteLifecycleTest : public LifecycleBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteLifecycleTest, LifecycleBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::sqlite; }
};

class PostgresLifecycleTest : public LifecycleBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresLifecycleTest, LifecycleBase);
  CPPUNIT_TEST_SUITE_END();
  Engine engine() const override { return Engine::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteLifecycleTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresLifecycleTest);
