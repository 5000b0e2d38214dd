// notifier/smtp: order notifications as plain-text e-mail over SMTP
// (Poco::Net), with optional STARTTLS and LOGIN/PLAIN authentication. One
// connection per notification; the host's notification dispatcher retries
// retryable failures with backoff and dedupes by event id.
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "orders/sdk/plugin.hpp"
#include "orders_notifier_smtp_config_schema.hpp"
#include "secret_option.hpp"
#include "smtp_message.hpp"

namespace orders::plugins::notifier {

using namespace orders::sdk;

namespace {

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
constexpr int64_t kPort = 25;
constexpr int64_t kTimeoutMs = 5000;
constexpr const char *kHelo = "localhost";
constexpr const char *kLoginMethod = "login";

struct SmtpConfig {
  std::string host;
  std::optional<int64_t> port;
  std::optional<bool> starttls;
  std::optional<std::string> username;
  std::optional<std::string> password_secret;
  std::optional<std::string> login_method;
  std::string from;
  std::optional<std::string> helo;
  std::optional<int64_t> timeout_ms;
  std::optional<std::map<std::string, MailTemplate>> templates;
  template <class V> void visit(V &v) {
    v("host", host);
    v("port", port);
    v("starttls", starttls);
    v("username", username);
    v("password_secret", password_secret);
    v("login_method", login_method);
    v("from", from);
    v("helo", helo);
    v("timeout_ms", timeout_ms);
    v("templates", templates);
  }
};

struct Settings {
  std::string host;
  uint16_t port = 25;
  bool starttls = false;
  std::optional<std::string> username;
  std::optional<std::string> password;
  Poco::Net::SMTPClientSession::LoginMethod login_method = Poco::Net::SMTPClientSession::AUTH_LOGIN;
  std::string from;
  std::string helo;
  int64_t timeout_ms = kTimeoutMs;
  std::map<std::string, MailTemplate> templates;
};

// SecureSMTPClientSession over a socket we connected ourselves (so connect
// honours timeout_ms). Its startTLS() would verify the certificate against
// the socket's IP (a session built from a socket knows no host name); this
// one does the same STARTTLS exchange but verifies against the configured
// host name.
class SmtpSession final : public Poco::Net::SecureSMTPClientSession {
public:
  SmtpSession(const Poco::Net::StreamSocket &socket, std::string peer_host)
      : Poco::Net::SecureSMTPClientSession(socket), peer_host_(std::move(peer_host)) {}

  bool startTlsFor(Poco::Net::Context::Ptr context) {
    std::string response;
    const int status = sendCommand("STARTTLS", response);
    if (!isPositiveCompletion(status)) return false;
    Poco::Net::SecureStreamSocket secure(Poco::Net::SecureStreamSocket::attach(socket(), peer_host_, context));
    socket() = secure;
    return true;
  }

private:
  std::string peer_host_;
};

// An SMTP reply code carried by Poco's SMTPException: authentication
// failures are unauthenticated, other permanent (5xx) answers rejected,
// transient (4xx) and unknown ones unavailable (retryable).
Error smtpError(const Poco::Net::SMTPException &e, const std::string &what) {
  const int code = e.code();
  const std::string detail = what + ": " + e.displayText();
  if (code == 530 || code == 534 || code == 535) return unauthenticated(detail);
  if (code >= 500 && code < 600) return rejected(detail);
  return unavailable(detail);
}

} // namespace

class SmtpNotifier final : public Notifier {
public:
  SmtpNotifier(Host host, Settings settings, Poco::Net::Context::Ptr tls)
      : host_(host), s_(std::move(settings)), tls_(std::move(tls)) {}

  ~SmtpNotifier() override {
    if (!tls_.isNull()) {
      tls_.reset();
      Poco::Net::uninitializeSSL();
    }
  }

  static Result<std::unique_ptr<SmtpNotifier>> create(PluginContext ctx) {
    const auto config = fromJsonOrThrow<SmtpConfig>(ctx.config);
    Settings s;
    if (config.host.empty()) return invalidArgument("host: must not be empty");
    s.host = config.host;
    const int64_t port = config.port.value_or(kPort);
    if (port < 1 || port > 65535) return invalidArgument("port: must be 1..65535, got " + std::to_string(port));
    s.port = static_cast<uint16_t>(port);
    s.starttls = config.starttls.value_or(false);

    if (config.username.has_value() != config.password_secret.has_value())
      return invalidArgument("username and password_secret: give both or neither");
    if (config.username && config.username->empty()) return invalidArgument("username: must not be empty");
    auto password = orders::common::resolveSecretOption(ctx.host, "password_secret", config.password_secret);
    if (!password.ok()) return password.error();
    s.username = config.username;
    s.password = std::move(password).value();
    const std::string method = config.login_method.value_or(kLoginMethod);
    if (method == "login")
      s.login_method = Poco::Net::SMTPClientSession::AUTH_LOGIN;
    else if (method == "plain")
      s.login_method = Poco::Net::SMTPClientSession::AUTH_PLAIN;
    else
      return invalidArgument("login_method: expected 'login' or 'plain', got '" + method + "'");
    if (s.password && !s.starttls)
      ctx.host.warn("smtp: credentials are sent without STARTTLS (set starttls: true unless the link is trusted)");

    // "Shop <shop@example.com>" or "shop@example.com".
    s.from = config.from;
    const size_t lt = s.from.find('<');
    const std::string from_address =
        lt == std::string::npos ? s.from : s.from.substr(lt + 1, s.from.find('>', lt) - lt - 1);
    if (!usableAddress(from_address) || oneLine(s.from) != s.from)
      return invalidArgument("from: expected an address such as shop@example.com or \"Shop <shop@example.com>\"");

    s.helo = config.helo.value_or(kHelo);
    if (s.helo.empty() || oneLine(s.helo) != s.helo) return invalidArgument("helo: must be one non-empty line");
    s.timeout_ms = config.timeout_ms.value_or(kTimeoutMs);
    if (s.timeout_ms < 1) return invalidArgument("timeout_ms: must be >= 1");

    s.templates = config.templates ? *config.templates : defaultMailTemplates();
    for (const auto &[event, t] : s.templates)
      if (t.subject.empty()) return invalidArgument("templates/" + event + "/subject: must not be empty");

    Poco::Net::Context::Ptr tls;
    if (s.starttls) {
      Poco::Net::initializeSSL();
      try {
        // Peer certificates verified against the system CAs and the host name.
        tls =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_RELAXED, 9, true);
      } catch (const Poco::Exception &e) {
        Poco::Net::uninitializeSSL();
        return invalidArgument("starttls: cannot set up TLS: " + e.displayText());
      }
    }
    ctx.host.info("smtp notifier via " + s.host + ":" + std::to_string(s.port) + (s.starttls ? " (STARTTLS)" : "") +
                  ", " + std::to_string(s.templates.size()) + " event template(s)");
    return std::make_unique<SmtpNotifier>(ctx.host, std::move(s), std::move(tls));
  }

  Result<Empty> notify(const Notification &n) override {
    auto t = s_.templates.find(n.event);
    if (t == s_.templates.end()) {
      host_.debug("smtp: no template for " + n.event + ", nothing sent");
      return Empty{};
    }
    const std::string to = recipientEmail(n);
    if (!usableAddress(to)) {
      host_.info("smtp: " + n.event + " for order " + n.order.orderNumber + " has no usable e-mail address, not sent");
      return Empty{};
    }
    Poco::Net::MailMessage message;
    fillMessage(message, s_.from, to, renderMail(t->second, n), n.eventId);

    const std::string what = "smtp " + s_.host + ":" + std::to_string(s_.port);
    // Each socket operation waits at most timeout_ms, and never past the
    // host's deadline for this call (the host has given up by then).
    int64_t timeout_ms = s_.timeout_ms;
    if (const auto left = remainingCallMs(host_)) {
      if (*left == 0) return timeoutError(what + ": the call's deadline passed before connecting");
      timeout_ms = std::min(timeout_ms, *left);
    }
    try {
      const Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(timeout_ms) * 1000);
      Poco::Net::StreamSocket socket;
      socket.connect(Poco::Net::SocketAddress(s_.host, s_.port), timeout);
      socket.setSendTimeout(timeout);
      SmtpSession session(socket, s_.host);
      session.setTimeout(timeout);
      if (s_.starttls) {
        session.login(s_.helo);
        if (!session.startTlsFor(tls_)) return unavailable(what + ": the server refused STARTTLS");
      }
      if (s_.password)
        session.login(s_.helo, s_.login_method, *s_.username, *s_.password);
      else
        session.login(s_.helo);
      session.sendMessage(message);
      try {
        session.close(); // the message is accepted: a failed QUIT does not matter
      } catch (const Poco::Exception &) {
      }
    } catch (const Poco::Net::SMTPException &e) {
      return smtpError(e, what);
    } catch (const Poco::Exception &e) {
      return unavailable(what + ": " + e.displayText());
    } catch (const std::exception &e) {
      return unavailable(what + ": " + e.what());
    }
    host_.counter("smtp_notifications_total", 1, {{"event", n.event}});
    return Empty{};
  }

private:
  Host host_;
  const Settings s_;
  Poco::Net::Context::Ptr tls_;
};

} // namespace orders::plugins::notifier

ORDERS_PLUGIN(orders::plugins::notifier::SmtpNotifier, "smtp", "1.0.0",
              "Order notifications as plain-text e-mail over SMTP", kConfigSchema)
