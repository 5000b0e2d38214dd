// notifier/webhook: the JSON body and signature of one notification.
// Header-only. Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>

#include "orders/sdk/crypto.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/notify_template.hpp"

namespace orders::plugins::notifier {

using namespace orders::sdk::notice;

// Built-in `message` templates (used when the config has no `templates`).
inline std::map<std::string, std::string> defaultWebhookTemplates() {
  return {
      {"order.created", "Order {orderNumber} placed ({total})"}, {"order.paid", "Order {orderNumber} paid ({total})"},
      {"order.shipped", "Order {orderNumber} shipped"},          {"order.delivered", "Order {orderNumber} delivered"},
      {"order.cancelled", "Order {orderNumber} cancelled"},
  };
}

// {"event", "eventId", "occurredAt", "order", "message"} as compact JSON;
// absent eventId/occurredAt are null.
inline std::string webhookBody(const sdk::Notification &n, const std::string &message_template) {
  Json::Value body(Json::objectValue);
  body["event"] = n.event;
  body["eventId"] = n.eventId ? Json::Value(*n.eventId) : Json::Value();
  body["occurredAt"] = n.occurredAt ? Json::Value(*n.occurredAt) : Json::Value();
  body["order"] = sdk::toJson(n.order);
  body["message"] = render(message_template, placeholders(n));
  return sdk::writeJson(body);
}

// "sha256=<lower-case hex HMAC-SHA256 of the exact body under the secret>".
inline std::string signatureHeader(const std::string &secret, const std::string &body) {
  return "sha256=" + sdk::crypto::hmacSha256Hex(secret, body);
}

} // namespace orders::plugins::notifier
