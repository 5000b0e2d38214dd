// The fault-injecting half of the chaos stand-ins for neighbour services
// (faulty_inventory, faulty_xendit, faulty_shipping): an HTTP server on a
// free port that hands each call to its owner's `apply` and, while faulty,
// answers at random with 503 or 500 (before applying), or applies the call
// and then answers later than the caller's timeout, with an HTML 502, or
// cuts the connection in the middle of the answer. After those three the
// stand-in holds state the caller never heard about: the order service must
// find it again or undo it.
//
// Thread-safety: `apply` runs on the server's threads, concurrently; the
// owner guards its own state. Declare the FaultyPeer as the owner's last
// member, so it stops serving before the state it calls into is destroyed.
#pragma once

#include <json/json.h>

#include <atomic>
#include <chrono>
#include <functional>
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

struct PeerCall {
  std::string method;
  std::string uri; // path and query
  std::string body;
  const Poco::Net::HTTPServerRequest &request; // for headers
  // The body as JSON; null when it is not JSON.
  Json::Value json() const;
};

struct PeerAnswer {
  int status = 200;
  std::string body; // JSON
};

class FaultyPeer {
public:
  using Apply = std::function<PeerAnswer(const PeerCall &)>;
  // Every call must carry `auth_header: auth_value` (401 otherwise; "" for
  // no check). `late`: how long the slow fault waits, past the caller's
  // http timeout. `seed`: each stand-in its own random sequence.
  FaultyPeer(std::string auth_header, std::string auth_value, std::chrono::milliseconds late, uint32_t seed,
             Apply apply);
  ~FaultyPeer();
  FaultyPeer(const FaultyPeer &) = delete;
  FaultyPeer &operator=(const FaultyPeer &) = delete;

  std::string baseUrl() const;
  void setFaulty(bool faulty) { faulty_ = faulty; }
  int faultsAnswered() const { return faults_.load(); }
  int calls() const { return calls_.load(); }

  void handle(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res);

private:
  enum class Fault { none, unavailable, internal, slow, garbage, cut };
  Fault pick();

  const std::string auth_header_, auth_value_;
  const std::chrono::milliseconds late_;
  const Apply apply_;
  std::mutex rng_mutex_;
  std::mt19937 rng_;
  std::atomic<bool> faulty_{false};
  std::atomic<int> faults_{0}, calls_{0};
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
};

} // namespace orders::chaos
