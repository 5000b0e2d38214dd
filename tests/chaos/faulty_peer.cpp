#include "faulty_peer.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <sstream>
#include <thread>

namespace orders::chaos {

namespace {
class Handler : public Poco::Net::HTTPRequestHandler {
public:
  explicit Handler(FaultyPeer &peer) : peer_(peer) {}
  void handleRequest(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res) override {
    peer_.handle(req, res);
  }

private:
  FaultyPeer &peer_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit Factory(FaultyPeer &peer) : peer_(peer) {}
  Poco::Net::HTTPRequestHandler *createRequestHandler(const Poco::Net::HTTPServerRequest &) override {
    return new Handler(peer_);
  }

private:
  FaultyPeer &peer_;
};

void answer(Poco::Net::HTTPServerResponse &res, int status, const std::string &body,
            const std::string &type = "application/json") {
  res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  res.setContentType(type);
  res.setContentLength(static_cast<std::streamsize>(body.size()));
  res.send() << body;
}
} // namespace

Json::Value PeerCall::json() const {
  Json::Value out;
  Json::CharReaderBuilder reader;
  std::string errors;
  std::istringstream in(body);
  if (!Json::parseFromStream(reader, in, &out, &errors)) return Json::Value();
  return out;
}

FaultyPeer::FaultyPeer(std::string auth_header, std::string auth_value, std::chrono::milliseconds late, uint32_t seed,
                       Apply apply)
    : auth_header_(std::move(auth_header)), auth_value_(std::move(auth_value)), late_(late), apply_(std::move(apply)),
      rng_(seed) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(64);
  params->setMaxQueued(256);
  pool_ = std::make_unique<Poco::ThreadPool>(2, 64);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *pool_, socket, params);
  server_->start();
}

FaultyPeer::~FaultyPeer() { server_->stopAll(true); }

std::string FaultyPeer::baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

FaultyPeer::Fault FaultyPeer::pick() {
  if (!faulty_) return Fault::none;
  std::lock_guard lock(rng_mutex_);
  switch (std::uniform_int_distribution<int>(0, 9)(rng_)) {
  case 0:
  case 1: return Fault::unavailable;
  case 2: return Fault::internal;
  case 3: return Fault::slow;
  case 4: return Fault::garbage;
  case 5: return Fault::cut;
  default: return Fault::none;
  }
}

void FaultyPeer::handle(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res) {
  ++calls_;
  std::ostringstream raw;
  Poco::StreamCopier::copyStream(req.stream(), raw);
  const Fault fault = pick();
  if (fault != Fault::none) ++faults_;
  // Faults that strike before the service did anything.
  if (fault == Fault::unavailable) return answer(res, 503, "{\"error\":\"unavailable\"}");
  if (fault == Fault::internal) return answer(res, 500, "{\"error\":\"internal\"}");
  if (!auth_header_.empty() && req.get(auth_header_, "") != auth_value_)
    return answer(res, 401, "{\"error\":\"unauthorized\"}");

  const PeerAnswer applied = apply_(PeerCall{req.getMethod(), req.getURI(), raw.str(), req});
  // Faults that strike after the call was applied: the answer is lost.
  switch (fault) {
  case Fault::slow: std::this_thread::sleep_for(late_); return answer(res, applied.status, applied.body);
  case Fault::garbage: return answer(res, 502, "<html><body>Bad Gateway</body></html>", "text/html");
  case Fault::cut: {
    res.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    res.setContentType("application/json");
    res.setContentLength(static_cast<std::streamsize>(applied.body.size() + 100)); // promised, never sent
    res.setKeepAlive(false);
    std::ostream &out = res.send();
    out << applied.body.substr(0, applied.body.size() / 2);
    out.flush();
    return;
  }
  default: return answer(res, applied.status, applied.body);
  }
}

} // namespace orders::chaos
