// Outbox rows hold the canonical envelope ({id, type, version, occurredAt,
// orderId, sequence, data}). A publish route picks a format; each format
// turns a canonical event into what one family of neighbours expects, or
// into nothing when that dialect has no such event:
//
//   canonical              every type, the envelope unchanged
//   order_created_v1       seed 002: `order.created` with order_id,
//                          user_email, amount_cents, items[{product_id, qty,
//                          unit_price_cents}]
//   order_lifecycle_v1     seed 001: order.created, order.status_changed,
//                          order.payment_successful, order.payment_failed,
//                          order.cancelled, order.shipped, order.delivered
//
// Their JSON schemas live in schemas/events/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orders/sdk/result.hpp"

namespace orders::host::events {

// Seed 000's ORDER_CONFIRMED moved into its dialect (go-orders/order_confirmed);
// seeds 001 and 002 move theirs when their dialects come.
enum class EventFormat { canonical, order_created_v1, order_lifecycle_v1 };

std::optional<EventFormat> parseEventFormat(std::string_view name);
const char *formatName(EventFormat format);
std::vector<std::string> formatNames();

struct EncodedEvent {
  std::string type;  // the event-type header
  std::string value; // the message value (JSON)
};

// nullopt when `format` has no event for `type`; invalid_argument when the
// payload is not a canonical envelope.
sdk::Result<std::optional<EncodedEvent>> encodeEvent(EventFormat format, const std::string &type,
                                                     const std::string &canonical_payload);

} // namespace orders::host::events
