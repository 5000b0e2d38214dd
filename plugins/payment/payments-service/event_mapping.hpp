// payment/payments-service: one payment message (a Kafka message value or a
// webhook body, JSON) -> orders::sdk::ParsedEvent.
//
// The message's type (at a JSON pointer, else a header) picks the canonical
// event type from a configured table; a type the table lacks is "ignored".
// Ids, amount and currency are found by configured JSON pointers; amounts are
// exact (read from the text the producer wrote, never through a double).
// Errors are invalid_argument naming the pointer, so the host dead-letters
// the message.
//
// Thread-safety: free functions on values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orders/sdk/contract.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/messages.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/wire.hpp"

namespace orders::plugins::payment {

using orders::sdk::DecimalError;
using orders::sdk::decimalToMinor;
using orders::sdk::defaultCurrencyExponents;
using orders::sdk::JsonPointer;
using orders::sdk::numberText;

struct EventMapping {
  JsonPointer type;                                   // where the message names its type
  std::vector<std::string> type_headers;              // lower-case; read when `type` is absent
  std::map<std::string, sdk::PaymentEventType> types; // message type -> the canonical event type
  std::vector<JsonPointer> event_id;                  // first present wins; required
  std::vector<JsonPointer> order_id;                  // required
  std::vector<JsonPointer> payment_id;                // optional
  std::vector<JsonPointer> order_number;              // optional
  JsonPointer amount_minor;
  std::optional<JsonPointer> amount_major; // when set: read instead of amount_minor, in major units
  JsonPointer currency;
  JsonPointer occurred_at;
  std::map<std::string, int> exponents; // decimal places per currency, for major units
  // false: the service never says what was paid; events without an amount
  // are marked amountNotReported (the host then takes them as they are).
  bool amounts_reported = true;
};

// Defaults of config.schema.json's event_types (message type -> the contract's word).
std::map<std::string, std::string> defaultEventTypes();

using sdk::wire::typeName; // "null", "number", "string", "boolean", "array" or "object"

// An identifier: a string as is, an integer in decimal; nullopt otherwise.
using sdk::wire::idText;

// Translates `payload`. `source` becomes PaymentEvent::source (the instance id).
sdk::Result<sdk::ParsedEvent> translateEvent(const EventMapping &mapping, const std::string &source,
                                             const sdk::InboundMessage &message, std::string_view payload);

} // namespace orders::plugins::payment
