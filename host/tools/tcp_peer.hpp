// The part every protocol peer (SMTP, Redis) shares: a Poco TCP server on
// 127.0.0.1:0 with one thread per connection, each connection handed to the
// derived class's serve(), and interruptible waits for faults that answer
// late. A derived class calls stop() first in its destructor, so no
// connection runs serve() on a half-destroyed object.
// Thread-safety: serve() runs on many threads at once; the derived class
// guards its state with mutex_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

namespace Poco {
class ThreadPool;
namespace Net {
class TCPServer;
class StreamSocket;
} // namespace Net
} // namespace Poco

namespace orders::testing {

class TcpPeer {
public:
  TcpPeer(const TcpPeer &) = delete;
  TcpPeer &operator=(const TcpPeer &) = delete;
  virtual ~TcpPeer();

  uint16_t port() const { return port_; }

  // One connection, on its own thread; an exception ends just that one.
  virtual void serve(Poco::Net::StreamSocket &client) = 0;

protected:
  TcpPeer(); // listening; start() begins accepting
  void start();
  // Wakes every pause(), stops accepting and waits for the connections to
  // end (at their client's close, or their read timeout). Idempotent.
  void stop();
  // Waits `delay` or until stop(); false when the peer is stopping.
  bool pause(std::chrono::milliseconds delay);
  bool stopping() const;

  mutable std::mutex mutex_; // for the derived class's state too

private:
  std::condition_variable stopped_cv_;
  bool stopping_ = false;
  std::unique_ptr<Poco::ThreadPool> pool_; // declared before server_: outlives it
  std::unique_ptr<Poco::Net::TCPServer> server_;
  uint16_t port_ = 0;
};

} // namespace orders::testing
