// cart/redis: a small pool of Poco::Redis::Client connections.
//
// At most `size` connections are open at once (idle + in use); a caller
// that finds none free waits up to timeout_ms, then gets unavailable. A new
// connection connects with timeout_ms, reads with a receive timeout of
// timeout_ms, then sends AUTH (when a password is set), SELECT (db != 0) and
// CLIENT SETNAME (best effort, so `CLIENT LIST` shows who is connected).
// A connection that failed in any way (an exception from Poco: refused,
// closed, timed out, garbled) is closed and never reused; a Redis error
// reply (-ERR ...) is an answer and keeps the connection. A command that
// fails at once on a connection taken from the pool (the server closed it
// while idle) is sent once more on a fresh connection: every command this
// plugin sends is idempotent.
//
// Sockets are written with SIGPIPE blocked on the calling thread (a signal
// raised by a write to a closed connection is consumed), so a dead peer can
// never kill the host process.
//
// Thread-safety: execute() may be called from any number of threads.
#pragma once

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Error.h>
#include <Poco/Redis/Type.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "orders/sdk/result.hpp"

namespace orders::plugins::cart_redis {

struct PoolOptions {
  std::string host;
  uint16_t port = 6379;
  int64_t db = 0;
  std::optional<std::string> username; // AUTH <username> <password>
  std::optional<std::string> password; // AUTH <password>; none: no AUTH
  std::string client_name;             // CLIENT SETNAME; "" sends none
  int64_t timeout_ms = 1000;           // connect, wait for a free connection, each reply
  size_t size = 4;                     // connections open at most
  std::string where;                   // prefixes every error, e.g. "redis at 127.0.0.1:6379/0"
};

using Reply = Poco::Redis::RedisType::Ptr;

// The value of `reply` when it is a T (Poco::Int64, std::string for simple
// strings, Poco::Redis::BulkString, Poco::Redis::Array, Poco::Redis::Error);
// nullptr otherwise.
template <class T> const T *replyAs(const Reply &reply) {
  if (reply.isNull() || reply->type() != static_cast<int>(Poco::Redis::RedisTypeTraits<T>::TypeId)) return nullptr;
  return &static_cast<const Poco::Redis::Type<T> *>(reply.get())->value();
}

// An error reply as an Error prefixed by `context`: LOADING, BUSY,
// MASTERDOWN, TRYAGAIN, CLUSTERDOWN and READONLY are unavailable
// (retryable); NOAUTH, WRONGPASS and NOPERM unauthenticated; anything else
// internal.
sdk::Error replyError(const std::string &context, const std::string &message);

class RedisPool {
public:
  explicit RedisPool(PoolOptions options);
  ~RedisPool();
  RedisPool(const RedisPool &) = delete;
  RedisPool &operator=(const RedisPool &) = delete;

  // Sends `command` (e.g. {"GET", key}) and reads its reply; an error reply
  // is a reply. Failing to connect, write or read is unavailable
  // (retryable), naming where_ and the command's first two words.
  sdk::Result<Reply> execute(const std::vector<std::string> &command);

  const std::string &where() const noexcept { return options_.where; }
  // Connections open now (idle + in use).
  size_t openConnections() const;

private:
  using ClientPtr = std::unique_ptr<Poco::Redis::Client>;

  sdk::Result<ClientPtr> take(bool &reused);
  void give(ClientPtr client);
  void discard(ClientPtr client);
  void dropIdle();
  sdk::Result<ClientPtr> connect() const;

  const PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<ClientPtr> idle_;
  size_t open_ = 0;
};

} // namespace orders::plugins::cart_redis
