#include "faulty_inventory.hpp"

namespace orders::chaos {

FaultyInventory::FaultyInventory()
    : peer_("Authorization", "Bearer chaos-token", std::chrono::milliseconds(1500), 20261206,
            [this](const PeerCall &call) { return apply(call); }) {}

std::map<std::string, std::string> FaultyInventory::allocations() const {
  std::lock_guard lock(mutex_);
  return state_;
}

PeerAnswer FaultyInventory::apply(const PeerCall &call) {
  const Json::Value body = call.json();
  if (!body["orderId"].isString()) return {400, "{\"error\":\"bad request\"}"};
  const std::string order = body["orderId"].asString();
  std::lock_guard lock(mutex_);
  std::string &state = state_[order];
  if (call.uri == "/internal/inventory/allocate") {
    if (state.empty() || state == "released") state = "allocated"; // replays of an allocation are no-ops
    return {200, "{\"orderId\":\"" + order + "\",\"status\":\"allocated\"}"};
  }
  if (call.uri == "/internal/inventory/confirm") {
    if (state != "allocated" && state != "confirmed") return {409, "{\"error\":\"not allocated\"}"};
    state = "confirmed";
    return {200, "{\"orderId\":\"" + order + "\",\"status\":\"confirmed\"}"};
  }
  if (call.uri == "/internal/inventory/release") {
    if (state == "confirmed") return {409, "{\"error\":\"allocation_confirmed\"}"};
    if (state.empty())
      state_.erase(order); // nothing was allocated: nothing to remember
    else
      state = "released";
    return {200, "{\"orderId\":\"" + order + "\",\"status\":\"released\"}"};
  }
  state_.erase(order);
  return {404, "{\"error\":\"no such route\"}"};
}

} // namespace orders::chaos
