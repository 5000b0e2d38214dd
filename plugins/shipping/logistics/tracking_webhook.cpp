// shipping/logistics: verifying and reading tracking callbacks.
#include "tracking_webhook.hpp"

#include <initializer_list>

#include "http_util.hpp"
#include "orders/sdk/crypto.hpp"
#include "provider_wire.hpp"

namespace orders::plugins::shipping::logistics {

using namespace orders::sdk;

namespace {

// The header `lower_name` of `message` (names are lower-case from the host;
// other spellings are matched case-insensitively too), or nullptr.
const std::string *headerOf(const InboundMessage &message, const std::string &lower_name) {
  auto exact = message.headers.find(lower_name);
  if (exact != message.headers.end()) return &exact->second;
  for (const auto &[name, value] : message.headers)
    if (lowerAscii(name) == lower_name) return &value;
  return nullptr;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// A text field of the body: nullopt when not configured, absent, null or "".
// With `ids`, integers are read as their digits (ids, timestamps).
Result<std::optional<std::string>> textAt(const Json::Value &root, const std::optional<JsonPointer> &pointer,
                                          bool ids) {
  if (!pointer) return std::optional<std::string>();
  const Json::Value *value = pointer->find(root);
  if (value == nullptr || value->isNull()) return std::optional<std::string>();
  std::optional<std::string> text = ids ? idText(*value) : std::nullopt;
  if (value->isString()) text = value->asString();
  if (!text)
    return invalidArgument(pointer->text() +
                           (ids ? ": expected string, integer or null, got " : ": expected string or null, got ") +
                           typeName(*value));
  if (text->empty()) return std::optional<std::string>();
  return text;
}

} // namespace

Status TrackingWebhook::authenticate(const InboundMessage &message, std::string_view body) const {
  if (!enabled()) return unauthenticated("webhooks are disabled: set webhook_secret or signature_secret");
  if (auth_.secret) {
    const std::string *given = headerOf(message, auth_.secret_header);
    if (given != nullptr && orders::sdk::crypto::constantTimeEquals(*given, *auth_.secret)) return Status();
  }
  if (auth_.key) {
    const std::string *given = headerOf(message, auth_.signature_header);
    if (given != nullptr && signatureMatches(*given, body)) return Status();
  }
  std::string expected;
  if (auth_.secret) expected = auth_.secret_header;
  if (auth_.key) expected += (expected.empty() ? "" : " or ") + auth_.signature_header;
  return unauthenticated("missing or wrong " + expected);
}

// "<64 hex>" or "sha256=<64 hex>", either case, compared in constant time.
bool TrackingWebhook::signatureMatches(const std::string &header_value, std::string_view body) const {
  std::string given = lowerAscii(std::string(trimmed(header_value)));
  if (given.rfind("sha256=", 0) == 0) given.erase(0, 7);
  return sdk::crypto::constantTimeEquals(given, sdk::crypto::hmacSha256Hex(*auth_.key, body));
}

Result<ShipmentUpdate> TrackingWebhook::parse(std::string_view body) const {
  auto parsed = orders::common::parseObjectBody(body);
  if (!parsed.ok()) return parsed.error();
  const Json::Value root = std::move(parsed).value();

  auto status = textAt(root, fields_.status, false);
  if (!status.ok()) return status.error();
  if (!status.value()) return invalidArgument(fields_.status->text() + ": is required");
  ShipmentUpdate out;
  auto mapped = fields_.status_map.find(upperAscii(*status.value()));
  if (mapped == fields_.status_map.end()) {
    out.outcome = wireName(EventOutcome::ignored); // not a status the order follows (e.g. PICKED_UP, RETURNED)
    return out;
  }

  auto reference = textAt(root, fields_.reference, true);
  if (!reference.ok()) return reference.error();
  auto order_id = textAt(root, fields_.order_id, true);
  if (!order_id.ok()) return order_id.error();
  auto seller_id = textAt(root, fields_.seller_id, true);
  if (!seller_id.ok()) return seller_id.error();
  if (!reference.value() && !order_id.value()) {
    std::string names;
    for (const std::optional<JsonPointer> *p : {&fields_.reference, &fields_.order_id})
      if (p->has_value()) names += (names.empty() ? "" : " or ") + (*p)->text();
    return invalidArgument(names + ": is required (the update names no shipment)");
  }
  auto carrier = textAt(root, fields_.carrier, false);
  if (!carrier.ok()) return carrier.error();
  auto tracking = textAt(root, fields_.tracking_number, false);
  if (!tracking.ok()) return tracking.error();
  auto event_id = textAt(root, fields_.event_id, true);
  if (!event_id.ok()) return event_id.error();
  auto occurred_at = textAt(root, fields_.occurred_at, true);
  if (!occurred_at.ok()) return occurred_at.error();

  out.outcome = wireName(EventOutcome::event);
  // Without a reference the shipment is the order's lines of the named seller (house brand when none).
  out.reference = reference.value() ? *reference.value() : referenceFor(*order_id.value(), seller_id.value());
  out.orderId = order_id.value();
  out.status = wireName(mapped->second);
  out.carrier = carrier.value();
  out.trackingNumber = tracking.value();
  // The same callback delivered twice carries the same event id, so the core applies it once.
  out.eventId = event_id.value() ? *event_id.value()
                                 : *out.reference + ":" + *status.value() +
                                       (occurred_at.value() ? ":" + *occurred_at.value() : std::string());
  return out;
}

} // namespace orders::plugins::shipping::logistics
