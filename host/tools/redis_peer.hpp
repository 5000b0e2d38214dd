// A real Redis peer on 127.0.0.1: a small Poco TCP server (one thread per
// connection) speaking RESP over an in-memory store of strings and hashes,
// recording every command. Answers PING, AUTH, SELECT, CLIENT SETNAME, HELLO
// (as Redis 5: unknown), TYPE, GET, SET, HGETALL, HSET, DEL, EXISTS, QUIT;
// anything else is "-ERR unknown command". A fault makes every data command
// (not the connection's set-up) answer a given raw reply and/or late: "-LOADING"
// (try again), "-ERR" (never), bytes that are not RESP, a reply slower than
// the client's budget. Stands in for Redis in the conformance kit
// (order-service-conformance, `peer_protocol: redis`).
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http_peer.hpp" // PeerRequest
#include "tcp_peer.hpp"

namespace orders::testing {

struct RedisFault {
  std::string reply;                  // raw, CRLF added ("-LOADING loading"); empty: the normal reply, only late
  std::chrono::milliseconds delay{0}; // waited before replying
};

class RedisPeer final : public TcpPeer {
public:
  RedisPeer();
  ~RedisPeer() override;

  void setString(const std::string &key, const std::string &value);
  void setHash(const std::string &key, const std::map<std::string, std::string> &fields);
  // While set, every data command meets `fault`.
  void failWith(std::optional<RedisFault> fault);
  void clearRequests();
  // One per command: method = the command in upper case, uri = its first
  // argument (the key), body = the other arguments joined by spaces.
  std::vector<PeerRequest> requests() const;

  void serve(Poco::Net::StreamSocket &client) override;

private:
  struct Value {
    bool hash = false;
    std::string text;
    std::map<std::string, std::string> fields;
  };
  std::string execute(const std::vector<std::string> &command, bool &quit);

  std::map<std::string, Value> data_;
  std::optional<RedisFault> fault_;
  std::vector<PeerRequest> requests_;
};

} // namespace orders::testing
