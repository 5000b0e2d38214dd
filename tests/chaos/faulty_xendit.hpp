// A stand-in for Xendit's Invoice API as plugins/payment/xendit speaks it
// (POST /v2/invoices, GET /v2/invoices?external_id=, GET /v2/invoices/{id},
// POST /invoices/{id}/expire!) that keeps its invoices and, while faulty,
// fails as faulty_peer.hpp describes. Like Xendit, it makes a new invoice
// for every POST, whatever its external_id: only the caller's lookup keeps
// an order from getting two.
#pragma once

#include <json/json.h>

#include <mutex>
#include <string>
#include <vector>

#include "faulty_peer.hpp"

namespace orders::chaos {

struct Invoice {
  std::string id;
  std::string external_id;
  std::string status; // PENDING, EXPIRED
  Json::Value json;   // as answered (status kept equal)
};

class FaultyXendit {
public:
  // The plugin's secret key is "xnd_test_chaos" (sent as HTTP Basic user).
  static constexpr const char *kSecretKey = "xnd_test_chaos";
  FaultyXendit();
  std::string baseUrl() const { return peer_.baseUrl(); }
  void setFaulty(bool faulty) { peer_.setFaulty(faulty); }
  std::vector<Invoice> invoices() const;
  int faultsAnswered() const { return peer_.faultsAnswered(); }
  int calls() const { return peer_.calls(); }

private:
  PeerAnswer apply(const PeerCall &call);
  Invoice *find(const std::string &id);

  mutable std::mutex mutex_;
  std::vector<Invoice> invoices_;
  FaultyPeer peer_; // last: stops serving first
};

} // namespace orders::chaos
