// inventory/local: the plugin's own sessions and their prepared statements.
#include "connection_pool.hpp"

#include <Poco/Data/DataException.h>

namespace orders::plugins::inventory {

Connection::Connection(Poco::Data::Session session) : session_(std::move(session)) {}

Connection::~Connection() {
  // A Poco statement holds a plain reference to its session: close them first.
  prepared_.clear();
}

bool Connection::reusable() noexcept {
  if (broken_) return false;
  try {
    return session_.isConnected() && !session_.isTransaction();
  } catch (...) {
    return false;
  }
}

bool Connection::connected() noexcept {
  try {
    return session_.isConnected();
  } catch (...) {
    return false;
  }
}

std::size_t Connection::run(Cache::iterator entry) {
  try {
    return entry->second.statement->execute();
  } catch (...) {
    // Never re-execute a statement in an unknown state, and never destroy
    // it either: Poco 1.12's PostgreSQL executor keeps a pointer to the
    // result it freed before the failed execute, and its destructor would
    // free it again (a double free that aborted the process after
    // PostgreSQL restarted under load). Leaked on purpose: it never runs
    // again, so its bound slots may go.
    (void)entry->second.statement.release();
    prepared_.erase(entry);
    throw;
  }
}

ConnectionPool::ConnectionPool(Opener open, int max_size, std::chrono::seconds wait)
    : open_(std::move(open)), max_size_(max_size < 1 ? 1 : max_size), wait_(wait) {
  idle_.reserve(static_cast<std::size_t>(max_size_)); // giveBack() never allocates
}

ConnectionPool::~ConnectionPool() = default;

std::unique_ptr<Connection> ConnectionPool::acquire() {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock(mutex_);
    if (!returned_.wait_for(lock, wait_, [this] { return !idle_.empty() || open_count_ < max_size_; }))
      throw Poco::Data::SessionPoolExhaustedException("all " + std::to_string(max_size_) +
                                                      " database sessions stayed busy for " +
                                                      std::to_string(wait_.count()) + " s");
    if (idle_.empty()) {
      ++open_count_; // the slot is ours while the session opens, unlocked
    } else {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (connection && connection->reusable()) return connection;
  // A new slot, or an idle session the server dropped: it keeps its slot and
  // is replaced (with no statements prepared yet).
  connection.reset();
  return openOrRelease();
}

std::unique_ptr<Connection> ConnectionPool::openOrRelease() {
  try {
    return std::make_unique<Connection>(open_());
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      --open_count_;
    }
    returned_.notify_one();
    throw;
  }
}

void ConnectionPool::closeIdle() noexcept {
  std::vector<std::unique_ptr<Connection>> closing;
  {
    std::lock_guard lock(mutex_);
    closing.swap(idle_);
    idle_.reserve(static_cast<std::size_t>(max_size_)); // giveBack() never allocates
    open_count_ -= static_cast<int>(closing.size());
  }
  returned_.notify_all();
  closing.clear(); // closed outside the lock
}

void ConnectionPool::giveBack(std::unique_ptr<Connection> connection) noexcept {
  // Closed here, outside the lock: a session that lost its server, was left
  // inside a transaction or is marked broken is never lent again.
  if (connection && !connection->reusable()) connection.reset();
  {
    std::lock_guard lock(mutex_);
    if (connection)
      idle_.push_back(std::move(connection));
    else
      --open_count_;
  }
  returned_.notify_one();
}

} // namespace orders::plugins::inventory
