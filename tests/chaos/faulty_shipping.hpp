// A stand-in for a Shipping service as plugins/shipping/shipping-service
// speaks it (POST /shipping/v1/shipments with an Idempotency-Key, POST
// /shipping/v1/shipments/{id}/cancel) that keeps its shipments and, while
// faulty, fails as faulty_peer.hpp describes. A repeated key answers the
// shipment it made first, as a service honouring Idempotency-Key does.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "faulty_peer.hpp"

namespace orders::chaos {

struct ShipmentAtPeer {
  std::string order_id;
  std::string status; // draft, cancelled
};

class FaultyShipping {
public:
  static constexpr const char *kInternalKey = "chaos-shipping-key"; // X-Internal-Key
  FaultyShipping();
  std::string baseUrl() const { return peer_.baseUrl(); }
  void setFaulty(bool faulty) { peer_.setFaulty(faulty); }
  // By shipment id.
  std::map<std::string, ShipmentAtPeer> shipments() const;
  int faultsAnswered() const { return peer_.faultsAnswered(); }
  int calls() const { return peer_.calls(); }

private:
  PeerAnswer apply(const PeerCall &call);

  mutable std::mutex mutex_;
  std::map<std::string, ShipmentAtPeer> shipments_;
  std::map<std::string, std::string> by_key_; // Idempotency-Key -> shipment id
  FaultyPeer peer_;                           // last: stops serving first
};

} // namespace orders::chaos
