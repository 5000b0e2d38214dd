// orders/sdk/notify_template.hpp - message templates for order
// notifications: placeholders, money formatting and the recipient fallbacks
// every notifier needs (smtp, sms-http, webhook use it). Header-only, C++17.
// Thread-safety: pure functions.
#ifndef ORDERS_SDK_NOTIFY_TEMPLATE_HPP
#define ORDERS_SDK_NOTIFY_TEMPLATE_HPP

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "orders/sdk/messages.hpp"

namespace orders::sdk::notice {

// Minor-unit exponent of an ISO 4217 currency: JPY/KRW/IDR have none,
// BHD/KWD three, everything else two.
inline int currencyExponent(std::string_view currency) {
  if (currency == "JPY" || currency == "KRW" || currency == "IDR") return 0;
  if (currency == "BHD" || currency == "KWD") return 3;
  return 2;
}

// "USD 12.99" from 1299 minor units; "IDR 150000"; "KWD 1.250"; "USD -0.50".
inline std::string formatMoney(int64_t amount_minor, const std::string &currency) {
  const int exponent = currencyExponent(currency);
  const bool negative = amount_minor < 0;
  const uint64_t magnitude =
      negative ? uint64_t(0) - static_cast<uint64_t>(amount_minor) : static_cast<uint64_t>(amount_minor);
  uint64_t scale = 1;
  for (int i = 0; i < exponent; ++i)
    scale *= 10;
  std::string out = currency.empty() ? std::string() : currency + " ";
  if (negative) out += "-";
  out += std::to_string(magnitude / scale);
  if (exponent > 0) {
    const std::string fraction = std::to_string(magnitude % scale);
    out += "." + std::string(static_cast<size_t>(exponent) - fraction.size(), '0') + fraction;
  }
  return out;
}

// The customer's display name: the recipient's, else the order's customer's.
inline std::string customerName(const sdk::Notification &n) {
  if (n.recipient && n.recipient->name && !n.recipient->name->empty()) return *n.recipient->name;
  if (n.order.customer && n.order.customer->name && !n.order.customer->name->empty()) return *n.order.customer->name;
  return "customer";
}

inline std::string recipientEmail(const sdk::Notification &n) {
  if (n.recipient && n.recipient->email && !n.recipient->email->empty()) return *n.recipient->email;
  if (n.order.customer && n.order.customer->email && !n.order.customer->email->empty()) return *n.order.customer->email;
  return std::string();
}

inline std::string recipientPhone(const sdk::Notification &n) {
  if (n.recipient && n.recipient->phone && !n.recipient->phone->empty()) return *n.recipient->phone;
  if (n.order.customer && n.order.customer->phone && !n.order.customer->phone->empty()) return *n.order.customer->phone;
  return std::string();
}

// The placeholder values of one notification, by name (without braces).
inline std::map<std::string, std::string> placeholders(const sdk::Notification &n) {
  return {
      {"orderNumber", n.order.orderNumber}, {"orderId", n.order.id},
      {"status", n.order.status},           {"total", formatMoney(n.order.totalMinor, n.order.currency)},
      {"customerName", customerName(n)},    {"event", n.event},
  };
}

// Replaces each {name} with its value in one pass (substituted values are
// not scanned again); unknown placeholders stay as written.
inline std::string render(const std::string &text, const std::map<std::string, std::string> &values) {
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find('{', at);
    if (open == std::string::npos) break;
    const size_t close = text.find('}', open + 1);
    if (close == std::string::npos) break;
    out.append(text, at, open - at);
    auto it = values.find(text.substr(open + 1, close - open - 1));
    if (it != values.end()) {
      out += it->second;
      at = close + 1;
    } else {
      out += '{';
      at = open + 1;
    }
  }
  out.append(text, at, std::string::npos);
  return out;
}

// The event types every notifier has a built-in template for.
inline const char *const kDefaultEvents[] = {"order.created", "order.paid", "order.shipped", "order.delivered",
                                             "order.cancelled"};

} // namespace orders::sdk::notice

#endif
