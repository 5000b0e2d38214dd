// A stand-in for the reference stack's Inventory service (three-phase stock:
// POST /internal/inventory/{allocate,confirm,release}, allocations known by
// order id, as plugins/inventory/inventory-service speaks it) that keeps
// real state and, while faulty, fails as faulty_peer.hpp describes: the
// order service must still release what it does not keep.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "faulty_peer.hpp"

namespace orders::chaos {

class FaultyInventory {
public:
  FaultyInventory();
  std::string baseUrl() const { return peer_.baseUrl(); }
  void setFaulty(bool faulty) { peer_.setFaulty(faulty); }
  // Allocations by state: "allocated", "confirmed", "released".
  std::map<std::string, std::string> allocations() const;
  int faultsAnswered() const { return peer_.faultsAnswered(); }
  int calls() const { return peer_.calls(); }

private:
  PeerAnswer apply(const PeerCall &call);

  mutable std::mutex mutex_;
  std::map<std::string, std::string> state_; // order id -> state
  FaultyPeer peer_;                          // last: stops serving first
};

} // namespace orders::chaos
