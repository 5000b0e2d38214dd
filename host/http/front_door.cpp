#include "http/front_door.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/api_error.hpp"
#include "log/logger.hpp"
#include "metrics/metrics_registry.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::http {

namespace {

using Clock = std::chrono::steady_clock;

// The path of the request line in what has arrived, when it is whole (for
// the problem's `instance`); bytes outside printable ASCII percent-encoded.
std::string requestPath(std::string_view seen) {
  const size_t eol = seen.find('\n');
  const size_t start = seen.find(' ');
  if (eol == std::string_view::npos || start == std::string_view::npos || start > eol) return {};
  size_t end = seen.find_first_of(" ?\r\n", start + 1);
  std::string out;
  for (const char ch : seen.substr(start + 1, end - start - 1)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c > 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// A final answer written before closing a connection the pool never sees:
// a problem document like every other error (code, title, detail).
void refuse(int fd, const ApiError &error, std::string_view seen, bool retry_after) {
  const int status = error.status();
  const std::string body = sdk::writeJson(problemJson(error, requestPath(seen), ""));
  std::string answer = "HTTP/1.1 " + std::to_string(status) + " " + httpReason(status) +
                       "\r\nContent-Type: application/problem+json\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\nConnection: close\r\n";
  if (retry_after) answer += "Retry-After: 1\r\n";
  answer += "\r\n" + body;
  // Best effort: the socket buffer of a fresh connection takes it whole.
  [[maybe_unused]] const ssize_t sent = ::send(fd, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  // Read what the client sent, so closing sends FIN, not a reset that could
  // destroy the answer before the client reads it.
  char sink[4096];
  for (int i = 0; i < 64 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
  }
}

// Closing without an answer (a TLS listener has no session to answer in):
// read what the client sent first, so the close is a FIN, not a reset.
void closeQuietly(int fd) {
  ::shutdown(fd, SHUT_WR);
  char sink[4096];
  for (int i = 0; i < 64 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
  }
}

// A TLS record: 5 bytes of header (type, version, length), then at most
// 2^14 bytes of a plaintext record such as the ClientHello.
constexpr size_t kTlsRecordHeader = 5;
constexpr size_t kTlsMaxPlaintext = 16384;

// Where the header ends in what has arrived: after "\r\n\r\n" (or a bare
// "\n\n"), or npos.
bool headerComplete(std::string_view seen) {
  return seen.find("\r\n\r\n") != std::string_view::npos || seen.find("\n\n") != std::string_view::npos;
}

} // namespace

struct FrontDoor::Waiting {
  Poco::Net::StreamSocket socket;
  Clock::time_point since;
};

FrontDoor::FrontDoor(const Poco::Net::ServerSocket &listening, FrontDoorOptions options, Pool pool,
                     metrics::MetricsRegistry &metrics)
    : listening_(std::make_unique<Poco::Net::ServerSocket>(listening)), options_(options), pool_(std::move(pool)),
      metrics_(metrics) {
  listen_fd_ = listening_->impl()->sockfd();
  metrics_.describe("orders_http_connections_refused_total", metrics::Type::counter,
                    "Connections answered and closed by the front door (and on TLS by the handshake), by reason "
                    "(header_timeout, header_too_large, over_capacity, queue_full; TLS: not_tls, tls_hello_timeout, "
                    "tls_handshake_timeout, tls_handshake_failed).");
  metrics_.describe("orders_http_connections_waiting", metrics::Type::gauge,
                    "Connections accepted whose request header has not arrived yet (they hold no thread).");
}

FrontDoor::~FrontDoor() { stop(); }

void FrontDoor::start() {
  ::fcntl(listen_fd_, F_SETFL, ::fcntl(listen_fd_, F_GETFL) | O_NONBLOCK);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error("front door: epoll/eventfd: " + std::to_string(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  thread_ = std::thread([this] { loop(); });
}

void FrontDoor::stop() {
  if (stopping_.exchange(true)) return;
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  if (listening_) listening_->close();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  epoll_fd_ = wake_fd_ = -1;
}

void FrontDoor::loop() {
  std::unordered_map<int, Waiting> waiting;
  const bool tls = options_.tls;
  // HTTP: one byte past the limit, so a header without its end in there is too large.
  std::vector<char> peek(tls ? kTlsRecordHeader + kTlsMaxPlaintext : options_.max_header_bytes + 1);
  std::vector<epoll_event> events(256);
  const auto timeout = std::chrono::milliseconds(options_.header_timeout_ms);
  auto refused = [&](const char *reason) {
    metrics_.increment("orders_http_connections_refused_total", {{"reason", reason}});
  };
  // An HTTP answer and close; on a TLS listener only the close.
  auto refuseWith = [&](int fd, const ApiError &error, std::string_view seen, bool retry_after) {
    if (tls)
      closeQuietly(fd);
    else
      refuse(fd, error, seen, retry_after);
  };
  auto forget = [&](int fd) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    waiting.erase(fd); // closes the socket unless the pool holds a copy
  };
  // To the pool, unless its queue is full. Always false: the connection is
  // no longer the front door's.
  auto handOn = [&](int fd) -> bool {
    if (pool_.queued() >= options_.max_queued) {
      refused("queue_full"); // counted before the client can see the answer
      refuseWith(fd, ApiError("unavailable", "the server is at capacity; retry"), {}, true);
      return false;
    }
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); // before the pool can close it
    pool_.dispatch(waiting.at(fd).socket);
    return false;
  };
  // Looks at what arrived; hands the connection on once the header (on TLS:
  // the first record) is whole. False when the connection is gone (handed
  // on, refused or closed).
  auto examine = [&](int fd) -> bool {
    const ssize_t n = ::recv(fd, peek.data(), peek.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return false; // peer left
    if (n < 0) return true;                                                                           // nothing yet
    if (tls) {
      const auto *b = reinterpret_cast<const unsigned char *>(peek.data());
      // A handshake record (0x16) of TLS (record version 3.x) of sane length.
      const size_t length = n >= 5 ? (static_cast<size_t>(b[3]) << 8) | b[4] : 1;
      if (b[0] != 0x16 || (n >= 2 && b[1] != 0x03) || length == 0 || length > kTlsMaxPlaintext) {
        refused("not_tls");
        closeQuietly(fd);
        return false;
      }
      if (static_cast<size_t>(n) < kTlsRecordHeader + length) return true;
      return handOn(fd);
    }
    const std::string_view seen(peek.data(), static_cast<size_t>(n));
    if (headerComplete(seen)) return handOn(fd);
    if (static_cast<size_t>(n) > options_.max_header_bytes) {
      refused("header_too_large");
      refuse(fd,
             ApiError("header_too_large",
                      "the request header exceeds " + std::to_string(options_.max_header_bytes) + " bytes"),
             seen, false);
      return false;
    }
    return true;
  };
  auto accept = [&] {
    for (;;) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE)
          log::warn("front door: out of file descriptors; raise the limit or lower http.max_connections");
        return;
      }
      Poco::Net::StreamSocket socket(new Poco::Net::StreamSocketImpl(fd));
      if (static_cast<int>(waiting.size()) + pool_.served() + pool_.queued() >= options_.max_connections) {
        refused("over_capacity");
        refuseWith(fd,
                   ApiError("unavailable", "the server holds http.max_connections (" +
                                               std::to_string(options_.max_connections) + ") connections"),
                   {}, true);
        continue;
      }
      waiting.emplace(fd, Waiting{socket, Clock::now()});
      if (!examine(fd)) { // the usual case: the request came with the connection
        waiting.erase(fd);
        continue;
      }
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET; // edge: one wake-up per arrival, peeked bytes stay
      ev.data.fd = fd;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
  };

  auto last_sweep = Clock::now();
  while (!stopping_.load()) {
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 100);
    for (int i = 0; i < n; ++i) {
      const int fd = events[static_cast<size_t>(i)].data.fd;
      if (fd == wake_fd_) continue;
      if (fd == listen_fd_) {
        accept();
        continue;
      }
      if (waiting.count(fd) != 0 && !examine(fd)) forget(fd);
    }
    const auto now = Clock::now();
    if (now - last_sweep >= std::chrono::milliseconds(100)) {
      last_sweep = now;
      std::vector<int> late;
      for (const auto &[fd, w] : waiting)
        if (now - w.since >= timeout) late.push_back(fd);
      for (int fd : late) {
        refused(tls ? "tls_hello_timeout" : "header_timeout");
        refuseWith(fd,
                   ApiError("request_timeout", "the request header did not arrive within " +
                                                   std::to_string(options_.header_timeout_ms) + " ms"),
                   {}, false);
        forget(fd);
      }
    }
    waiting_.store(static_cast<int>(waiting.size()));
    metrics_.set("orders_http_connections_waiting", {}, static_cast<double>(waiting.size()));
  }
  for (auto &[fd, w] : waiting)
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  waiting.clear();
  waiting_.store(0);
}

} // namespace orders::host::http
