// The server's front door: accepts connections on one thread with epoll and
// hands a connection to the worker pool only once its request header has
// arrived whole.
//
// Poco serves one connection per pool thread from the moment it is
// accepted, so a client that opens connections and dribbles (or never
// finishes) its header holds a thread each: 100 such connections took the
// 64-thread server down (issue 16). Here a connection waits in the front
// door, costing a file descriptor and no thread, until recv(MSG_PEEK)
// shows the blank line that ends the header; the bytes stay in the kernel
// for Poco to read. A header that does not arrive within
// `header_timeout_ms` is answered 408, one larger than `max_header_bytes`
// 431, and a connection beyond `max_connections` (waiting + served) or a
// full worker queue 503 with Retry-After; each is counted in
// orders_http_connections_refused_total{reason}.
//
// On a TLS listener (`tls`) the header is encrypted, so nothing is peeked
// for: a connection is handed on once the first TLS record (the
// ClientHello) has arrived whole, and a worker then does the handshake
// (http_server.cpp, bounded by http.tls.handshake_timeout_ms). The front
// door still holds the connection without a thread until then, bounded by
// `header_timeout_ms` (reason tls_hello_timeout), closes at once what does
// not start with a TLS handshake record (not_tls: plain HTTP gets no answer
// on a TLS port), and applies max_connections and the queue limit. There is
// no TLS session to answer 408/503 in, so every refusal there just closes.
//
// Thread-safety: start()/stop() from one thread; the loop runs on its own.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

namespace Poco::Net {
class ServerSocket;
class StreamSocket;
} // namespace Poco::Net

namespace orders::host::metrics {
class MetricsRegistry;
}

namespace orders::host::http {

struct FrontDoorOptions {
  int64_t header_timeout_ms = 10000;
  size_t max_header_bytes = 16384;
  int max_connections = 10000;
  int max_queued = 512;
  bool tls = false; // the listener speaks TLS: wait for the ClientHello, answer nothing
};

class FrontDoor {
public:
  // What the pool is doing: connections it serves and connections queued
  // for a thread; `dispatch` hands it a connection whose header is in.
  struct Pool {
    std::function<int()> served;
    std::function<int()> queued;
    std::function<void(const Poco::Net::StreamSocket &)> dispatch;
  };

  // `listening` is bound and listening; the front door owns it from here.
  FrontDoor(const Poco::Net::ServerSocket &listening, FrontDoorOptions options, Pool pool,
            metrics::MetricsRegistry &metrics);
  ~FrontDoor();
  FrontDoor(const FrontDoor &) = delete;
  FrontDoor &operator=(const FrontDoor &) = delete;

  void start();
  // Stops accepting and closes the connections still waiting for a header.
  void stop();
  // Connections accepted whose header has not arrived yet.
  int waiting() const { return waiting_.load(); }

private:
  struct Waiting;
  void loop();

  std::unique_ptr<Poco::Net::ServerSocket> listening_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1; // eventfd: stop() wakes the loop
  FrontDoorOptions options_;
  Pool pool_;
  metrics::MetricsRegistry &metrics_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> waiting_{0};
  std::thread thread_;
};

} // namespace orders::host::http
