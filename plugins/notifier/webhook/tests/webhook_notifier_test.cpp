// notifier/webhook through its C ABI on a FakeHost: the signed request,
// templates, and error mapping.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/crypto.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kUrl = "http://hooks.test/orders";
const std::string kSecret = "whsec-1";

std::string config(const std::string &extra = "") {
  return R"({"url":")" + kUrl + R"(","signing_secret":"HOOK_SECRET")" + (extra.empty() ? "" : "," + extra) + "}";
}

void create(PluginHarness &h, const std::string &c = config()) {
  h.host().setSecret("HOOK_SECRET", kSecret);
  auto s = h.create(c);
  CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
}

Notification paid() {
  Notification n;
  n.event = "order.paid";
  n.eventId = "evt-42";
  n.occurredAt = "2026-11-22T10:00:00Z";
  n.order.id = "o-1";
  n.order.orderNumber = "ORD-1001";
  n.order.status = "paid";
  n.order.currency = "USD";
  n.order.totalMinor = 1299;
  n.order.customer = Party{"u-1", std::string("Ann Lee"), std::string("ann@example.com"), std::nullopt};
  return n;
}

Result<Empty> notify(PluginHarness &h, const Notification &n) {
  return h.call<Empty>(h.table<orders_notifier_v1_t>()->notify, n);
}

std::string why(const Result<Empty> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class WebhookNotifierTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WebhookNotifierTest);
  CPPUNIT_TEST(postsASignedBodyWithIdempotencyKey);
  CPPUNIT_TEST(configuredTemplatesReplaceTheBuiltIns);
  CPPUNIT_TEST(statusesMapToErrors);
  CPPUNIT_TEST(transportErrorIsUnavailable);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST_SUITE_END();

public:
  void postsASignedBodyWithIdempotencyKey() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config(R"("timeout_ms":1500)"));
    h.host().onHttp("POST", kUrl, HttpResponse{202, {}, ""});
    auto r = notify(h, paid());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());

    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const HttpRequest &req = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), req.method);
    CPPUNIT_ASSERT_EQUAL(kUrl, req.url);
    CPPUNIT_ASSERT(req.idempotent);
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), req.timeoutMs.value());
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), req.headers.at("Content-Type"));
    CPPUNIT_ASSERT_EQUAL(std::string("evt-42"), req.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL("sha256=" + orders::sdk::crypto::hmacSha256Hex(kSecret, req.body),
                         req.headers.at("X-Signature"));

    const Json::Value body = parseJson(req.body);
    CPPUNIT_ASSERT_EQUAL(std::string("order.paid"), body["event"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("evt-42"), body["eventId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22T10:00:00Z"), body["occurredAt"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1001"), body["order"]["orderNumber"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(1299), body["order"]["totalMinor"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("Order ORD-1001 paid (USD 12.99)"), body["message"].asString());
  }

  void configuredTemplatesReplaceTheBuiltIns() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h, config(R"("templates":{"order.shipped":"{customerName}: {orderNumber} is {status}"})"));
    h.host().onHttp("POST", kUrl, HttpResponse{200, {}, ""});
    auto r = notify(h, paid()); // no template for order.paid here
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT(h.host().requests().empty());

    Notification n = paid();
    n.event = "order.shipped";
    n.order.status = "shipped";
    r = notify(h, n);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), h.host().requests().size());
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee: ORD-1001 is shipped"),
                         parseJson(h.host().requests()[0].body)["message"].asString());
  }

  void statusesMapToErrors() {
    const struct {
      int64_t status;
      ErrorCode code;
    } cases[] = {{400, ErrorCode::rejected},    {404, ErrorCode::rejected},    {422, ErrorCode::rejected},
                 {429, ErrorCode::unavailable}, {500, ErrorCode::unavailable}, {503, ErrorCode::unavailable}};
    for (const auto &c : cases) {
      PluginHarness h(orders_plugin_descriptor_v1());
      create(h);
      h.host().onHttp("POST", kUrl, HttpResponse{c.status, {}, "nope"});
      auto r = notify(h, paid());
      CPPUNIT_ASSERT_MESSAGE(std::to_string(c.status), !r.ok());
      CPPUNIT_ASSERT_MESSAGE(std::to_string(c.status) + ": " + r.error().message, r.error().code == c.code);
      CPPUNIT_ASSERT_EQUAL(c.code == ErrorCode::unavailable, r.error().retryable);
    }
  }

  void transportErrorIsUnavailable() {
    PluginHarness h(orders_plugin_descriptor_v1());
    create(h);
    h.host().onHttpError("POST", kUrl, timeoutError("no answer in 5000 ms"));
    auto r = notify(h, paid());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
  }

  void createRejectsBadConfig() {
    const std::string bad[] = {
        R"({"signing_secret":"HOOK_SECRET"})",
        R"({"url":"ftp://x","signing_secret":"HOOK_SECRET"})",
        R"({"url":"http://x"})",
        R"({"url":"http://x","signing_secret":"MISSING"})",
        config(R"("timeout_ms":1)"),
        config(R"("templates":{"order.paid":1})"),
    };
    for (const std::string &c : bad) {
      PluginHarness h(orders_plugin_descriptor_v1());
      h.host().setSecret("HOOK_SECRET", kSecret);
      CPPUNIT_ASSERT_MESSAGE(c, !h.create(c).ok());
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WebhookNotifierTest);
