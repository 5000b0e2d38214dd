// A real HTTP peer: a Poco server on 127.0.0.1:0 that records every request
// and answers from a script (per method + path: status, headers, body,
// optional delay). Stands in for Catalog, Inventory, Shipping, Xendit... in
// integration tests and in the conformance kit (order-service-conformance).
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
} // namespace Poco

namespace orders::testing {

struct PeerRequest {
  std::string method;
  std::string uri;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
};

struct PeerReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};
  // Runs in the peer's handler thread after the request was recorded and
  // before the answer goes out: a test holds a call "in flight" here (e.g.
  // waits on a future it fulfils once it has raced something against it).
  std::function<void()> hold;
};

class HttpPeer {
public:
  HttpPeer();
  ~HttpPeer();

  uint16_t port() const { return port_; }
  std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Replies for method + path (query ignored), used in order; the last repeats.
  void on(const std::string &method, const std::string &path, PeerReply reply);
  void then(const std::string &method, const std::string &path, PeerReply reply);

  // While set, every request gets `reply` whatever the script says (faults:
  // a 503 for all, a delay past the caller's budget, a body that is not JSON).
  void answerAll(std::optional<PeerReply> reply);
  // Forgets the recorded requests (the script stays).
  void clearRequests();

  std::vector<PeerRequest> requests() const;
  size_t count(const std::string &method, const std::string &path) const;

  // Called by the handler.
  PeerReply answer(const PeerRequest &request);

private:
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<PeerReply>> script_;
  std::optional<PeerReply> all_;
  std::vector<PeerRequest> requests_;
  std::unique_ptr<Poco::ThreadPool> pool_; // declared before server_: outlives it
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
};

// A free TCP port on 127.0.0.1 that nothing listens on right now.
uint16_t unusedPort();

// The requests `peer` received for `method` and `path` (query ignored), in
// arrival order.
inline std::vector<PeerRequest> requestsTo(const HttpPeer &peer, const std::string &method, const std::string &path) {
  std::vector<PeerRequest> out;
  for (const PeerRequest &r : peer.requests())
    if (r.method == method && r.uri.substr(0, r.uri.find('?')) == path) out.push_back(r);
  return out;
}

} // namespace orders::testing
