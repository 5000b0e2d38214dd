#include "events/event_formats.hpp"

#include <json/json.h>

#include <array>
#include <map>
#include <memory>
#include <sstream>

namespace orders::host::events {

namespace {

struct FormatEntry {
  EventFormat format;
  const char *name;
};
constexpr std::array<FormatEntry, 3> kFormats{{{EventFormat::canonical, "canonical"},
                                               {EventFormat::order_created_v1, "order_created_v1"},
                                               {EventFormat::order_lifecycle_v1, "order_lifecycle_v1"}}};

// Writer and reader built once per thread (the relay encodes every row).
std::string write(const Json::Value &v) {
  thread_local const std::unique_ptr<Json::StreamWriter> writer = [] {
    Json::StreamWriterBuilder b;
    b["indentation"] = "";
    return std::unique_ptr<Json::StreamWriter>(b.newStreamWriter());
  }();
  std::ostringstream out;
  writer->write(v, &out);
  return out.str();
}

sdk::Result<Json::Value> parseEnvelope(const std::string &payload) {
  thread_local const std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  Json::Value v;
  std::string errors;
  if (!reader->parse(payload.data(), payload.data() + payload.size(), &v, &errors) || !v.isObject())
    return sdk::invalidArgument("outbox payload is not a JSON object: " + errors);
  for (const char *key : {"id", "type", "occurredAt", "orderId"})
    if (!v[key].isString()) return sdk::invalidArgument(std::string("outbox payload: /") + key + " is missing");
  if (!v["data"].isObject()) return sdk::invalidArgument("outbox payload: /data is missing");
  return v;
}

// Seed 002 (Python order service): order.created on order.events.
Json::Value orderCreatedV1(const Json::Value &env) {
  const Json::Value &d = env["data"];
  Json::Value out(Json::objectValue);
  out["type"] = "order.created";
  out["event_id"] = env["id"];
  out["order_id"] = d["id"];
  out["order_number"] = d["orderNumber"];
  const Json::Value &email = d["customer"]["email"];
  out["user_email"] = email.isString() ? email : d["userId"];
  out["user_id"] = d["userId"];
  out["amount_cents"] = d["totalMinor"];
  out["currency"] = d["currency"];
  Json::Value items(Json::arrayValue);
  for (const Json::Value &i : d["items"]) {
    Json::Value it(Json::objectValue);
    it["product_id"] = i["productId"];
    it["qty"] = i["quantity"];
    it["unit_price_cents"] = i["unitPriceMinor"];
    items.append(it);
  }
  out["items"] = items;
  return out;
}

Json::Value camelItems(const Json::Value &d) {
  Json::Value items(Json::arrayValue);
  for (const Json::Value &i : d["items"]) {
    Json::Value it(Json::objectValue);
    it["productId"] = i["productId"];
    if (i.isMember("variantId")) it["variantId"] = i["variantId"];
    it["sellerId"] = i["sellerId"];
    it["quantity"] = i["quantity"];
    it["unitPriceMinor"] = i["unitPriceMinor"];
    items.append(it);
  }
  return items;
}

// Seed 000 (Go order service): OrderConfirmedEvent once payment is captured.
// Seed 001's status vocabulary (its "confirmed" is our paid).
std::string lifecycleStatus(const std::string &ours) {
  static const std::map<std::string, std::string> names{{"awaiting_payment", "payment_pending"}, {"paid", "confirmed"}};
  auto it = names.find(ours);
  return it == names.end() ? ours : it->second;
}

std::optional<std::string> lifecycleType(const std::string &type) {
  static const std::map<std::string, std::string> names{
      {"order.created", "order.created"},         {"order.status_changed", "order.status_changed"},
      {"order.paid", "order.payment_successful"}, {"order.payment_failed", "order.payment_failed"},
      {"order.cancelled", "order.cancelled"},     {"order.shipped", "order.shipped"},
      {"order.delivered", "order.delivered"},     {"order.refunded", "order.status_changed"}};
  auto it = names.find(type);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

// Seed 001 (Node order service): its seven order.* events.
Json::Value orderLifecycleV1(const Json::Value &env, const std::string &type) {
  const Json::Value &d = env["data"];
  Json::Value out(Json::objectValue);
  out["eventId"] = env["id"];
  out["eventType"] = type;
  out["timestamp"] = env["occurredAt"];
  out["orderId"] = d["id"];
  out["orderNumber"] = d["orderNumber"];
  out["userId"] = d["userId"];
  out["status"] = lifecycleStatus(d["status"].asString());
  if (d["fromStatus"].isString()) out["previousStatus"] = lifecycleStatus(d["fromStatus"].asString());
  if (d["reason"].isString() && !d["reason"].asString().empty()) out["reason"] = d["reason"];
  out["subtotalMinor"] = d["subtotalMinor"];
  out["shippingMinor"] = d["shippingMinor"];
  out["totalMinor"] = d["totalMinor"];
  out["currency"] = d["currency"];
  out["items"] = camelItems(d);
  return out;
}

} // namespace

std::optional<EventFormat> parseEventFormat(std::string_view name) {
  for (const FormatEntry &f : kFormats)
    if (name == f.name) return f.format;
  return std::nullopt;
}

const char *formatName(EventFormat format) {
  for (const FormatEntry &f : kFormats)
    if (f.format == format) return f.name;
  return "unknown";
}

std::vector<std::string> formatNames() {
  std::vector<std::string> out;
  for (const FormatEntry &f : kFormats)
    out.emplace_back(f.name);
  return out;
}

sdk::Result<std::optional<EncodedEvent>> encodeEvent(EventFormat format, const std::string &type,
                                                     const std::string &canonical_payload) {
  if (format == EventFormat::canonical) return std::optional<EncodedEvent>(EncodedEvent{type, canonical_payload});
  std::optional<std::string> out_type;
  if (format == EventFormat::order_created_v1 && type == "order.created") out_type = "order.created";
  if (format == EventFormat::order_lifecycle_v1) out_type = lifecycleType(type);
  if (!out_type) return std::optional<EncodedEvent>();
  auto env = parseEnvelope(canonical_payload);
  if (!env.ok()) return env.error();
  Json::Value value;
  switch (format) {
  case EventFormat::order_created_v1: value = orderCreatedV1(env.value()); break;
  default: value = orderLifecycleV1(env.value(), *out_type); break;
  }
  return std::optional<EncodedEvent>(EncodedEvent{*out_type, write(value)});
}

} // namespace orders::host::events
