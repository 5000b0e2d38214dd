#include "lost_answer_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace orders::e2e {

namespace {

constexpr std::string_view kCommit("COMMIT\0", 7);

[[noreturn]] void failWith(const std::string &what) {
  throw std::runtime_error("LostAnswerProxy: " + what + ": " + std::strerror(errno));
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool sendAll(int fd, const char *data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

} // namespace

LostAnswerProxy::LostAnswerProxy(uint16_t upstream_port) : upstream_port_(upstream_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) failWith("socket");
  const int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback(0);
  if (::bind(listener_, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) failWith("bind");
  if (::listen(listener_, 64) != 0) failWith("listen");
  socklen_t len = sizeof a;
  if (::getsockname(listener_, reinterpret_cast<sockaddr *>(&a), &len) != 0) failWith("getsockname");
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

LostAnswerProxy::~LostAnswerProxy() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listener_);
  std::lock_guard lock(mutex_);
  for (auto &t : threads_)
    if (t.joinable()) t.join();
}

void LostAnswerProxy::armAt(int n) {
  seen_ = 0;
  target_ = n;
}

void LostAnswerProxy::acceptLoop() {
  while (!stopping_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(upstream_port_);
    if (upstream < 0 || ::connect(upstream, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
      if (upstream >= 0) ::close(upstream);
      ::close(client);
      continue;
    }
    const int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, client, upstream] { relay(client, upstream); });
  }
}

bool LostAnswerProxy::armedCommitIn(std::vector<char> &tail, const char *data, size_t size) {
  std::string window(tail.begin(), tail.end());
  window.append(data, size);
  bool hit = false;
  for (size_t at = window.find(kCommit); at != std::string::npos; at = window.find(kCommit, at + kCommit.size())) {
    const int n = ++seen_;
    if (target_.load() != 0 && n == target_.load()) hit = true;
  }
  const size_t keep = std::min(window.size(), kCommit.size() - 1);
  tail.assign(window.end() - static_cast<std::ptrdiff_t>(keep), window.end());
  return hit;
}

void LostAnswerProxy::relay(int client, int upstream) {
  std::vector<char> tail;
  char buffer[65536];
  bool doomed = false;
  std::chrono::steady_clock::time_point cut_at;
  while (!stopping_) {
    if (doomed && std::chrono::steady_clock::now() >= cut_at) break;
    pollfd p[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (::poll(p, 2, 20) < 0 && errno != EINTR) break;
    if (p[0].revents != 0) { // frontend to PostgreSQL: always relayed
      const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0 || !sendAll(upstream, buffer, static_cast<size_t>(n))) break;
      if (!doomed && armedCommitIn(tail, buffer, static_cast<size_t>(n))) {
        doomed = true;
        target_ = 0;
        // Long enough for PostgreSQL to apply it (a local commit takes
        // well under a millisecond; its WAL flush a few).
        cut_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
      }
    }
    if (p[1].revents != 0) { // PostgreSQL's answers: dropped once doomed
      const ssize_t n = ::recv(upstream, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      if (!doomed && !sendAll(client, buffer, static_cast<size_t>(n))) break;
    }
  }
  if (doomed) ++cuts_;
  ::shutdown(client, SHUT_RDWR);
  ::shutdown(upstream, SHUT_RDWR);
  ::close(client);
  ::close(upstream);
}

uint16_t portOf(const std::string &url) {
  const size_t at = url.rfind('@');
  const size_t colon = url.find(':', at == std::string::npos ? url.find("//") + 2 : at);
  const size_t slash = url.find('/', colon);
  if (colon == std::string::npos || slash == std::string::npos) throw std::invalid_argument("no port in " + url);
  return static_cast<uint16_t>(std::stoi(url.substr(colon + 1, slash - colon - 1)));
}

std::string withPort(const std::string &url, uint16_t port) {
  const size_t at = url.rfind('@');
  const size_t colon = url.find(':', at == std::string::npos ? url.find("//") + 2 : at);
  const size_t slash = url.find('/', colon);
  if (colon == std::string::npos || slash == std::string::npos) throw std::invalid_argument("no port in " + url);
  return url.substr(0, colon + 1) + std::to_string(port) + url.substr(slash);
}

} // namespace orders::e2e
