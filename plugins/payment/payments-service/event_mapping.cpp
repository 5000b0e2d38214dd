#include "event_mapping.hpp"

#include <charconv>
#include <cstddef>
#include <system_error>
#include <utility>

#include "orders/sdk/money.hpp"
#include "provider_wire.hpp"

namespace orders::plugins::payment {

using namespace orders::sdk;
using orders::sdk::wire::upperAscii;

namespace {

bool absent(const Json::Value *v) { return v == nullptr || v->isNull(); }

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

// The amount (when the message has one) with its currency.
Result<std::optional<Money>> amountOf(const EventMapping &m, const Json::Value &root, std::string_view payload) {
  const JsonPointer &at = m.amount_major ? *m.amount_major : m.amount_minor;
  const Json::Value *amount = at.find(root);
  if (absent(amount)) return std::optional<Money>();
  std::string text;
  if (amount->isString())
    text = amount->asString();
  else if (amount->isNumeric())
    text = numberText(*amount, payload);
  else
    return invalidArgument(at.text() + ": expected a number or a decimal string, got " + typeName(*amount));

  const Json::Value *currency = m.currency.find(root);
  if (absent(currency))
    return invalidArgument(m.currency.text() + ": missing (needed with the amount at " + at.text() + ")");
  if (!currency->isString())
    return invalidArgument(m.currency.text() + ": expected string, got " + typeName(*currency));
  const std::string code = upperAscii(currency->asString());
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
  return {{"payment.succeeded", wireName(PaymentEventType::paid)},
          {"PaymentCapturedEvent", wireName(PaymentEventType::paid)},
          {"payment.paid", wireName(PaymentEventType::paid)},
          {"payment.failed", wireName(PaymentEventType::failed)},
          {"PaymentFailedEvent", wireName(PaymentEventType::failed)},
          {"payment.expired", wireName(PaymentEventType::expired)},
          {"payment.refunded", wireName(PaymentEventType::refunded)}};
}

Result<ParsedEvent> translateEvent(const EventMapping &m, const std::string &source, const InboundMessage &message,
                                   std::string_view payload) {
  auto parsed = orders::common::parseObjectBody(payload);
  if (!parsed.ok()) return parsed.error();
  const Json::Value root = std::move(parsed).value();

  auto type = typeOf(m, root, message);
  if (!type.ok()) return type.error();
  ParsedEvent out;
  auto mapped = m.types.find(type.value());
  if (mapped == m.types.end()) { // another kind of message on the topic: not for us
    out.outcome = wireName(EventOutcome::ignored);
    out.reason = "event type '" + type.value() + "' is not mapped to a payment event (see event_types)";
    return out;
  }

  PaymentEvent event;
  event.source = source;
  event.type = wireName(mapped->second);
  // The event id is half of the host's dedupe key, and the order id (or the
  // payment id, which the host knows from createPayment: seed 000's
  // PAYMENT_CAPTURED names only the payment) finds the order: without them
  // the event would be misfiled.
  auto event_id = requiredIdAt(root, m.event_id);
  if (!event_id.ok()) return event_id.error();
  event.eventId = std::move(event_id).value();
  auto payment_id = optionalIdAt(root, m.payment_id);
  if (!payment_id.ok()) return payment_id.error();
  event.paymentReference = std::move(payment_id).value();
  auto order_id = optionalIdAt(root, m.order_id);
  if (!order_id.ok()) return order_id.error();
  if (!order_id.value() && !event.paymentReference) {
    auto required = requiredIdAt(root, m.order_id); // names the order id pointers it looked at
    if (!required.ok()) return required.error();
  }
  event.orderId = std::move(order_id).value();
  auto order_number = optionalIdAt(root, m.order_number);
  if (!order_number.ok()) return order_number.error();
  event.orderNumber = std::move(order_number).value();
  auto amount = amountOf(m, root, payload);
  if (!amount.ok()) return amount.error();
  event.amount = std::move(amount).value();
  if (!event.amount && !m.amounts_reported) event.amountNotReported = true;
  auto occurred_at = optionalTextAt(root, m.occurred_at);
  if (!occurred_at.ok()) return occurred_at.error();
  event.occurredAt = std::move(occurred_at).value();

  out.outcome = wireName(EventOutcome::event);
  out.event = std::move(event);
  return out;
}

} // namespace orders::plugins::payment
