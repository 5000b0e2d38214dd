#include "redis_pool.hpp"

#include <Poco/Exception.h>
#include <Poco/Timespan.h>
#include <pthread.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <ctime>
#include <exception>
#include <utility>

namespace orders::plugins::cart_redis {

using namespace orders::sdk;

namespace {

// Blocks SIGPIPE on this thread for its lifetime and consumes a SIGPIPE
// raised meanwhile (a write to a connection the peer closed), unless one was
// already pending before.
class SigpipeGuard {
public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    was_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    blocked_ = pthread_sigmask(SIG_BLOCK, &pipe_, &old_) == 0;
  }
  ~SigpipeGuard() {
    if (!blocked_) return;
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe_, nullptr, &zero) == -1 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard &) = delete;
  SigpipeGuard &operator=(const SigpipeGuard &) = delete;

private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
  bool blocked_ = false;
};

// Poco's reply reader turns end of stream and an expired receive timeout
// into this message.
std::string describe(const Poco::Exception &e, int64_t timeout_ms) {
  if (e.message().find("Invalid Redis type returned") != std::string::npos)
    return "connection closed or no reply within " + std::to_string(timeout_ms) + " ms";
  return "connection failed: " + e.displayText();
}

// Sends one command on `client` and reads the reply; a null reply (with
// `failure` set) when the connection failed.
Reply roundTrip(Poco::Redis::Client &client, const std::vector<std::string> &args, int64_t timeout_ms,
                std::string &failure) {
  try {
    Poco::Redis::Array command;
    command.add(args);
    Reply reply = client.sendCommand(command);
    if (!reply.isNull()) return reply;
    failure = "no reply";
  } catch (const Poco::Exception &e) {
    failure = describe(e, timeout_ms);
  } catch (const std::exception &e) {
    failure = std::string("connection failed: ") + e.what();
  }
  return Reply();
}

std::string firstWord(const std::string &text) { return text.substr(0, text.find(' ')); }

} // namespace

Error replyError(const std::string &context, const std::string &message) {
  const std::string code = firstWord(message);
  const std::string text = context + ": " + message;
  if (code == "LOADING" || code == "BUSY" || code == "MASTERDOWN" || code == "TRYAGAIN" || code == "CLUSTERDOWN" ||
      code == "READONLY")
    return unavailable(text);
  if (code == "NOAUTH" || code == "WRONGPASS" || code == "NOPERM") return unauthenticated(text);
  return internalError(text);
}

RedisPool::RedisPool(PoolOptions options) : options_(std::move(options)) {}

RedisPool::~RedisPool() {
  SigpipeGuard guard;
  std::lock_guard lock(mutex_);
  idle_.clear();
}

size_t RedisPool::openConnections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

Result<Reply> RedisPool::execute(const std::vector<std::string> &command) {
  std::string label = command.empty() ? std::string() : command[0];
  if (command.size() > 1) label += " " + command[1];
  SigpipeGuard guard;
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    auto taken = take(reused);
    if (!taken.ok()) return taken.error();
    ClientPtr client = std::move(taken).value();
    const auto started = std::chrono::steady_clock::now();
    std::string failure;
    Reply reply = roundTrip(*client, command, options_.timeout_ms, failure);
    if (!reply.isNull()) {
      give(std::move(client));
      return Result<Reply>(std::move(reply));
    }
    discard(std::move(client));
    // A pooled connection the server closed while it sat idle (a restart,
    // its idle timeout) fails at once: once more, on a fresh connection.
    const bool quick = std::chrono::steady_clock::now() - started < std::chrono::milliseconds(options_.timeout_ms);
    if (reused && attempt == 0 && quick) {
      dropIdle();
      continue;
    }
    return unavailable(options_.where + ": " + label + ": " + failure);
  }
}

Result<RedisPool::ClientPtr> RedisPool::take(bool &reused) {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  if (!freed_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < options_.size; }))
    return unavailable(options_.where + ": all " + std::to_string(options_.size) + " connections stayed busy for " +
                       std::to_string(options_.timeout_ms) + " ms");
  if (!idle_.empty()) {
    ClientPtr client = std::move(idle_.back());
    idle_.pop_back();
    reused = true;
    return Result<ClientPtr>(std::move(client));
  }
  ++open_;
  lock.unlock();
  reused = false;
  Result<ClientPtr> made = connect();
  if (!made.ok()) {
    lock.lock();
    --open_;
    lock.unlock();
    freed_.notify_one();
  }
  return made;
}

void RedisPool::give(ClientPtr client) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(client));
  }
  freed_.notify_one();
}

void RedisPool::discard(ClientPtr client) {
  client.reset(); // closes the socket
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  freed_.notify_one();
}

void RedisPool::dropIdle() {
  std::vector<ClientPtr> stale;
  {
    std::lock_guard lock(mutex_);
    stale.swap(idle_);
    open_ -= stale.size();
  }
  freed_.notify_all();
  stale.clear();
}

Result<RedisPool::ClientPtr> RedisPool::connect() const {
  const std::string &where = options_.where;
  auto client = std::make_unique<Poco::Redis::Client>();
  const Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(options_.timeout_ms) * 1000);
  try {
    client->connect(options_.host, options_.port, timeout);
    client->setReceiveTimeout(timeout);
  } catch (const Poco::TimeoutException &) {
    return unavailable(where + ": connect timed out after " + std::to_string(options_.timeout_ms) + " ms");
  } catch (const Poco::Exception &e) {
    return unavailable(where + ": cannot connect: " + e.displayText());
  } catch (const std::exception &e) {
    return unavailable(where + ": cannot connect: " + e.what());
  }

  std::string failure;
  if (options_.password) {
    std::vector<std::string> auth{"AUTH"};
    if (options_.username) auth.push_back(*options_.username);
    auth.push_back(*options_.password);
    const Reply reply = roundTrip(*client, auth, options_.timeout_ms, failure);
    if (reply.isNull()) return unavailable(where + ": AUTH: " + failure);
    if (const auto *error = replyAs<Poco::Redis::Error>(reply))
      return unauthenticated(where + ": AUTH rejected: " + error->getMessage());
  }
  if (options_.db != 0) {
    const std::string select = "SELECT " + std::to_string(options_.db);
    const Reply reply = roundTrip(*client, {"SELECT", std::to_string(options_.db)}, options_.timeout_ms, failure);
    if (reply.isNull()) return unavailable(where + ": " + select + ": " + failure);
    if (const auto *error = replyAs<Poco::Redis::Error>(reply))
      return replyError(where + ": " + select, error->getMessage());
  }
  if (!options_.client_name.empty()) { // best effort: an ACL may forbid CLIENT
    const Reply reply = roundTrip(*client, {"CLIENT", "SETNAME", options_.client_name}, options_.timeout_ms, failure);
    if (reply.isNull()) return unavailable(where + ": CLIENT SETNAME: " + failure);
  }
  return Result<ClientPtr>(std::move(client));
}

} // namespace orders::plugins::cart_redis
