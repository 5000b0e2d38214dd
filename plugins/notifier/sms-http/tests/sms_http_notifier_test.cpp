// notifier/sms-http through its C ABI on a FakeHost: the request body and
// auth, templates, truncation, skips and error mapping.
#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/testing/plugin_harness.hpp"
#include "sms_text.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;
namespace notifier = orders::plugins::notifier;

namespace {

const std::string kUrl = "http://sms.test/v1/messages";

std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://sms.test/v1/")") + (extra.empty() ? "" : "," + extra) + "}";
}

Notification paid() {
  Notification n;
  n.event = "order.paid";
  n.eventId = "evt-42";
  n.order.id = "o-1";
  n.order.orderNumber = "ORD-1001";
  n.order.status = "paid";
  n.order.currency = "USD";
  n.order.totalMinor = 1299;
  n.order.customer = Party{"u-1", std::string("Ann Lee"), std::nullopt, std::string("+62811000")};
  return n;
}

Result<Empty> notify(PluginHarness &h, const Notification &n) {
  return h.call<Empty>(h.table<orders_notifier_v1_t>()->notify, n);
}

std::string why(const Result<Empty> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class SmsHttpNotifierTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SmsHttpNotifierTest);
  CPPUNIT_TEST(truncatesByCharactersWithAnEllipsis);
  CPPUNIT_TEST(postsTheDefaultFieldsAndTemplate);
  CPPUNIT_TEST(fieldNamesSenderAndBearerAreConfigurable);
  CPPUNIT_TEST(apiKeyHeaderAndTruncation);
  CPPUNIT_TEST(recipientPhoneWinsOverTheCustomers);
  CPPUNIT_TEST(noPhoneOrNoTemplateSendsNothing);
  CPPUNIT_TEST(statusesMapToErrors);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST_SUITE_END();

public:
  void truncatesByCharactersWithAnEllipsis() {
    CPPUNIT_ASSERT_EQUAL(std::string("abcde"), notifier::truncateText("abcde", 5));
    CPPUNIT_ASSERT_EQUAL(std::string("abcd…"), notifier::truncateText("abcdefg", 5));
    CPPUNIT_ASSERT_EQUAL(std::string("ëëë…"), notifier::truncateText("ëëëëëë", 4)); // code points, not bytes
    CPPUNIT_ASSERT_EQUAL(std::string("…"), notifier::truncateText("ab", 1));
  }

  void postsTheDefaultFieldsAndTemplate() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("POST", kUrl, HttpResponse{201, {}, R"({"id":"m-1"})"});
    auto r = notify(h, paid());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(kUrl, requests[0].url);
    CPPUNIT_ASSERT(!requests[0].idempotent);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), requests[0].headers.at("Content-Type"));
    CPPUNIT_ASSERT(requests[0].headers.count("Authorization") == 0);
    const Json::Value body = parseJson(requests[0].body);
    CPPUNIT_ASSERT_EQUAL(std::string("+62811000"), body["to"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Payment of USD 12.99 received for order ORD-1001. Thank you!"),
                         body["text"].asString());
    CPPUNIT_ASSERT(!body.isMember("from"));
  }

  void fieldNamesSenderAndBearerAreConfigurable() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("SMS_TOKEN", "tok-1");
    CPPUNIT_ASSERT(h.create(config(R"("path":"send","to_field":"msisdn","text_field":"message","from_field":"sender",)"
                                   R"("sender":"SHOP","token_secret":"SMS_TOKEN","timeout_ms":2000)"))
                       .ok());
    h.host().onHttp("POST", "http://sms.test/v1/send", HttpResponse{200, {}, "{}"});
    auto r = notify(h, paid());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const auto req = h.host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("http://sms.test/v1/send"), req.url);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-1"), req.headers.at("Authorization"));
    CPPUNIT_ASSERT_EQUAL(int64_t(2000), req.timeoutMs.value());
    const Json::Value body = parseJson(req.body);
    CPPUNIT_ASSERT_EQUAL(std::string("+62811000"), body["msisdn"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("SHOP"), body["sender"].asString());
    CPPUNIT_ASSERT(body["message"].asString().find("ORD-1001") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(3u, body.size());
  }

  void apiKeyHeaderAndTruncation() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("SMS_KEY", "key-1");
    CPPUNIT_ASSERT(h.create(config(R"("api_key_secret":"SMS_KEY","api_key_header":"X-Gateway-Key","max_length":10,)"
                                   R"("templates":{"order.paid":"{orderNumber} paid {total}"})"))
                       .ok());
    h.host().onHttp("POST", kUrl, HttpResponse{200, {}, "{}"});
    auto r = notify(h, paid());
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    const auto req = h.host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("key-1"), req.headers.at("X-Gateway-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1001 …"), parseJson(req.body)["text"].asString());
  }

  void recipientPhoneWinsOverTheCustomers() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("POST", kUrl, HttpResponse{200, {}, "{}"});
    Notification n = paid();
    n.recipient = Party{"u-1", std::nullopt, std::nullopt, std::string("+15550100")};
    CPPUNIT_ASSERT(notify(h, n).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("+15550100"), parseJson(h.host().requests().at(0).body)["to"].asString());
  }

  void noPhoneOrNoTemplateSendsNothing() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    Notification n = paid();
    n.order.customer->phone.reset();
    n.recipient = Party{"u-1", std::string("Ann"), std::string("ann@example.com"), std::nullopt};
    auto r = notify(h, n);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    n = paid();
    n.event = "order.refunded";
    r = notify(h, n);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT(h.host().requests().empty());
    bool info = false;
    for (const auto &line : h.host().logs())
      info = info || (line.level == LogLevel::info && line.message.find("no phone") != std::string::npos);
    CPPUNIT_ASSERT(info);
  }

  void statusesMapToErrors() {
    const struct {
      int64_t status;
      ErrorCode code;
    } cases[] = {{400, ErrorCode::rejected},
                 {401, ErrorCode::unauthenticated},
                 {429, ErrorCode::unavailable},
                 {500, ErrorCode::unavailable},
                 {502, ErrorCode::unavailable}};
    for (const auto &c : cases) {
      PluginHarness h(orders_plugin_descriptor_v1());
      CPPUNIT_ASSERT(h.create(config()).ok());
      h.host().onHttp("POST", kUrl, HttpResponse{c.status, {}, "nope"});
      auto r = notify(h, paid());
      CPPUNIT_ASSERT_MESSAGE(std::to_string(c.status), !r.ok());
      CPPUNIT_ASSERT_MESSAGE(std::to_string(c.status) + ": " + r.error().message, r.error().code == c.code);
    }
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttpError("POST", kUrl, unavailable("connection refused"));
    auto r = notify(h, paid());
    CPPUNIT_ASSERT(!r.ok() && r.error().code == ErrorCode::unavailable && r.error().retryable);
  }

  void createRejectsBadConfig() {
    const std::string bad[] = {
        R"({})",
        R"({"base_url":"sms.test"})",
        config(R"("to_field":"")"),
        config(R"("to_field":"x","text_field":"x")"),
        config(R"("token_secret":"MISSING")"),
        config(R"("token_secret":"SMS_TOKEN","api_key_secret":"SMS_TOKEN")"),
        config(R"("max_length":0)"),
        config(R"("templates":{"order.paid":{"text":"x"}})"),
    };
    for (const std::string &c : bad) {
      PluginHarness h(orders_plugin_descriptor_v1());
      h.host().setSecret("SMS_TOKEN", "tok");
      CPPUNIT_ASSERT_MESSAGE(c, !h.create(c).ok());
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmsHttpNotifierTest);
