#include "faulty_shipping.hpp"

#include <Poco/Net/HTTPServerRequest.h>

namespace orders::chaos {

namespace {
std::string answerOf(const std::string &id, const ShipmentAtPeer &s) {
  return "{\"id\":\"" + id + "\",\"order_id\":\"" + s.order_id + "\",\"status\":\"" + s.status +
         "\",\"carrier\":null,\"tracking_number\":null}";
}
} // namespace

FaultyShipping::FaultyShipping()
    : peer_("X-Internal-Key", kInternalKey, std::chrono::milliseconds(1500), 20261208,
            [this](const PeerCall &call) { return apply(call); }) {}

std::map<std::string, ShipmentAtPeer> FaultyShipping::shipments() const {
  std::lock_guard lock(mutex_);
  return shipments_;
}

PeerAnswer FaultyShipping::apply(const PeerCall &call) {
  const std::string create = "/shipping/v1/shipments";
  std::lock_guard lock(mutex_);
  if (call.method == "POST" && call.uri == create) {
    const Json::Value body = call.json();
    if (!body["order_id"].isString()) return {422, "{\"detail\":\"order_id is required\"}"};
    const std::string key = call.request.get("Idempotency-Key", "");
    if (key.empty()) return {422, "{\"detail\":\"Idempotency-Key is required\"}"};
    auto known = by_key_.find(key);
    if (known != by_key_.end()) return {200, answerOf(known->second, shipments_.at(known->second))};
    const std::string id = "shp-" + std::to_string(shipments_.size() + 1);
    by_key_[key] = id;
    const ShipmentAtPeer &made = shipments_[id] = {body["order_id"].asString(), "draft"};
    return {201, answerOf(id, made)};
  }
  const std::string cancel = "/cancel";
  if (call.method == "POST" && call.uri.rfind(create + "/", 0) == 0 &&
      call.uri.size() > create.size() + 1 + cancel.size() &&
      call.uri.compare(call.uri.size() - cancel.size(), cancel.size(), cancel) == 0) {
    auto it = shipments_.find(call.uri.substr(create.size() + 1, call.uri.size() - create.size() - 1 - cancel.size()));
    if (it == shipments_.end()) return {404, "{\"detail\":\"no such shipment\"}"};
    it->second.status = "cancelled";
    return {200, answerOf(it->first, it->second)};
  }
  return {404, "{\"detail\":\"no such route\"}"};
}

} // namespace orders::chaos
