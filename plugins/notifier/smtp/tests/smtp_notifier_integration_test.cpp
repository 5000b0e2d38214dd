// notifier/smtp loaded as the server loads it (the real registry, schema
// defaults) against an SMTP sink on 127.0.0.1 that this test runs
// (host/tools/smtp_peer.hpp).
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/DialogSocket.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <atomic>
#include <cctype>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/core_plugins.hpp"
#include "http_peer.hpp"
#include "loaded_plugin.hpp"
#include "smtp_peer.hpp"

using orders::testing::json;
using orders::testing::LoadedPlugin;
using orders::testing::ReceivedMail;
using orders::testing::SmtpFault;
using orders::testing::SmtpPeer;
namespace core = orders::host::core;
namespace sdk = orders::sdk;

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Decodes RFC 2047 Q-encoded words ("=?UTF-8?q?...?="), joining adjacent
// ones; plain text passes through.
std::string decodeWords(std::string text) {
  std::string unfolded;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] != '\r' && text[i] != '\n') unfolded += text[i];
  std::string out;
  size_t i = 0;
  bool after_word = false;
  while (i < unfolded.size()) {
    if (unfolded.compare(i, 2, "=?") == 0) {
      const size_t q1 = unfolded.find('?', i + 2);
      const size_t q2 = q1 == std::string::npos ? q1 : unfolded.find('?', q1 + 1);
      const size_t end = q2 == std::string::npos ? q2 : unfolded.find("?=", q2 + 1);
      if (end != std::string::npos) {
        for (size_t k = q2 + 1; k < end; ++k) {
          if (unfolded[k] == '_') {
            out += ' ';
          } else if (unfolded[k] == '=' && k + 2 < end && hexValue(unfolded[k + 1]) >= 0 &&
                     hexValue(unfolded[k + 2]) >= 0) {
            out += static_cast<char>(hexValue(unfolded[k + 1]) * 16 + hexValue(unfolded[k + 2]));
            k += 2;
          } else {
            out += unfolded[k];
          }
        }
        i = end + 2;
        after_word = true;
        continue;
      }
    }
    if (after_word && (unfolded[i] == ' ' || unfolded[i] == '\t')) {
      size_t j = i;
      while (j < unfolded.size() && (unfolded[j] == ' ' || unfolded[j] == '\t'))
        ++j;
      if (unfolded.compare(j, 2, "=?") == 0) {
        i = j; // whitespace between encoded words is dropped
        continue;
      }
    }
    after_word = false;
    out += unfolded[i++];
  }
  return out;
}

std::unique_ptr<LoadedPlugin> load(uint16_t port, const std::string &extra = "",
                                   const Json::Value &secrets = Json::Value(Json::objectValue)) {
  const std::string instance = R"({"name":"smtp","id":"mail","config":{"host":"127.0.0.1","port":)" +
                               std::to_string(port) + R"(,"from":"Shop <shop@example.com>","timeout_ms":2000)" +
                               (extra.empty() ? "" : "," + extra) + "}}";
  auto plugin = std::make_unique<LoadedPlugin>("notifier", json(instance), secrets);
  CPPUNIT_ASSERT_MESSAGE(plugin->error(), plugin->ok());
  return plugin;
}

sdk::Notification notification(const std::string &event) {
  sdk::Notification n;
  n.event = event;
  n.eventId = "evt-" + event;
  n.occurredAt = "2026-11-22T10:00:00Z";
  n.order.id = "o-1";
  n.order.orderNumber = "ORD-1001";
  n.order.status = "paid";
  n.order.currency = "USD";
  n.order.totalMinor = 1299;
  n.order.customer = sdk::Party{"u-1", std::string("Ann Lee"), std::string("ann@example.com"), std::nullopt};
  return n;
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string why(const sdk::Result<sdk::Empty> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class SmtpNotifierIntegrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SmtpNotifierIntegrationTest);
  CPPUNIT_TEST(sendsTheDefaultTemplateToTheCustomer);
  CPPUNIT_TEST(sendsAConfiguredUtf8SubjectToTheRecipient);
  CPPUNIT_TEST(noEmailSendsNothing);
  CPPUNIT_TEST(refusedStartTlsIsUnavailable);
  CPPUNIT_TEST(sinkDownIsUnavailable);
  CPPUNIT_TEST(logsInWithEitherMethod);
  CPPUNIT_TEST(refusedCredentialsAreUnauthenticated);
  CPPUNIT_TEST(transientReplyIsRetryablePermanentIsFinal);
  CPPUNIT_TEST_SUITE_END();

public:
  void sendsTheDefaultTemplateToTheCustomer() {
    SmtpPeer sink;
    auto plugin = load(sink.port());
    auto r = core::notify(plugin->instance(), notification("order.paid"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());

    const auto mails = sink.mails();
    CPPUNIT_ASSERT_EQUAL(size_t(1), mails.size());
    CPPUNIT_ASSERT_EQUAL(std::string("localhost"), mails[0].helo);
    CPPUNIT_ASSERT_EQUAL(std::string("<shop@example.com>"), mails[0].from);
    CPPUNIT_ASSERT_EQUAL(size_t(1), mails[0].recipients.size());
    CPPUNIT_ASSERT_EQUAL(std::string("<ann@example.com>"), mails[0].recipients[0]);

    std::istringstream in(mails[0].data);
    Poco::Net::MailMessage message;
    message.read(in);
    CPPUNIT_ASSERT_EQUAL(std::string("Order ORD-1001 paid"), decodeWords(message.getSubject()));
    CPPUNIT_ASSERT_EQUAL(std::string("evt-order.paid"), message.get("X-Order-Event-Id"));
    CPPUNIT_ASSERT(contains(message.getContentType(), "text/plain"));
    CPPUNIT_ASSERT(contains(message.getContentType(), "UTF-8"));
    CPPUNIT_ASSERT_MESSAGE(message.getContent(), contains(message.getContent(), "ORD-1001"));
    CPPUNIT_ASSERT_MESSAGE(message.getContent(), contains(message.getContent(), "USD 12.99"));
    CPPUNIT_ASSERT_MESSAGE(message.getContent(), contains(message.getContent(), "Ann Lee"));
  }

  void sendsAConfiguredUtf8SubjectToTheRecipient() {
    SmtpPeer sink;
    auto plugin = load(sink.port(), R"("helo":"orders.test","templates":{"order.shipped":{)"
                                    R"("subject":"Pesanan {orderNumber} dikirim — terima kasih, {customerName}!",)"
                                    R"("body":"Halo {customerName},\n.\nTotal {total} ({event}).\n"}})");
    sdk::Notification n = notification("order.shipped");
    n.recipient = sdk::Party{"u-1", std::string("Zoë"), std::string("zoe@example.com"), std::nullopt};
    auto r = core::notify(plugin->instance(), n);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());

    // order.paid has no template in this instance: skipped, nothing sent.
    r = core::notify(plugin->instance(), notification("order.paid"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());

    const auto mails = sink.mails();
    CPPUNIT_ASSERT_EQUAL(size_t(1), mails.size());
    CPPUNIT_ASSERT_EQUAL(std::string("orders.test"), mails[0].helo);
    CPPUNIT_ASSERT_EQUAL(std::string("<zoe@example.com>"), mails[0].recipients.at(0));
    std::istringstream in(mails[0].data);
    Poco::Net::MailMessage message;
    message.read(in);
    CPPUNIT_ASSERT_EQUAL(std::string("Pesanan ORD-1001 dikirim — terima kasih, Zoë!"),
                         decodeWords(message.getSubject()));
    CPPUNIT_ASSERT_EQUAL(std::string("evt-order.shipped"), message.get("X-Order-Event-Id"));
    CPPUNIT_ASSERT_MESSAGE(message.getContent(), contains(message.getContent(), "Halo Zoë"));
    CPPUNIT_ASSERT_MESSAGE(mails[0].data, contains(message.getContent(), "Total USD 12.99 (order.shipped)"));
  }

  void noEmailSendsNothing() {
    SmtpPeer sink;
    auto plugin = load(sink.port());
    sdk::Notification n = notification("order.paid");
    n.order.customer->email.reset();
    auto r = core::notify(plugin->instance(), n);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT(sink.mails().empty());
  }

  void refusedStartTlsIsUnavailable() {
    SmtpPeer sink; // answers STARTTLS with 502: the plugin must not fall back to plain text
    auto plugin = load(sink.port(), R"("starttls":true)");
    auto r = core::notify(plugin->instance(), notification("order.paid"));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(sink.mails().empty());
  }

  void sinkDownIsUnavailable() {
    auto plugin = load(orders::testing::unusedPort());
    auto r = core::notify(plugin->instance(), notification("order.paid"));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
  }

  void logsInWithEitherMethod() {
    for (const char *method : {"login", "plain"}) {
      SmtpPeer sink;
      auto plugin = load(
          sink.port(), std::string(R"("username":"shop","password_secret":"SMTP_PW","login_method":")") + method + "\"",
          json(R"({"SMTP_PW":{"value":"s3cret pass"}})"));
      auto r = core::notify(plugin->instance(), notification("order.paid"));
      CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
      const auto mails = sink.mails();
      CPPUNIT_ASSERT_EQUAL_MESSAGE(method, size_t(1), mails.size());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(method, std::string("shop"), mails[0].username);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(method, std::string("s3cret pass"), mails[0].password);
    }
  }

  void refusedCredentialsAreUnauthenticated() {
    SmtpPeer sink;
    sink.failWith(SmtpFault{"AUTH", "535 5.7.8 authentication credentials invalid", {}});
    auto plugin =
        load(sink.port(), R"("username":"shop","password_secret":"SMTP_PW")", json(R"({"SMTP_PW":{"value":"wrong"}})"));
    auto r = core::notify(plugin->instance(), notification("order.paid"));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(sink.mails().empty());
  }

  // A 4xx reply means "try again later" (greylisting, a full queue); a 5xx
  // one means never (no such mailbox): a retry cannot help.
  void transientReplyIsRetryablePermanentIsFinal() {
    SmtpPeer sink;
    auto plugin = load(sink.port());
    sink.failWith(SmtpFault{"MAIL", "451 4.7.1 greylisted, try again later", {}});
    auto r = core::notify(plugin->instance(), notification("order.paid"));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == sdk::ErrorCode::unavailable && r.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "greylisted"));

    sink.failWith(SmtpFault{"RCPT", "550 5.1.1 no such mailbox", {}});
    r = core::notify(plugin->instance(), notification("order.paid"));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, !r.error().retryable);
    CPPUNIT_ASSERT(sink.mails().empty());

    sink.failWith(std::nullopt);
    r = core::notify(plugin->instance(), notification("order.paid"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), sink.mails().size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmtpNotifierIntegrationTest);
