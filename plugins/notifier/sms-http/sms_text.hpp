// notifier/sms-http: the SMS text of one notification. Header-only.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "orders/sdk/notify_template.hpp"

namespace orders::plugins::notifier {

using namespace orders::sdk::notice;

// Built-in texts (used when the config has no `templates`).
inline std::map<std::string, std::string> defaultSmsTemplates() {
  return {
      {"order.created", "Hi {customerName}, your order {orderNumber} ({total}) has been placed."},
      {"order.paid", "Payment of {total} received for order {orderNumber}. Thank you!"},
      {"order.shipped", "Your order {orderNumber} has shipped."},
      {"order.delivered", "Your order {orderNumber} has been delivered."},
      {"order.cancelled", "Your order {orderNumber} has been cancelled."},
  };
}

// At most `max_chars` characters (UTF-8 code points); longer text is cut
// and ends with "…" (counted in the limit).
inline std::string truncateText(const std::string &text, size_t max_chars) {
  size_t chars = 0;
  size_t cut = std::string::npos; // byte offset after max_chars - 1 characters
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue; // continuation byte
    if (chars + 1 == max_chars) cut = i;
    if (++chars > max_chars) return (max_chars == 0 ? std::string() : text.substr(0, cut) + "\xE2\x80\xA6");
  }
  return text;
}

} // namespace orders::plugins::notifier
