// notifier/smtp: the mail for one notification, rendered without a server
// (unit-testable). Header-only. Thread-safety: pure functions.
#pragma once

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>

#include <map>
#include <optional>
#include <string>

#include "orders/sdk/notify_template.hpp"

namespace orders::plugins::notifier {

using namespace orders::sdk::notice;

struct MailTemplate {
  std::string subject;
  std::string body;
  template <class V> void visit(V &v) {
    v("subject", subject);
    v("body", body);
  }
};

struct RenderedMail {
  std::string subject; // UTF-8, one line
  std::string body;    // UTF-8 plain text
};

// Built-in templates (used when the config has no `templates`).
inline std::map<std::string, MailTemplate> defaultMailTemplates() {
  return {
      {"order.created",
       {"Order {orderNumber} placed",
        "Hello {customerName},\n\nthank you for your order {orderNumber}. Total: {total}.\n"
        "We will let you know when it ships.\n"}},
      {"order.paid",
       {"Order {orderNumber} paid",
        "Hello {customerName},\n\nwe received your payment of {total} for order {orderNumber}.\n"}},
      {"order.shipped",
       {"Order {orderNumber} shipped", "Hello {customerName},\n\nyour order {orderNumber} ({total}) is on its way.\n"}},
      {"order.delivered",
       {"Order {orderNumber} delivered",
        "Hello {customerName},\n\nyour order {orderNumber} has been delivered. Enjoy!\n"}},
      {"order.cancelled",
       {"Order {orderNumber} cancelled",
        "Hello {customerName},\n\nyour order {orderNumber} ({total}) has been cancelled.\n"}},
  };
}

// CR and LF replaced by spaces: a header value can never start a new header.
inline std::string oneLine(std::string text) {
  for (char &c : text)
    if (c == '\r' || c == '\n') c = ' ';
  return text;
}

// A usable envelope address: non-empty, has an '@', no spaces, controls or
// angle brackets (which would break the SMTP command or the header).
inline bool usableAddress(const std::string &address) {
  if (address.empty() || address.find('@') == std::string::npos) return false;
  for (char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u == 127 || c == '<' || c == '>') return false;
  }
  return true;
}

inline RenderedMail renderMail(const MailTemplate &t, const sdk::Notification &n) {
  const auto values = placeholders(n);
  return RenderedMail{oneLine(render(t.subject, values)), render(t.body, values)};
}

// Every line end as CRLF (a lone LF or CR becomes CRLF).
inline std::string crlf(const std::string &text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// Fills `message`: From, To, the RFC 2047-encoded Subject, a UTF-8 plain
// text body (quoted-printable) and X-Order-Event-Id.
inline void fillMessage(Poco::Net::MailMessage &message, const std::string &from, const std::string &to,
                        const RenderedMail &mail, const std::optional<std::string> &event_id) {
  message.setSender(from);
  message.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, to));
  message.setSubject(Poco::Net::MailMessage::encodeWord(oneLine(mail.subject), "UTF-8"));
  message.setContentType("text/plain; charset=UTF-8");
  // CRLF line ends: Poco dot-stuffs only after "\r\n", and servers end DATA
  // at a lone "." line, so a bare "\n.\n" in a template would cut the mail.
  message.setContent(crlf(mail.body), Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
  if (event_id && !event_id->empty()) message.set("X-Order-Event-Id", oneLine(*event_id));
}

} // namespace orders::plugins::notifier
