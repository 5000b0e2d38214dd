#include "webhook.hpp"

#include <charconv>
#include <vector>

#include "orders/sdk/contract.hpp"
#include "orders/sdk/crypto.hpp"
#include "provider_wire.hpp"
#include "stripe_api.hpp"

namespace orders::plugins::payment::stripe {

using namespace orders::sdk;
using orders::common::ignoredEvent;
using orders::common::memberOf;
using orders::common::optionalObject;
using orders::common::optionalString;
using orders::common::requiredInteger;
using orders::common::requiredString;

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return std::string(s);
}

} // namespace

Status verifySignature(const Settings &s, const std::string &header, std::string_view body, int64_t now_unix_s) {
  if (header.empty()) return unauthenticated("missing Stripe-Signature");
  std::optional<std::string> timestamp;
  std::vector<std::string> signatures;
  size_t start = 0;
  while (start <= header.size()) {
    const size_t comma = std::min(header.find(',', start), header.size());
    const std::string item = trim(std::string_view(header).substr(start, comma - start));
    start = comma + 1;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = item.substr(0, eq);
    if (key == "t" && !timestamp)
      timestamp = item.substr(eq + 1);
    else if (key == "v1")
      signatures.push_back(item.substr(eq + 1));
  }
  if (!timestamp) return unauthenticated("Stripe-Signature has no timestamp (t=)");
  if (signatures.empty()) return unauthenticated("Stripe-Signature has no v1 signature");
  int64_t t = 0;
  const auto parsed = std::from_chars(timestamp->data(), timestamp->data() + timestamp->size(), t);
  if (parsed.ec != std::errc() || parsed.ptr != timestamp->data() + timestamp->size())
    return unauthenticated("Stripe-Signature timestamp '" + *timestamp + "' is not a number");

  const std::string expected = sdk::crypto::hmacSha256Hex(s.webhook_secret, *timestamp + "." + std::string(body));
  bool match = false;
  for (const std::string &candidate : signatures) // every one, so timing tells nothing of which matched
    match = orders::sdk::crypto::constantTimeEquals(candidate, expected) || match;
  if (!match) return unauthenticated("no Stripe-Signature v1 signature matches");
  // Checked after the signature: a forged header learns nothing about the clock.
  const int64_t age = now_unix_s - t;
  if (age > s.tolerance_seconds || -age > s.tolerance_seconds)
    return unauthenticated("Stripe-Signature timestamp " + *timestamp + " is " + std::to_string(age) +
                           " s from now, outside the tolerance of " + std::to_string(s.tolerance_seconds) + " s");
  return Status();
}

Result<ParsedEvent> parseStripeEvent(const Settings &s, const std::string &source, std::string_view body) {
  auto parsed = orders::common::parseObjectBody(body);
  if (!parsed.ok()) return parsed.error();
  const Json::Value root = std::move(parsed).value();
  auto id = requiredString(root, "id", "");
  if (!id.ok()) return id.error();
  auto type = requiredString(root, "type", "");
  if (!type.ok()) return type.error();
  const std::string &t = type.value();

  std::optional<PaymentEventType> event_type;
  if (t == "payment_intent.succeeded") event_type = PaymentEventType::paid;
  if (t == "payment_intent.payment_failed" || t == "payment_intent.canceled") event_type = PaymentEventType::failed;
  if (t == "charge.refunded") event_type = PaymentEventType::refunded;
  if (!event_type) return ignoredEvent("Stripe event " + id.value() + " of type '" + t + "' is not handled");

  auto data = optionalObject(root, "data", "");
  if (!data.ok()) return data.error();
  if (data.value() == nullptr) return invalidArgument("/data: is required");
  auto object = optionalObject(*data.value(), "object", "/data");
  if (!object.ok()) return object.error();
  if (object.value() == nullptr) return invalidArgument("/data/object: is required");
  const Json::Value &o = *object.value();
  const std::string at = "/data/object";

  auto metadata = optionalObject(o, "metadata", at);
  if (!metadata.ok()) return metadata.error();
  const Json::Value no_metadata(Json::objectValue);
  const Json::Value &meta = metadata.value() != nullptr ? *metadata.value() : no_metadata;
  auto order_id = optionalString(meta, "order_id", at + "/metadata");
  if (!order_id.ok()) return order_id.error();
  auto order_number = optionalString(meta, "order_number", at + "/metadata");
  if (!order_number.ok()) return order_number.error();

  PaymentEvent event;
  event.source = source;
  event.eventId = id.value();
  event.type = wireName(*event_type);
  if (order_id.value() && !order_id.value()->empty()) event.orderId = order_id.value();
  if (order_number.value() && !order_number.value()->empty()) event.orderNumber = order_number.value();
  if (const Json::Value *created = memberOf(root, "created"); created != nullptr && created->isInt64())
    event.occurredAt = orders::common::rfc3339FromUnix(created->asInt64());

  auto currency = requiredString(o, "currency", at);
  if (!currency.ok()) return currency.error();
  if (event_type == PaymentEventType::refunded) {
    // A charge: its PaymentIntent is the payment's reference.
    auto intent = optionalString(o, "payment_intent", at);
    if (!intent.ok()) return intent.error();
    if (!intent.value() || intent.value()->empty())
      return ignoredEvent("charge without a payment_intent (not made by this service)");
    const Json::Value *refunded = memberOf(o, "refunded");
    if (refunded == nullptr || !refunded->isBool()) return invalidArgument(at + "/refunded: expected boolean");
    if (!refunded->asBool())
      return ignoredEvent("charge of " + *intent.value() + " is only partly refunded; the order stays as it is");
    event.paymentReference = intent.value();
    auto amount = requiredInteger(o, "amount_refunded", at);
    if (!amount.ok()) return amount.error();
    auto money = fromStripeAmount(s, amount.value(), currency.value(), at);
    if (!money.ok()) return money.error();
    event.amount = std::move(money).value();
  } else {
    auto intent = requiredString(o, "id", at);
    if (!intent.ok()) return intent.error();
    if (!event.orderId)
      return ignoredEvent("PaymentIntent " + intent.value() + " has no metadata.order_id (another system's?)");
    event.paymentReference = intent.value();
    if (event_type == PaymentEventType::paid) {
      auto amount = requiredInteger(o, "amount_received", at);
      if (!amount.ok()) return amount.error();
      auto money = fromStripeAmount(s, amount.value(), currency.value(), at);
      if (!money.ok()) return money.error();
      event.amount = std::move(money).value();
    }
  }
  ParsedEvent out;
  out.outcome = wireName(EventOutcome::event);
  out.event = std::move(event);
  return out;
}

} // namespace orders::plugins::payment::stripe
