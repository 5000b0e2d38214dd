// shipping/logistics: shipment references, and the tracking callbacks the
// logistics service posts to /hooks/shipping/<instance>: who may send them
// (a shared secret header, or an HMAC-SHA256 of the raw body) and how their
// JSON becomes an sdk::ShipmentUpdate.
//
// Thread-safety: TrackingWebhook is immutable after construction; its
// methods may run concurrently.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "orders/sdk/contract.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/messages.hpp"

namespace orders::plugins::shipping::logistics {

using orders::sdk::JsonPointer;

// The reference of the shipment of `order_id`'s lines of `seller_id`
// ("house" for house-brand lines): "shp_<order id>_<seller id|house>". The
// same (order, seller) always gets the same reference, so a retried
// createShipment records the same shipment.
inline std::string referenceFor(const std::string &order_id, const std::optional<std::string> &seller_id) {
  return "shp_" + order_id + "_" + (seller_id && !seller_id->empty() ? *seller_id : std::string("house"));
}

// The seller a reference made by referenceFor names, or nullopt for
// house-brand shipments and references of another shape.
inline std::optional<std::string> sellerOfReference(const std::string &reference, const std::string &order_id) {
  const std::string prefix = "shp_" + order_id + "_";
  if (order_id.empty() || reference.size() <= prefix.size() || reference.rfind(prefix, 0) != 0) return std::nullopt;
  std::string seller = reference.substr(prefix.size());
  if (seller == "house") return std::nullopt;
  return seller;
}

struct WebhookAuth {
  std::optional<std::string> secret; // webhook_secret's value: the header must equal it
  std::string secret_header;         // lower-case
  std::optional<std::string> key;    // signature_secret's value: the HMAC-SHA256 key
  std::string signature_header;      // lower-case
};

// Pointers into one callback body; nullopt = not read.
struct WebhookFields {
  std::optional<JsonPointer> status; // always set
  std::optional<JsonPointer> reference, order_id, seller_id, carrier, tracking_number, event_id, occurred_at;
  std::map<std::string, sdk::ShipmentStatus> status_map; // upper-case provider status -> shipped | delivered
};

class TrackingWebhook {
public:
  TrackingWebhook(WebhookAuth auth, WebhookFields fields) : auth_(std::move(auth)), fields_(std::move(fields)) {}

  // False when neither a secret nor a signature key is configured: every
  // callback is then refused.
  bool enabled() const noexcept { return auth_.secret.has_value() || auth_.key.has_value(); }

  // OK when the message carries the shared secret or a valid signature of
  // `body` (either configured method suffices); unauthenticated otherwise.
  sdk::Status authenticate(const sdk::InboundMessage &message, std::string_view body) const;

  // The update a verified body reports: outcome "event" for a status in
  // status_map, "ignored" for any other status. invalid_argument naming the
  // pointer when the body is malformed.
  sdk::Result<sdk::ShipmentUpdate> parse(std::string_view body) const;

private:
  bool signatureMatches(const std::string &header_value, std::string_view body) const;

  const WebhookAuth auth_;
  const WebhookFields fields_;
};

} // namespace orders::plugins::shipping::logistics
