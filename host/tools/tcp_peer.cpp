#include "tcp_peer.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerParams.h>
#include <Poco/ThreadPool.h>

namespace orders::testing {

namespace {

class Connection final : public Poco::Net::TCPServerConnection {
public:
  Connection(const Poco::Net::StreamSocket &socket, TcpPeer &peer)
      : Poco::Net::TCPServerConnection(socket), peer_(peer) {}
  void run() override {
    try {
      peer_.serve(socket());
    } catch (...) {
      // a client that went away mid-exchange: nothing more to do
    }
  }

private:
  TcpPeer &peer_;
};

class ConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
public:
  explicit ConnectionFactory(TcpPeer &peer) : peer_(peer) {}
  Poco::Net::TCPServerConnection *createConnection(const Poco::Net::StreamSocket &socket) override {
    return new Connection(socket, peer_);
  }

private:
  TcpPeer &peer_;
};

} // namespace

TcpPeer::TcpPeer() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto params = new Poco::Net::TCPServerParams();
  params->setMaxThreads(64);
  params->setMaxQueued(128);
  pool_ = std::make_unique<Poco::ThreadPool>(2, 64);
  server_ = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(*this), *pool_, socket, params);
}

TcpPeer::~TcpPeer() { stop(); }

void TcpPeer::start() { server_->start(); }

void TcpPeer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stopped_cv_.notify_all();
  server_->stop();
  pool_->joinAll();
}

bool TcpPeer::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !stopped_cv_.wait_for(lock, delay, [this] { return stopping_; });
}

bool TcpPeer::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

} // namespace orders::testing
