// notifier/smtp without a server: config validation through the C ABI on a
// FakeHost, the skip paths (no template, no address), and the rendered mail.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/MailMessage.h>

#include <sstream>

#include "orders/sdk/testing/plugin_harness.hpp"
#include "smtp_message.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;
namespace notifier = orders::plugins::notifier;

namespace {

// Port 1 on loopback: nothing listens, and the tests below never connect.
std::string config(const std::string &extra = "") {
  return std::string(R"({"host":"127.0.0.1","port":1,"from":"Shop <shop@example.com>")") +
         (extra.empty() ? "" : "," + extra) + "}";
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

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

bool logged(PluginHarness &h, LogLevel level, const std::string &part) {
  for (const auto &line : h.host().logs())
    if (line.level == level && contains(line.message, part)) return true;
  return false;
}

std::string why(const Status &s) { return s.ok() ? std::string() : s.error().message; }

} // namespace

class SmtpNotifierTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SmtpNotifierTest);
  CPPUNIT_TEST(formatsMoneyByCurrencyExponent);
  CPPUNIT_TEST(rendersPlaceholders);
  CPPUNIT_TEST(builtInTemplatesCoverTheFiveOrderEvents);
  CPPUNIT_TEST(messageHasEncodedSubjectContentTypeAndEventId);
  CPPUNIT_TEST(subjectCannotInjectHeaders);
  CPPUNIT_TEST(createAcceptsAMinimalAndAFullConfig);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST(eventWithoutTemplateSendsNothing);
  CPPUNIT_TEST(notificationWithoutEmailSendsNothing);
  CPPUNIT_TEST(unreachableServerIsUnavailable);
  CPPUNIT_TEST_SUITE_END();

public:
  void formatsMoneyByCurrencyExponent() {
    CPPUNIT_ASSERT_EQUAL(std::string("USD 12.99"), notifier::formatMoney(1299, "USD"));
    CPPUNIT_ASSERT_EQUAL(std::string("USD 0.05"), notifier::formatMoney(5, "USD"));
    CPPUNIT_ASSERT_EQUAL(std::string("USD -0.50"), notifier::formatMoney(-50, "USD"));
    CPPUNIT_ASSERT_EQUAL(std::string("IDR 150000"), notifier::formatMoney(150000, "IDR"));
    CPPUNIT_ASSERT_EQUAL(std::string("JPY 500"), notifier::formatMoney(500, "JPY"));
    CPPUNIT_ASSERT_EQUAL(std::string("KRW 1200"), notifier::formatMoney(1200, "KRW"));
    CPPUNIT_ASSERT_EQUAL(std::string("KWD 1.250"), notifier::formatMoney(1250, "KWD"));
    CPPUNIT_ASSERT_EQUAL(std::string("BHD 0.001"), notifier::formatMoney(1, "BHD"));
    CPPUNIT_ASSERT_EQUAL(std::string("EUR 100.00"), notifier::formatMoney(10000, "EUR"));
  }

  void rendersPlaceholders() {
    Notification n = paid();
    n.recipient = Party{"u-1", std::string("Zoë"), std::nullopt, std::nullopt};
    const auto values = notifier::placeholders(n);
    CPPUNIT_ASSERT_EQUAL(
        std::string("ORD-1001 o-1 paid USD 12.99 Zoë order.paid {unknown} {"),
        notifier::render("{orderNumber} {orderId} {status} {total} {customerName} {event} {unknown} {", values));
    // Substituted values are not expanded again.
    n.recipient->name = "{orderId}";
    CPPUNIT_ASSERT_EQUAL(std::string("Hi {orderId}"), notifier::render("Hi {customerName}", notifier::placeholders(n)));
  }

  void builtInTemplatesCoverTheFiveOrderEvents() {
    const auto templates = notifier::defaultMailTemplates();
    for (const char *event : notifier::kDefaultEvents) {
      CPPUNIT_ASSERT_MESSAGE(event, templates.count(event) == 1);
      const auto mail = notifier::renderMail(templates.at(event), paid());
      CPPUNIT_ASSERT_MESSAGE(event, contains(mail.subject, "ORD-1001"));
      CPPUNIT_ASSERT_MESSAGE(event, contains(mail.body, "ORD-1001"));
    }
    const auto mail = notifier::renderMail(templates.at("order.paid"), paid());
    CPPUNIT_ASSERT_EQUAL(std::string("Order ORD-1001 paid"), mail.subject);
    CPPUNIT_ASSERT(contains(mail.body, "USD 12.99"));
    CPPUNIT_ASSERT(contains(mail.body, "Ann Lee"));
  }

  void messageHasEncodedSubjectContentTypeAndEventId() {
    Poco::Net::MailMessage message;
    notifier::fillMessage(message, "Shop <shop@example.com>", "ann@example.com",
                          notifier::RenderedMail{"Pesanan ORD-1001 — dibayar", "Total USD 12.99\n"},
                          std::string("evt-42"));
    std::ostringstream out;
    message.write(out);
    const std::string text = out.str();
    CPPUNIT_ASSERT_MESSAGE(text, contains(text, "Subject: =?UTF-8?q?"));
    CPPUNIT_ASSERT_MESSAGE(text, contains(text, "Content-Type: text/plain; charset=UTF-8"));
    CPPUNIT_ASSERT_MESSAGE(text, contains(text, "X-Order-Event-Id: evt-42"));
    CPPUNIT_ASSERT_MESSAGE(text, contains(text, "To: <ann@example.com>"));
    CPPUNIT_ASSERT_MESSAGE(text, contains(text, "From: Shop <shop@example.com>"));
    CPPUNIT_ASSERT_MESSAGE(text, contains(text, "Total USD 12.99"));

    // Plain ASCII subjects stay readable.
    Poco::Net::MailMessage ascii;
    notifier::fillMessage(ascii, "shop@example.com", "ann@example.com", notifier::RenderedMail{"Order paid", "x"},
                          std::nullopt);
    std::ostringstream ascii_out;
    ascii.write(ascii_out);
    CPPUNIT_ASSERT(contains(ascii_out.str(), "Subject: Order paid"));
    CPPUNIT_ASSERT(!contains(ascii_out.str(), "X-Order-Event-Id"));
  }

  void subjectCannotInjectHeaders() {
    Notification n = paid();
    n.recipient = Party{"u-1", std::string("Ann\r\nBcc: evil@example.com"), std::nullopt, std::nullopt};
    const auto mail = notifier::renderMail(notifier::MailTemplate{"Hi {customerName}", "body"}, n);
    CPPUNIT_ASSERT(!contains(mail.subject, "\n") && !contains(mail.subject, "\r"));
    CPPUNIT_ASSERT(!notifier::usableAddress("ann@example.com\r\nRCPT TO:<x@y>"));
    CPPUNIT_ASSERT(!notifier::usableAddress("no-at-sign"));
    CPPUNIT_ASSERT(notifier::usableAddress("ann@example.com"));
  }

  void createAcceptsAMinimalAndAFullConfig() {
    PluginHarness minimal(orders_plugin_descriptor_v1());
    auto s = minimal.create(config());
    CPPUNIT_ASSERT_MESSAGE(why(s), s.ok());

    PluginHarness full(orders_plugin_descriptor_v1());
    full.host().setSecret("SMTP_PASSWORD", "pw");
    s = full.create(config(R"("username":"shop","password_secret":"SMTP_PASSWORD","login_method":"plain",)"
                           R"("helo":"orders.example.com","timeout_ms":1000,)"
                           R"("templates":{"order.paid":{"subject":"Paid {orderNumber}","body":"{total}"}})"));
    CPPUNIT_ASSERT_MESSAGE(why(s), s.ok());
  }

  void createRejectsBadConfig() {
    const std::string bad[] = {
        R"({"port":25,"from":"shop@example.com"})",                 // no host
        R"({"host":"","from":"shop@example.com"})",                 // empty host
        R"({"host":"mail","from":"not an address"})",               // bad from
        R"({"host":"mail","from":"shop@example.com\r\nBcc: x@y"})", // header injection
        config(R"("port":0)"),
        config(R"("port":70000)"),
        config(R"("timeout_ms":0)"),
        config(R"("username":"shop")"),                                    // no password_secret
        config(R"("password_secret":"SMTP_PASSWORD")"),                    // no username
        config(R"("username":"shop","password_secret":"MISSING")"),        // unresolvable secret
        config(R"("login_method":"cram-md5")"),                            // unsupported
        config(R"("templates":{"order.paid":{"subject":"","body":"x"}})"), // empty subject
        config(R"("templates":{"order.paid":{"body":"x"}})"),              // missing subject
        config(R"("starttls":"yes")"),                                     // wrong type
    };
    for (const std::string &c : bad) {
      PluginHarness h(orders_plugin_descriptor_v1());
      CPPUNIT_ASSERT_MESSAGE(c, !h.create(c).ok());
    }
  }

  void eventWithoutTemplateSendsNothing() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("templates":{"order.shipped":{"subject":"s","body":"b"}})")).ok());
    Notification n = paid(); // order.paid has no template here
    auto r = notify(h, n);
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT(logged(h, LogLevel::debug, "order.paid"));
    n.event = "order.refunded"; // no built-in either
    PluginHarness defaults(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(defaults.create(config()).ok());
    CPPUNIT_ASSERT(notify(defaults, n).ok());
  }

  void notificationWithoutEmailSendsNothing() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    Notification n = paid();
    n.order.customer->email.reset();
    n.recipient = Party{"u-1", std::string("Ann"), std::nullopt, std::string("+62811")};
    auto r = notify(h, n);
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT(logged(h, LogLevel::info, "no usable e-mail"));
  }

  void unreachableServerIsUnavailable() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("timeout_ms":1000)")).ok());
    auto r = notify(h, paid());
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmtpNotifierTest);
