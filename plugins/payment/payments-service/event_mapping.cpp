#include "event_mapping.hpp"

#include <charconv>
#include <cstddef>
#include <system_error>
#include <utility>

namespace orders::plugins::payment {

using namespace orders::sdk;

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool absent(const Json::Value *v) { return v == nullptr || v->isNull(); }

bool isNumber(const Json::Value &v) {
  return v.type() == Json::intValue || v.type() == Json::uintValue || v.type() == Json::realValue;
}

std::string upper(std::string s) {
  for (char &c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

bool isCurrencyCode(const std::string &s) {
  if (s.size() != 3) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

// "/id, /data/id" for error messages.
std::string alsoTried(const std::vector<JsonPointer> &pointers) {
  std::string out;
  for (size_t i = 1; i < pointers.size(); ++i)
    out += (out.empty() ? "" : ", ") + pointers[i].text();
  return out.empty() ? std::string() : " (also tried " + out + ")";
}

// The first of `pointers` present and not null, as an id; nullopt when none is.
Result<std::optional<std::string>> optionalIdAt(const Json::Value &root, const std::vector<JsonPointer> &pointers) {
  for (const JsonPointer &pointer : pointers) {
    const Json::Value *value = pointer.find(root);
    if (absent(value)) continue;
    std::optional<std::string> text = idText(*value);
    if (!text) return invalidArgument(pointer.text() + ": expected string or integer, got " + typeName(*value));
    if (text->empty()) return invalidArgument(pointer.text() + ": must not be empty");
    return text;
  }
  return std::optional<std::string>();
}

Result<std::string> requiredIdAt(const Json::Value &root, const std::vector<JsonPointer> &pointers) {
  auto found = optionalIdAt(root, pointers);
  if (!found.ok()) return found.error();
  if (!found.value()) return invalidArgument(pointers.front().text() + ": missing" + alsoTried(pointers));
  return std::move(*found.value());
}

Result<std::optional<std::string>> optionalTextAt(const Json::Value &root, const JsonPointer &pointer) {
  const Json::Value *value = pointer.find(root);
  if (absent(value)) return std::optional<std::string>();
  if (!value->isString()) return invalidArgument(pointer.text() + ": expected string, got " + typeName(*value));
  return std::optional<std::string>(value->asString());
}

// The text of a JSON number exactly as written in `body` (falls back to the
// shortest text reading back as the same double).
std::string numberText(const Json::Value &number, std::string_view body) {
  const ptrdiff_t start = number.getOffsetStart();
  const ptrdiff_t limit = number.getOffsetLimit();
  if (start >= 0 && limit > start && static_cast<size_t>(limit) <= body.size()) {
    const std::string text(body.substr(static_cast<size_t>(start), static_cast<size_t>(limit - start)));
    double parsed = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (result.ec == std::errc() && result.ptr == text.data() + text.size() && parsed == number.asDouble()) return text;
  }
  if (number.type() == Json::intValue) return std::to_string(number.asLargestInt());
  if (number.type() == Json::uintValue) return std::to_string(number.asLargestUInt());
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number.asDouble());
  return result.ec == std::errc() ? std::string(buffer, result.ptr) : std::string("NaN");
}

// The amount (when the message has one) with its currency.
Result<std::optional<Money>> amountOf(const EventMapping &m, const Json::Value &root, std::string_view payload) {
  const JsonPointer &at = m.amount_major ? *m.amount_major : m.amount_minor;
  const Json::Value *amount = at.find(root);
  if (absent(amount)) return std::optional<Money>();
  std::string text;
  if (amount->isString())
    text = amount->asString();
  else if (isNumber(*amount))
    text = numberText(*amount, payload);
  else
    return invalidArgument(at.text() + ": expected a number or a decimal string, got " + typeName(*amount));

  const Json::Value *currency = m.currency.find(root);
  if (absent(currency))
    return invalidArgument(m.currency.text() + ": missing (needed with the amount at " + at.text() + ")");
  if (!currency->isString())
    return invalidArgument(m.currency.text() + ": expected string, got " + typeName(*currency));
  const std::string code = upper(currency->asString());
  if (!isCurrencyCode(code))
    return invalidArgument(m.currency.text() + ": '" + currency->asString() + "' is not an ISO 4217 code");

  int exponent = 0;
  if (m.amount_major) {
    auto it = m.exponents.find(code);
    if (it == m.exponents.end())
      return invalidArgument(at.text() + ": no decimal places known for currency " + code +
                             "; add it to currency_exponents");
    exponent = it->second;
  }
  int64_t minor = 0;
  switch (decimalToMinor(text, exponent, minor)) {
  case DecimalError::none: return std::optional<Money>(Money{minor, code});
  case DecimalError::malformed: return invalidArgument(at.text() + ": '" + text + "' is not a decimal number");
  case DecimalError::negative: return invalidArgument(at.text() + ": '" + text + "' is negative");
  case DecimalError::too_large: return invalidArgument(at.text() + ": '" + text + "' is too large");
  case DecimalError::too_precise:
    if (m.amount_major)
      return invalidArgument(at.text() + ": '" + text + "' has more decimal places than " + code + " allows (" +
                             std::to_string(exponent) + ")");
    return invalidArgument(at.text() + ": '" + text + "' is not a whole number of minor units");
  }
  return invalidArgument(at.text() + ": unreadable amount '" + text + "'");
}

// The message's type: at the pointer, else the first non-empty type header.
Result<std::string> typeOf(const EventMapping &m, const Json::Value &root, const InboundMessage &message) {
  const Json::Value *value = m.type.find(root);
  if (!absent(value)) {
    if (!value->isString()) return invalidArgument(m.type.text() + ": expected string, got " + typeName(*value));
    return value->asString();
  }
  std::string headers;
  for (const std::string &name : m.type_headers) {
    auto it = message.headers.find(name);
    if (it != message.headers.end() && !it->second.empty()) return it->second;
    headers += (headers.empty() ? "" : " or ") + name;
  }
  return invalidArgument(m.type.text() + ": missing" + (headers.empty() ? "" : " (and no " + headers + " header)"));
}

} // namespace

std::map<std::string, std::string> defaultEventTypes() {
  return {{"payment.succeeded", "paid"},   {"PaymentCapturedEvent", "paid"}, {"payment.paid", "paid"},
          {"payment.failed", "failed"},    {"PaymentFailedEvent", "failed"}, {"payment.expired", "expired"},
          {"payment.refunded", "refunded"}};
}

std::map<std::string, int> defaultCurrencyExponents() {
  std::map<std::string, int> out;
  for (const char *code : {"USD", "EUR", "GBP", "AUD", "CAD", "CHF", "CNY", "HKD", "INR", "MYR", "NZD", "PHP", "SGD",
                           "THB", "TWD", "SEK", "NOK", "DKK", "PLN", "CZK", "MXN", "BRL", "ZAR", "AED", "SAR"})
    out[code] = 2;
  // IDR is formally 2 in ISO 4217, but its minor unit is not used in practice
  // (and is not used by this service: Money for IDR 150000 is 150000).
  for (const char *code : {"IDR", "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "PYG"})
    out[code] = 0;
  for (const char *code : {"BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"})
    out[code] = 3;
  return out;
}

bool isPaymentEventType(const std::string &type) {
  return type == "paid" || type == "failed" || type == "expired" || type == "refunded";
}

const char *typeName(const Json::Value &v) {
  switch (v.type()) {
  case Json::nullValue: return "null";
  case Json::intValue:
  case Json::uintValue:
  case Json::realValue: return "number";
  case Json::stringValue: return "string";
  case Json::booleanValue: return "boolean";
  case Json::arrayValue: return "array";
  case Json::objectValue: return "object";
  }
  return "value";
}

std::optional<std::string> idText(const Json::Value &value) {
  if (value.isString()) return value.asString();
  if (value.type() == Json::intValue) return std::to_string(value.asLargestInt());
  if (value.type() == Json::uintValue) return std::to_string(value.asLargestUInt());
  return std::nullopt;
}

DecimalError decimalToMinor(std::string_view text, int exponent, int64_t &out) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits; // integer and fraction digits, without the point
  int64_t fraction_digits = 0;
  while (i < text.size() && isDigit(text[i]))
    digits += text[i++];
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && isDigit(text[i])) {
      digits += text[i++];
      ++fraction_digits;
    }
  }
  if (digits.empty()) return DecimalError::malformed;
  int64_t power = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool power_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) power_negative = text[i++] == '-';
    const size_t first = i;
    while (i < text.size() && isDigit(text[i])) {
      if (power < 100000) power = power * 10 + (text[i] - '0');
      ++i;
    }
    if (i == first) return DecimalError::malformed;
    if (power_negative) power = -power;
  }
  if (i != text.size()) return DecimalError::malformed;

  const size_t nonzero = digits.find_first_not_of('0');
  if (nonzero == std::string::npos) {
    out = 0;
    return DecimalError::none;
  }
  if (negative) return DecimalError::negative;
  digits.erase(0, nonzero);
  // The amount in minor units is digits * 10^scale.
  const int64_t scale = power - fraction_digits + exponent;
  if (scale < 0) {
    const size_t drop = static_cast<size_t>(-scale);
    if (drop >= digits.size() || digits.find_first_not_of('0', digits.size() - drop) != std::string::npos)
      return DecimalError::too_precise;
    digits.resize(digits.size() - drop);
  } else {
    if (static_cast<uint64_t>(scale) + digits.size() > 18) return DecimalError::too_large;
    digits.append(static_cast<size_t>(scale), '0');
  }
  if (digits.size() > 18) return DecimalError::too_large; // 18 digits always fit in int64
  int64_t value = 0;
  for (char c : digits)
    value = value * 10 + (c - '0');
  out = value;
  return DecimalError::none;
}

Result<ParsedEvent> translateEvent(const EventMapping &m, const std::string &source, const InboundMessage &message,
                                   std::string_view payload) {
  Json::Value root;
  try {
    root = parseJson(payload);
  } catch (const DecodeError &e) {
    return invalidArgument(std::string("/: ") + e.what());
  }
  if (!root.isObject()) return invalidArgument(std::string("/: expected object, got ") + typeName(root));

  auto type = typeOf(m, root, message);
  if (!type.ok()) return type.error();
  ParsedEvent out;
  auto mapped = m.types.find(type.value());
  if (mapped == m.types.end()) { // another kind of message on the topic: not for us
    out.outcome = "ignored";
    out.reason = "event type '" + type.value() + "' is not mapped to a payment event (see event_types)";
    return out;
  }

  PaymentEvent event;
  event.source = source;
  event.type = mapped->second;
  // The event id is half of the host's dedupe key and the order id finds the
  // order: without them the event would be misfiled.
  auto event_id = requiredIdAt(root, m.event_id);
  if (!event_id.ok()) return event_id.error();
  event.eventId = std::move(event_id).value();
  auto order_id = requiredIdAt(root, m.order_id);
  if (!order_id.ok()) return order_id.error();
  event.orderId = std::move(order_id).value();
  auto payment_id = optionalIdAt(root, m.payment_id);
  if (!payment_id.ok()) return payment_id.error();
  event.paymentReference = std::move(payment_id).value();
  auto order_number = optionalIdAt(root, m.order_number);
  if (!order_number.ok()) return order_number.error();
  event.orderNumber = std::move(order_number).value();
  auto amount = amountOf(m, root, payload);
  if (!amount.ok()) return amount.error();
  event.amount = std::move(amount).value();
  auto occurred_at = optionalTextAt(root, m.occurred_at);
  if (!occurred_at.ok()) return occurred_at.error();
  event.occurredAt = std::move(occurred_at).value();

  out.outcome = "event";
  out.event = std::move(event);
  return out;
}

} // namespace orders::plugins::payment
