#include "http_peer.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <algorithm>
#include <sstream>
#include <thread>

namespace orders::testing {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

class PeerHandler : public Poco::Net::HTTPRequestHandler {
public:
  explicit PeerHandler(HttpPeer &peer) : peer_(peer) {}
  void handleRequest(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res) override {
    PeerRequest r;
    r.method = req.getMethod();
    r.uri = req.getURI();
    for (const auto &[k, v] : req)
      r.headers[lower(k)] = v;
    std::ostringstream body;
    Poco::StreamCopier::copyStream(req.stream(), body);
    r.body = body.str();
    PeerReply reply = peer_.answer(r);
    if (reply.hold) reply.hold();
    if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
    res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    res.setContentType(reply.content_type);
    for (const auto &[k, v] : reply.headers)
      res.set(k, v);
    res.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
    res.send() << reply.body;
  }

private:
  HttpPeer &peer_;
};

class PeerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit PeerFactory(HttpPeer &peer) : peer_(peer) {}
  Poco::Net::HTTPRequestHandler *createRequestHandler(const Poco::Net::HTTPServerRequest &) override {
    return new PeerHandler(peer_);
  }

private:
  HttpPeer &peer_;
};
} // namespace

HttpPeer::HttpPeer() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams();
  // Thread per connection: keep-alive clients (several server processes,
  // each with its pool of connections) must not starve new ones.
  params->setMaxThreads(64);
  params->setMaxQueued(256);
  pool_ = std::make_unique<Poco::ThreadPool>(2, 64);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new PeerFactory(*this), *pool_, socket, params);
  server_->start();
}

HttpPeer::~HttpPeer() { server_->stopAll(true); }

void HttpPeer::on(const std::string &method, const std::string &path, PeerReply reply) {
  std::lock_guard lock(mutex_);
  auto &q = script_[method + " " + path];
  q.clear();
  q.push_back(std::move(reply));
}

void HttpPeer::then(const std::string &method, const std::string &path, PeerReply reply) {
  std::lock_guard lock(mutex_);
  script_[method + " " + path].push_back(std::move(reply));
}

void HttpPeer::answerAll(std::optional<PeerReply> reply) {
  std::lock_guard lock(mutex_);
  all_ = std::move(reply);
}

void HttpPeer::clearRequests() {
  std::lock_guard lock(mutex_);
  requests_.clear();
}

std::vector<PeerRequest> HttpPeer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

size_t HttpPeer::count(const std::string &method, const std::string &path) const {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(std::count_if(requests_.begin(), requests_.end(), [&](const PeerRequest &r) {
    return r.method == method && Poco::URI(r.uri).getPath() == path;
  }));
}

PeerReply HttpPeer::answer(const PeerRequest &request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(request);
  if (all_) return *all_;
  auto it = script_.find(request.method + " " + Poco::URI(request.uri).getPath());
  if (it == script_.end() || it->second.empty()) return PeerReply{404, "{\"error\":\"not scripted\"}"};
  PeerReply reply = it->second.front();
  if (it->second.size() > 1) it->second.pop_front();
  return reply;
}

uint16_t unusedPort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port(); // closed on return: nothing listens there
}

} // namespace orders::testing
