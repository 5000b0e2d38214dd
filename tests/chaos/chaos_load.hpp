// Chaos support: a fleet of real order-service processes on one database,
// checkout load from clients that behave like real ones (one Idempotency-Key
// per intended order, retried on 503, 409 in-progress and broken
// connections, against whichever replica is up), and the invariants read
// back from the database afterwards.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../e2e/server_process.hpp"

namespace orders::chaos {

using Clock = std::chrono::steady_clock;

// The replicas clients spread over; one may be killed and replaced at any time.
class Fleet {
public:
  Fleet(const e2e::TestDatabase &db, e2e::ServerOptions options, int replicas);
  ~Fleet();

  // Sends to the next replica that is up (round robin).
  e2e::Reply send(const std::string &user, const std::string &path, const std::string &body,
                  const std::map<std::string, std::string> &headers);
  // SIGKILLs replica `i`, then starts a new one in its place (another port).
  void killAndReplace(size_t i);
  size_t size() const;
  // Replicas that exited without being killed by us.
  int crashes();
  std::string logs() const;
  // An admin GET on any live replica.
  e2e::Reply get(const std::string &path);

private:
  const e2e::TestDatabase &db_;
  e2e::ServerOptions options_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<e2e::ServerProcess>> servers_;
  std::vector<std::shared_ptr<e2e::ServerProcess>> retired_; // killed by us: kept for their logs
  std::atomic<size_t> next_{0};
  int crashes_ = 0;
};

struct KeyOutcome {
  std::vector<std::string> order_ids; // from the first 201
  bool duplicate = false;             // a later 201 named other orders
  bool resolved = false;
};

// Checkout load from `clients` threads until stop(); every reply counted.
class Load {
public:
  // Each checkout buys one unit of `sku`; `pace`: each client starts a new
  // checkout at most that often (0: as fast as answers come).
  // `one_buyer`: every client thread is the same buyer (its connections).
  Load(Fleet &fleet, int clients, const std::string &prefix, std::string sku = "sku-mug",
       std::chrono::milliseconds pace = std::chrono::milliseconds(0), bool one_buyer = false);
  ~Load();
  void stop();
  // Retries every key that has no 201 yet until it gets one, for at most `within`.
  void resolve(std::chrono::seconds within);

  int created() const { return created_.load(); }
  int unavailable() const { return unavailable_.load(); }
  int in_progress() const { return in_progress_.load(); }
  int connection_errors() const { return connection_errors_.load(); }
  int rate_limited() const { return rate_limited_.load(); }
  std::map<std::string, int> unexpected() const;
  std::map<std::string, KeyOutcome> outcomes() const;
  // First 201 at or after `t` (max() if none yet).
  Clock::time_point firstCreatedAfter(Clock::time_point t) const;
  bool waitCreated(int n, std::chrono::seconds timeout) const;
  double p99Ms() const;
  std::string summary() const;

private:
  void run(int client);
  // One attempt; true when the key is settled (201 or a final error).
  bool attempt(int client, const std::string &key);

  Fleet &fleet_;
  std::string prefix_;
  std::string sku_;
  std::atomic<bool> running_{true};
  std::chrono::milliseconds pace_;
  bool one_buyer_;
  std::atomic<int> created_{0}, unavailable_{0}, in_progress_{0}, connection_errors_{0}, rate_limited_{0};
  mutable std::mutex mutex_;
  std::map<std::string, KeyOutcome> keys_;
  std::map<std::string, int> unexpected_;
  std::vector<Clock::time_point> created_at_;
  std::vector<double> latencies_ms_;
  std::vector<std::thread> threads_;
};

// What the database says after the run.
struct Invariants {
  int keys = 0;         // keys the clients sent
  int acknowledged = 0; // keys answered 201
  int unresolved = 0;   // keys that never got a 201 (not even after resolve)
  int lost = 0;         // acknowledged orders missing or cancelled
  int duplicates = 0;   // a key answered with two different orders
  int orphans = 0;      // live orders no key was answered with
  int stock_drift = 0;  // units out of the stock minus units in live orders
  int half_done = 0;    // checkouts still running / reservations still pending
  std::string half_done_detail;
  bool ok() const {
    return unresolved == 0 && lost == 0 && duplicates == 0 && orphans == 0 && stock_drift == 0 && half_done == 0;
  }
  std::string describe() const;
};

// Waits (up to `within`) for the sweeps to finish every half-done saga, then
// reads the invariants over every load. Every order is one unit of one
// product; `stock` is the initial local stock of sku-mug, which is checked
// against the live orders of sku-mug.
Invariants check(const e2e::TestDatabase &db, const std::vector<const Load *> &loads, int stock,
                 std::chrono::seconds within);

} // namespace orders::chaos
