// A TCP proxy in front of the test PostgreSQL server that can lose the
// answer to a COMMIT: the statement reaches PostgreSQL, which applies it,
// and then the connection is cut before a byte of the answer comes back.
// That is what a client sees when its backend dies, or the network breaks,
// between COMMIT and its reply; its transaction's outcome is unknown to it.
//
// It reads the frontend/backend protocol only as far as spotting "COMMIT"
// as a statement's whole text (a Parse or Query message, NUL-terminated).
//
// Thread-safety: armAt() and cuts() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orders::e2e {

class LostAnswerProxy {
public:
  // Relays 127.0.0.1:<port()> to 127.0.0.1:<upstream_port>.
  explicit LostAnswerProxy(uint16_t upstream_port);
  ~LostAnswerProxy();
  LostAnswerProxy(const LostAnswerProxy &) = delete;
  LostAnswerProxy &operator=(const LostAnswerProxy &) = delete;

  uint16_t port() const { return port_; }
  // The connection carrying the n-th COMMIT from now (n >= 1) is cut once
  // PostgreSQL has had time to apply it; its answer is never relayed.
  void armAt(int n);
  // COMMITs seen since the last armAt().
  int commits() const { return seen_.load(); }
  // How many connections have been cut so far.
  int cuts() const { return cuts_.load(); }

private:
  void acceptLoop();
  void relay(int client, int upstream);
  // Counts the COMMITs in `data` (after `tail`, the end of the stream's last
  // chunk); true when one of them is the armed one.
  bool armedCommitIn(std::vector<char> &tail, const char *data, size_t size);

  uint16_t upstream_port_;
  uint16_t port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int> seen_{0};
  std::atomic<int> target_{0}; // 0: not armed
  std::atomic<int> cuts_{0};
  std::mutex mutex_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// `url` (postgresql://user:password@host:port/name) with its port replaced.
std::string withPort(const std::string &url, uint16_t port);
// The port of such a URL.
uint16_t portOf(const std::string &url);

} // namespace orders::e2e
