// orders/sdk/contract.hpp - the enumerated values of the plugin contract as
// C++ enums, with their one JSON mapping, and the checks the host runs on
// every plugin answer.
//
// The wire fields stay strings (schemas/data/ fixes their words), so a
// plugin written in any language speaks them; in C++ write them from the
// enums and no misspelling compiles:
//
//   result.status = wireName(PaymentStatus::captured);     // "captured"
//   if (fromWire<PaymentEventType>(e.type) == PaymentEventType::paid) ...
//
// The host rejects an answer whose value is not one of the contract's
// words (contractProblem): the call becomes an `internal` error, logged and
// counted in orders_plugin_contract_violations_total, so a webhook is
// answered 5xx (the provider delivers it again) and a Kafka message goes to
// the dead-letter topic. A misspelled outcome is never taken as "ignored".
//
// Thread-safety: pure functions over constant tables.
#ifndef ORDERS_SDK_CONTRACT_HPP
#define ORDERS_SDK_CONTRACT_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "orders/sdk/messages.hpp"
#include "orders/sdk/result.hpp"
#include "orders/sdk/text.hpp"

namespace orders::sdk {

enum class PaymentStatus { pending, captured, failed, cancelled, refunded };   // PaymentResult::status
enum class PaymentEventType { paid, failed, expired, refunded };               // PaymentEvent::type
enum class EventOutcome { event, ignored };                                    // ParsedEvent / ShipmentUpdate ::outcome
enum class ShipmentStatus { draft, confirmed, shipped, delivered, cancelled }; // Shipment::status

template <class E> struct EnumWords; // {value, word} pairs, in declaration order

template <> struct EnumWords<PaymentStatus> {
  static constexpr std::pair<PaymentStatus, const char *> all[] = {{PaymentStatus::pending, "pending"},
                                                                   {PaymentStatus::captured, "captured"},
                                                                   {PaymentStatus::failed, "failed"},
                                                                   {PaymentStatus::cancelled, "cancelled"},
                                                                   {PaymentStatus::refunded, "refunded"}};
};
template <> struct EnumWords<PaymentEventType> {
  static constexpr std::pair<PaymentEventType, const char *> all[] = {{PaymentEventType::paid, "paid"},
                                                                      {PaymentEventType::failed, "failed"},
                                                                      {PaymentEventType::expired, "expired"},
                                                                      {PaymentEventType::refunded, "refunded"}};
};
template <> struct EnumWords<EventOutcome> {
  static constexpr std::pair<EventOutcome, const char *> all[] = {{EventOutcome::event, "event"},
                                                                  {EventOutcome::ignored, "ignored"}};
};
template <> struct EnumWords<ShipmentStatus> {
  static constexpr std::pair<ShipmentStatus, const char *> all[] = {{ShipmentStatus::draft, "draft"},
                                                                    {ShipmentStatus::confirmed, "confirmed"},
                                                                    {ShipmentStatus::shipped, "shipped"},
                                                                    {ShipmentStatus::delivered, "delivered"},
                                                                    {ShipmentStatus::cancelled, "cancelled"}};
};

// The wire word of `value`.
template <class E> const char *wireName(E value) noexcept {
  for (const auto &[v, word] : EnumWords<E>::all)
    if (v == value) return word;
  return "";
}

// The value a wire word names; nullopt for any other text.
template <class E> std::optional<E> fromWire(std::string_view word) noexcept {
  for (const auto &[v, w] : EnumWords<E>::all)
    if (word == w) return v;
  return std::nullopt;
}

// "pending, captured, failed, cancelled, refunded"
template <class E> std::string wireWords() {
  std::string out;
  for (const auto &[v, word] : EnumWords<E>::all)
    out += (out.empty() ? "" : ", ") + std::string(word);
  return out;
}

namespace detail {
template <class E> std::optional<std::string> notOneOf(const char *pointer, const std::string &word) {
  if (fromWire<E>(word)) return std::nullopt;
  return std::string(pointer) + ": '" + word + "' is not one of " + wireWords<E>();
}
} // namespace detail

// What in a plugin's answer breaks the contract; nullopt when nothing does.
inline std::optional<std::string> contractProblem(const PaymentResult &r) {
  return detail::notOneOf<PaymentStatus>("/status", r.status);
}
inline std::optional<std::string> contractProblem(const ParsedEvent &r) {
  if (auto p = detail::notOneOf<EventOutcome>("/outcome", r.outcome)) return p;
  if (r.outcome == "event" && !r.event) return std::string("/event: is required when outcome is 'event'");
  if (r.event) return detail::notOneOf<PaymentEventType>("/event/type", r.event->type);
  return std::nullopt;
}
inline std::optional<std::string> contractProblem(const Shipment &r) {
  return detail::notOneOf<ShipmentStatus>("/status", r.status);
}
inline std::optional<std::string> contractProblem(const ShipmentUpdate &r) {
  if (auto p = detail::notOneOf<EventOutcome>("/outcome", r.outcome)) return p;
  if (r.outcome == "event" && r.status) return detail::notOneOf<ShipmentStatus>("/status", *r.status);
  return std::nullopt;
}
// Answers with no enumerated words.
template <class T> std::optional<std::string> contractProblem(const T &) { return std::nullopt; }

// ---- provider text --------------------------------------------------------
// A parsed webhook or message carries what a provider sent. The SDK's glue
// (orders/sdk/plugin.hpp) fits it to the contract's text rules before the
// answer leaves the plugin, so provider bytes never turn into a contract
// violation (a webhook answered 5xx and sent again for ever):
//  - an id, reference, source, carrier or tracking number that is not UTF-8:
//    invalid_argument naming its pointer (the message is refused as bad);
//  - a currency that is not three capitals: invalid_argument;
//  - occurredAt: an RFC 3339 time with an offset becomes UTC; text that is
//    no time is dropped (the host then uses the time it received the event);
//  - reason: bytes that are not UTF-8 become U+FFFD.
namespace detail {
inline std::optional<Error> notText(const char *pointer, const std::optional<std::string> &text) {
  if (!text || validUtf8(*text)) return std::nullopt;
  return invalidArgument(std::string("provider message: ") + pointer + ": must be UTF-8 text");
}
} // namespace detail

inline std::optional<Error> fitProviderText(ParsedEvent &r) {
  if (r.reason) r.reason = toValidUtf8(*r.reason);
  if (!r.event) return std::nullopt;
  PaymentEvent &e = *r.event;
  if (!validUtf8(e.source)) return invalidArgument("provider message: /event/source: must be UTF-8 text");
  if (!validUtf8(e.eventId)) return invalidArgument("provider message: /event/eventId: must be UTF-8 text");
  for (const auto &[pointer, text] :
       {std::pair<const char *, const std::optional<std::string> *>{"/event/orderId", &e.orderId},
        {"/event/orderNumber", &e.orderNumber},
        {"/event/paymentReference", &e.paymentReference}})
    if (auto bad = detail::notText(pointer, *text)) return bad;
  if (e.amount) {
    const std::string &c = e.amount->currency;
    bool code = c.size() == 3;
    for (const char ch : c)
      code = code && ch >= 'A' && ch <= 'Z';
    if (!code)
      return invalidArgument("provider message: /event/amount/currency: '" + toValidUtf8(c.substr(0, 16)) +
                             "' is not an ISO 4217 code (three capitals)");
  }
  if (e.occurredAt) e.occurredAt = utcTimestamp(*e.occurredAt);
  return std::nullopt;
}

inline std::optional<Error> fitProviderText(ShipmentUpdate &r) {
  for (const auto &[pointer, text] :
       {std::pair<const char *, const std::optional<std::string> *>{"/eventId", &r.eventId},
        {"/reference", &r.reference},
        {"/orderId", &r.orderId},
        {"/carrier", &r.carrier},
        {"/trackingNumber", &r.trackingNumber}})
    if (auto bad = detail::notText(pointer, *text)) return bad;
  return std::nullopt;
}
// Answers that carry no provider text.
template <class T> std::optional<Error> fitProviderText(T &) { return std::nullopt; }

} // namespace orders::sdk

#endif
