// The neighbour the conformance kit plays for a plugin (spec key
// `peer_protocol`): a scriptable HTTP peer (`peer:` routes), an SMTP server
// that accepts every mail, or a Redis server holding the spec's keys
// (`peer: {key: "a string", key2: {field: value}}`). The kit reads what the
// plugin sent through requests() and sets faults on the peer itself.
// Header-only (the kit is its one user). Thread-safety: as the peers
// (host/tools): every member from any thread.
#pragma once

#include <json/json.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "conformance/conformance_samples.hpp"
#include "tools/http_peer.hpp"
#include "tools/redis_peer.hpp"
#include "tools/smtp_peer.hpp"

namespace orders::host::conformance {

class Neighbour {
public:
  // The neighbour `spec` describes, listening; nullptr with `error` set when
  // the spec asks for what cannot be played.
  static std::unique_ptr<Neighbour> start(const Json::Value &spec, std::string &error);

  const std::string &protocol() const { return protocol_; }
  // Where it listens, and the same address on another port (a closed one).
  PeerAddress address() const { return addressAt(port()); }
  PeerAddress addressAt(uint16_t port) const;

  void clearRequests();
  // What the plugin sent: HTTP requests; Redis commands (method = the
  // command, uri = the key); a mail as one request ("MAIL", its envelope,
  // its text without the Date header a resend restamps).
  std::vector<testing::PeerRequest> requests() const;

  // The one peer that runs (the others are nullptr), for its faults.
  testing::HttpPeer *http() const { return http_.get(); }
  testing::SmtpPeer *smtp() const { return smtp_.get(); }
  testing::RedisPeer *redis() const { return redis_.get(); }

private:
  uint16_t port() const;

  std::string protocol_;
  std::unique_ptr<testing::HttpPeer> http_;
  std::unique_ptr<testing::SmtpPeer> smtp_;
  std::unique_ptr<testing::RedisPeer> redis_;
};

inline std::unique_ptr<Neighbour> Neighbour::start(const Json::Value &spec, std::string &error) {
  auto n = std::make_unique<Neighbour>();
  n->protocol_ = spec.get("peer_protocol", "http").asString();
  const Json::Value &peer = spec["peer"];
  if (n->protocol_ == "smtp") {
    if (!peer.isNull()) {
      error = "peer: routes script an HTTP peer; the SMTP peer accepts every mail and is not scripted";
      return nullptr;
    }
    n->smtp_ = std::make_unique<testing::SmtpPeer>();
  } else if (n->protocol_ == "redis") {
    if (!peer.isNull() && !peer.isObject()) {
      error = "peer: a Redis peer takes a mapping of keys to values (a string, or a mapping for a hash)";
      return nullptr;
    }
    n->redis_ = std::make_unique<testing::RedisPeer>();
    for (const std::string &key : peer.getMemberNames()) {
      const Json::Value &value = peer[key];
      if (value.isObject()) {
        std::map<std::string, std::string> fields;
        for (const std::string &field : value.getMemberNames())
          fields[field] = textOf(value[field]);
        n->redis_->setHash(key, fields);
      } else {
        n->redis_->setString(key, textOf(value));
      }
    }
  } else if (n->protocol_ == "http") {
    n->http_ = std::make_unique<testing::HttpPeer>();
    for (const Json::Value &route : peer) {
      testing::PeerReply reply;
      reply.status = route.get("status", 200).asInt();
      reply.body = route.isMember("body") ? textOf(route["body"]) : std::string();
      reply.content_type = route.get("content_type", "application/json").asString();
      for (const std::string &h : route["headers"].getMemberNames())
        reply.headers[h] = route["headers"][h].asString();
      reply.delay = std::chrono::milliseconds(route.get("delay_ms", 0).asInt64());
      n->http_->then(route.get("method", "GET").asString(), route.get("path", "/").asString(), reply);
    }
  } else {
    error = "peer_protocol: expected http, smtp or redis, got '" + n->protocol_ + "'";
    return nullptr;
  }
  return n;
}

inline uint16_t Neighbour::port() const { return http_ ? http_->port() : smtp_ ? smtp_->port() : redis_->port(); }

inline PeerAddress Neighbour::addressAt(uint16_t port) const {
  return PeerAddress{protocol_ + "://127.0.0.1:" + std::to_string(port), "127.0.0.1", port};
}

inline void Neighbour::clearRequests() {
  if (http_) http_->clearRequests();
  if (smtp_) smtp_->clearMails();
  if (redis_) redis_->clearRequests();
}

inline std::vector<testing::PeerRequest> Neighbour::requests() const {
  if (http_) return http_->requests();
  if (redis_) return redis_->requests();
  std::vector<testing::PeerRequest> out;
  for (const testing::ReceivedMail &mail : smtp_->mails()) {
    testing::PeerRequest r;
    r.method = "MAIL";
    r.uri = "FROM:" + mail.from + " TO:";
    for (const std::string &to : mail.recipients)
      r.uri += to + " ";
    if (!mail.username.empty()) r.headers["auth-user"] = mail.username;
    const size_t header_end = mail.data.find("\r\n\r\n");
    size_t line = 0;
    while (line < mail.data.size()) {
      const size_t end = std::min(mail.data.find("\r\n", line), mail.data.size());
      if (!(line < header_end && mail.data.compare(line, 5, "Date:") == 0))
        r.body += mail.data.substr(line, end - line) + "\r\n";
      line = end + 2;
    }
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace orders::host::conformance
