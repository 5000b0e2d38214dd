// A stand-in for the reference stack's Inventory service (three-phase stock:
// POST /internal/inventory/{allocate,confirm,release}, allocations known by
// order id, as plugins/inventory/inventory-service speaks it) that keeps
// real state and, while faulty, answers at random with 503, 500, a delay past
// the caller's timeout, a body that is not JSON, or a connection cut in the
// middle of the answer. Some faults strike after the operation was applied
// (the answer is lost, the allocation is not): the order service must still
// release what it does not keep.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class HTTPServerRequest;
class HTTPServerResponse;
} // namespace Net
} // namespace Poco

namespace orders::chaos {

class FaultyInventory {
public:
  FaultyInventory();
  ~FaultyInventory();
  std::string baseUrl() const;

  void setFaulty(bool faulty) { faulty_ = faulty; }
  // Allocations by state: "allocated", "confirmed", "released".
  std::map<std::string, std::string> allocations() const;
  int faultsAnswered() const { return faults_.load(); }
  int calls() const { return calls_.load(); }

  void handle(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res);

private:
  enum class Fault { none, unavailable, internal, slow, garbage, cut };
  Fault pick();

  mutable std::mutex mutex_;
  std::map<std::string, std::string> state_; // order id -> state
  std::mt19937 rng_{20261206};
  std::atomic<bool> faulty_{false};
  std::atomic<int> faults_{0}, calls_{0};
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
};

} // namespace orders::chaos
