#include "faulty_inventory.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <json/json.h>

#include <sstream>
#include <thread>

namespace orders::chaos {

namespace {
class Handler : public Poco::Net::HTTPRequestHandler {
public:
  explicit Handler(FaultyInventory &peer) : peer_(peer) {}
  void handleRequest(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res) override {
    peer_.handle(req, res);
  }

private:
  FaultyInventory &peer_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit Factory(FaultyInventory &peer) : peer_(peer) {}
  Poco::Net::HTTPRequestHandler *createRequestHandler(const Poco::Net::HTTPServerRequest &) override {
    return new Handler(peer_);
  }

private:
  FaultyInventory &peer_;
};

void answer(Poco::Net::HTTPServerResponse &res, int status, const std::string &body,
            const std::string &type = "application/json") {
  res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  res.setContentType(type);
  res.setContentLength(static_cast<std::streamsize>(body.size()));
  res.send() << body;
}
} // namespace

FaultyInventory::FaultyInventory() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(64);
  params->setMaxQueued(256);
  pool_ = std::make_unique<Poco::ThreadPool>(2, 64);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *pool_, socket, params);
  server_->start();
}

FaultyInventory::~FaultyInventory() { server_->stopAll(true); }

std::string FaultyInventory::baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::map<std::string, std::string> FaultyInventory::allocations() const {
  std::lock_guard lock(mutex_);
  return state_;
}

FaultyInventory::Fault FaultyInventory::pick() {
  if (!faulty_) return Fault::none;
  std::lock_guard lock(mutex_);
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

void FaultyInventory::handle(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res) {
  ++calls_;
  std::ostringstream raw;
  Poco::StreamCopier::copyStream(req.stream(), raw);
  const Fault fault = pick();
  if (fault != Fault::none) ++faults_;
  // Faults that strike before the service did anything.
  if (fault == Fault::unavailable) return answer(res, 503, "{\"error\":\"unavailable\"}");
  if (fault == Fault::internal) return answer(res, 500, "{\"error\":\"internal\"}");

  Json::Value body;
  Json::CharReaderBuilder reader;
  std::string errors;
  std::istringstream in(raw.str());
  if (req.get("Authorization", "") != "Bearer chaos-token") return answer(res, 401, "{\"error\":\"unauthorized\"}");
  if (!Json::parseFromStream(reader, in, &body, &errors) || !body["orderId"].isString())
    return answer(res, 400, "{\"error\":\"bad request\"}");
  const std::string order = body["orderId"].asString();
  const std::string path = req.getURI();
  int status = 200;
  std::string reply;
  {
    std::lock_guard lock(mutex_);
    std::string &state = state_[order];
    if (path == "/internal/inventory/allocate") {
      if (state.empty() || state == "released") state = "allocated"; // replays of an allocation are no-ops
      reply = "{\"orderId\":\"" + order + "\",\"status\":\"allocated\"}";
    } else if (path == "/internal/inventory/confirm") {
      if (state == "allocated" || state == "confirmed") {
        state = "confirmed";
        reply = "{\"orderId\":\"" + order + "\",\"status\":\"confirmed\"}";
      } else {
        status = 409;
        reply = "{\"error\":\"not allocated\"}";
      }
    } else if (path == "/internal/inventory/release") {
      if (state == "confirmed") {
        status = 409;
        reply = "{\"error\":\"allocation_confirmed\"}";
      } else {
        if (state.empty())
          state_.erase(order); // nothing was allocated: nothing to remember
        else
          state = "released";
        reply = "{\"orderId\":\"" + order + "\",\"status\":\"released\"}";
      }
    } else {
      state_.erase(order);
      return answer(res, 404, "{\"error\":\"no such route\"}");
    }
  }
  // Faults that strike after the operation was applied: the answer is lost.
  switch (fault) {
  case Fault::slow:
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // past the caller's 800 ms
    return answer(res, status, reply);
  case Fault::garbage: return answer(res, 502, "<html><body>Bad Gateway</body></html>", "text/html");
  case Fault::cut: {
    res.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    res.setContentType("application/json");
    res.setContentLength(static_cast<std::streamsize>(reply.size() + 100)); // promised, never sent
    res.setKeepAlive(false);
    std::ostream &out = res.send();
    out << reply.substr(0, reply.size() / 2);
    out.flush();
    return;
  }
  default: return answer(res, status, reply);
  }
}

} // namespace orders::chaos
