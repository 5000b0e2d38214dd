// orders, order_items, order_history and the outbox rows their changes
// write. Every function works inside the caller's transaction (a Session
// from Database::transaction), so a status change, its history row and its
// outbox event commit together or not at all.
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/domain_error.hpp"
#include "domain/order.hpp"
#include "storage/database.hpp"

namespace orders::host::storage {

// core::TransitionError, named where the repository raises it.
using TransitionError = core::TransitionError;

// Filters for list() (domain/order.hpp).
using OrderFilter = core::OrderFilter;

class OrderRepository {
public:
  explicit OrderRepository(Database &db) : db_(db) {}

  // Inserts the order and its items, a history row (-> pending) and the
  // `order.created` outbox event.
  void insert(Poco::Data::Session &s, const core::Order &order, const std::string &actor);

  // `lock`: SELECT ... FOR UPDATE on PostgreSQL (SQLite's write transaction
  // already excludes other writers).
  std::optional<core::Order> find(Poco::Data::Session &s, const std::string &id, bool lock = false);
  // The order's status, its row locked for the transaction (FOR UPDATE on
  // PostgreSQL); nullopt when there is no such order.
  std::optional<core::OrderStatus> lockStatus(Poco::Data::Session &s, const std::string &id);
  // The id of the order whose id or order number is `key` / whose number is `number`.
  std::optional<std::string> idByIdOrNumber(Poco::Data::Session &s, const std::string &key);
  std::optional<std::string> idByNumber(Poco::Data::Session &s, const std::string &number);
  // The order with numeric id `seq` (migration 0008).
  std::optional<std::string> idBySeq(Poco::Data::Session &s, int64_t seq);
  // `count` fresh numeric ids for orders about to be inserted (one round
  // trip; a sequence on PostgreSQL, the order_seq row on SQLite, which must
  // run inside a transaction).
  std::vector<int64_t> drawSeqs(Poco::Data::Session &s, int count);
  std::vector<core::Order> findByCheckout(Poco::Data::Session &s, const std::string &checkout_id);
  std::vector<core::Order> list(Poco::Data::Session &s, const OrderFilter &filter);
  // How many orders match `filter` (its cursor, limit and offset ignored).
  int64_t count(Poco::Data::Session &s, const OrderFilter &filter);
  // Ids of orders in `status` last updated before `before_ms` (sweeps).
  std::vector<std::string> idsInStatusSince(Poco::Data::Session &s, core::OrderStatus status, int64_t before_ms,
                                            int limit);

  // Moves `order` to `to` (TransitionError when the table forbids it),
  // bumping its version, and writes history + one outbox event. `order` is
  // updated in place. The caller must hold the row lock (find(..., true)).
  // `more`: fields added to the event's data (order.paid: paymentReference).
  void transition(Poco::Data::Session &s, core::Order &order, core::OrderStatus to, const std::string &actor,
                  const std::string &reason, const Json::Value &more = Json::Value());
  void setShipping(Poco::Data::Session &s, core::Order &order, int64_t shipping_minor, const std::string &actor);
  void setRefundRequired(Poco::Data::Session &s, core::Order &order, bool required);
  void setInstances(Poco::Data::Session &s, const core::Order &order);

  std::vector<core::HistoryEntry> history(Poco::Data::Session &s, const std::string &order_id);

  // Appends an outbox row for `order` (canonical envelope data: the order
  // snapshot plus `extra` members).
  void appendEvent(Poco::Data::Session &s, const std::string &type, const core::Order &order,
                   const Json::Value &extra = Json::Value(Json::objectValue));

private:
  std::vector<core::OrderItem> items(Poco::Data::Session &s, const std::string &order_id);
  Database &db_;
};

} // namespace orders::host::storage
