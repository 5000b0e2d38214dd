// inventory/local: database sessions owned by the plugin, each with the
// statements prepared on it.
//
// ConnectionPool opens up to `max_size` sessions, lazily, and lends each to
// one caller at a time; further callers wait for one to come back and give up
// with Poco::Data::SessionPoolExhaustedException after `wait`. A session that
// is no longer connected, or was left inside a transaction, or whose
// Connection was marked broken, is closed on return instead of lent again; an
// idle session the server dropped is replaced when it is next lent, and
// closeIdle() drops them all at once.
//
// A Connection keeps the statements it ran through execute() and select(),
// keyed by their SQL, and re-executes them with new values: on PostgreSQL one
// round trip per execution instead of Poco's prepare + execute + deallocate
// for a one-shot Statement (Poco's SQLite connector re-prepares in process,
// which is cheap). A statement that threw is discarded and prepared afresh on
// its next use.
//
// Thread-safety: ConnectionPool may be used from many threads; a leased
// Connection, its session and its statements belong to the lessee until the
// lease ends.
#pragma once

#include <Poco/Data/Binding.h>
#include <Poco/Data/Extraction.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <Poco/Types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace orders::plugins::inventory {

// The types Connection binds and extracts.
template <class T> inline constexpr bool kSqlValue = std::is_same_v<T, std::string> || std::is_same_v<T, Poco::Int64>;

class Connection {
public:
  explicit Connection(Poco::Data::Session session);
  ~Connection(); // the statements go before their session
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;

  // For statements that are not worth keeping (DDL, BEGIN, COMMIT).
  Poco::Data::Session &session() { return session_; }

  // Runs `sql`, which has no result columns, with its statement prepared on
  // this connection (the first time) and `params` bound to $1..$n in order;
  // answers the affected row count. Params are std::string or Poco::Int64,
  // and one `sql` always comes with the same types. Poco::Exception on a
  // database error.
  template <class... Params> std::size_t execute(const std::string &sql, const Params &...params);

  // Like execute() for a query whose result columns have the types `Columns`
  // (std::string or Poco::Int64); answers its rows column by column, e.g.
  // `auto [ids, lines] = connection.select<std::string, std::string>(sql, key);`
  template <class... Columns, class... Params>
  std::tuple<std::vector<Columns>...> select(const std::string &sql, const Params &...params);

  // The session may be in an unknown state (its rollback failed): close it
  // when the lease ends.
  void markBroken() noexcept { broken_ = true; }
  // Connected, not inside a transaction and not marked broken.
  bool reusable() noexcept;
  // The session still has its server (false once a statement found it gone).
  bool connected() noexcept;

private:
  // The values a cached statement binds by reference and the vectors it
  // extracts into; they live as long as the statement.
  template <class Params, class Columns> struct Slots {
    Params params;
    Columns columns;
  };
  struct Prepared {
    std::shared_ptr<void> slots; // a Slots<...>, of type *slots_type
    const std::type_info *slots_type = nullptr;
    std::unique_ptr<Poco::Data::Statement> statement; // declared last: destroyed before its slots
  };
  using Cache = std::map<std::string, Prepared>;

  template <class S> std::pair<Cache::iterator, S *> cached(const std::string &sql);
  std::size_t run(Cache::iterator entry);

  Poco::Data::Session session_;
  Cache prepared_; // declared after session_: destroyed before it
  bool broken_ = false;
};

class ConnectionPool {
public:
  // Makes a new session (busy_timeout and the like already set); may throw
  // Poco::Exception.
  using Opener = std::function<Poco::Data::Session()>;

  ConnectionPool(Opener open, int max_size, std::chrono::seconds wait);
  ~ConnectionPool(); // every lease must have ended
  ConnectionPool(const ConnectionPool &) = delete;
  ConnectionPool &operator=(const ConnectionPool &) = delete;

  // One connection lent for the lease's lifetime; the constructor waits for
  // a free one (see above) and throws what opening a session threw.
  class Lease {
  public:
    explicit Lease(ConnectionPool &pool) : pool_(pool), connection_(pool.acquire()) {}
    ~Lease() { pool_.giveBack(std::move(connection_)); }
    Lease(const Lease &) = delete;
    Lease &operator=(const Lease &) = delete;
    Connection &connection() { return *connection_; }

  private:
    ConnectionPool &pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Closes every idle session (after one was found dropped by the server,
  // the others usually were too); leased ones are judged when they return.
  void closeIdle() noexcept;

private:
  std::unique_ptr<Connection> acquire();
  std::unique_ptr<Connection> openOrRelease();
  void giveBack(std::unique_ptr<Connection> connection) noexcept;

  const Opener open_;
  const int max_size_;
  const std::chrono::seconds wait_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_; // most recently returned last
  int open_count_ = 0;                            // idle, leased or being opened
};

template <class S> std::pair<Connection::Cache::iterator, S *> Connection::cached(const std::string &sql) {
  auto [entry, inserted] = prepared_.try_emplace(sql);
  Prepared &prepared = entry->second;
  if (!inserted) {
    if (*prepared.slots_type != typeid(S)) throw Poco::LogicException("statement reused with other types: " + sql);
    return {entry, static_cast<S *>(prepared.slots.get())};
  }
  try {
    auto slots = std::make_shared<S>();
    auto statement = std::make_unique<Poco::Data::Statement>(session_);
    *statement << sql;
    std::apply([&](auto &...column) { ((*statement, Poco::Data::Keywords::into(column)), ...); }, slots->columns);
    std::apply([&](auto &...value) { ((*statement, Poco::Data::Keywords::use(value)), ...); }, slots->params);
    prepared.slots = slots;
    prepared.slots_type = &typeid(S);
    prepared.statement = std::move(statement);
    return {entry, slots.get()};
  } catch (...) {
    prepared_.erase(entry);
    throw;
  }
}

template <class... Params> std::size_t Connection::execute(const std::string &sql, const Params &...params) {
  static_assert((kSqlValue<Params> && ...), "bind std::string or Poco::Int64");
  auto [entry, slots] = cached<Slots<std::tuple<Params...>, std::tuple<>>>(sql);
  slots->params = std::tie(params...);
  return run(entry);
}

template <class... Columns, class... Params>
std::tuple<std::vector<Columns>...> Connection::select(const std::string &sql, const Params &...params) {
  static_assert((kSqlValue<Params> && ...), "bind std::string or Poco::Int64");
  static_assert((kSqlValue<Columns> && ...), "extract std::string or Poco::Int64");
  auto [entry, slots] = cached<Slots<std::tuple<Params...>, std::tuple<std::vector<Columns>...>>>(sql);
  slots->params = std::tie(params...);
  // Poco appends to an into() vector on every execution: start each one empty.
  std::apply([](auto &...column) { (column.clear(), ...); }, slots->columns);
  run(entry);
  return std::move(slots->columns);
}

} // namespace orders::plugins::inventory
