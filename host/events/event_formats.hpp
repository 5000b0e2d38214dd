// Outbox rows hold the canonical envelope ({id, type, version, occurredAt,
// orderId, sequence, data}). A publish route picks a format: the host's own
// is `canonical` (every type, the envelope unchanged; its JSON schema in
// schemas/events/); every seed's format is its dialect's
// ("<dialect id>/<format>", PublishRoute::dialect_encoder).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orders/sdk/result.hpp"

namespace orders::host::events {

// Seed 000's ORDER_CONFIRMED, seed 001's order.* lifecycle events and seed
// 002's order.created moved into their dialects (go-orders/order_confirmed,
// express-orders/order_lifecycle, fastapi-shop/order_created).
enum class EventFormat { canonical };

std::optional<EventFormat> parseEventFormat(std::string_view name);
const char *formatName(EventFormat format);
std::vector<std::string> formatNames();

struct EncodedEvent {
  std::string type;               // the event-type header
  std::string value;              // the message value (JSON)
  std::optional<std::string> key; // the message key; absent: the order id (a dialect's must be one per order)
};

// The message of an event in `format` (nullopt: the format has none for
// `type`).
sdk::Result<std::optional<EncodedEvent>> encodeEvent(EventFormat format, const std::string &type,
                                                     const std::string &canonical_payload);

} // namespace orders::host::events
