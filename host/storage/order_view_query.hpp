// An order with its items, payments and shipments in one round trip: one
// statement whose sub-selects aggregate each child table to JSON
// (json_build_object/json_agg on PostgreSQL, json_object/json_group_array on
// SQLite). The read path of GET /api/orders/:id; the rows are read by the
// same readers as the per-table repositories (storage/row_readers.hpp).
//
// On PostgreSQL the view also carries a *signature*: the transaction ids
// (xmin) of the order row and of every item, payment and shipment row. Any
// insert, update or delete of one of them, by any process, changes it, so a
// rendered view stored with its signature is still current exactly when
// signature() answers the same (core::OrderViewCache).
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <string>
#include <vector>

#include "domain/order.hpp"

namespace orders::host::storage {

class Database;
enum class Engine;

struct OrderAggregate {
  core::Order order;                     // with items, by line number
  std::vector<core::Payment> payments;   // by attempt
  std::vector<core::Shipment> shipments; // by creation, then id
  std::string signature;                 // PostgreSQL; empty on SQLite
};

// "(SELECT json_agg(json_build_object('a', a, ...)) FROM table WHERE
// order_id = $1)" in `engine`'s dialect: one child table as a JSON array.
// `order_key` replaces $1 (e.g. "orders.id" for every row of a list).
std::string childAggregateSql(Engine engine, const char *columns, const char *table, const char *order_key = "$1");
// An orders row's items as JSON text: its own snapshot (orders.items_json,
// migration 0013), or for a row an earlier version wrote without one, the
// aggregate of its order_items rows (`order_key` as above).
std::string itemsSql(Engine engine, const char *order_key = "$1");
// The snapshot OrderRepository::insert stores: the aggregate's shape.
std::string itemsSnapshot(const std::vector<core::OrderItem> &items);
// The items of such an aggregate of kItemColumns, by line number.
std::vector<core::OrderItem> itemsFromJson(const std::optional<std::string> &json);

class OrderViewQuery {
public:
  explicit OrderViewQuery(Database &db) : db_(db) {}
  // nullopt when there is no such order. Not locking: for reads.
  std::optional<OrderAggregate> load(Poco::Data::Session &s, const std::string &order_id);
  // True when the engine has row signatures (PostgreSQL).
  bool hasSignatures() const;
  // The order's current signature (one primary-key and three index
  // lookups); nullopt when there is no such order. PostgreSQL only.
  std::optional<std::string> signature(Poco::Data::Session &s, const std::string &order_id);

private:
  Database &db_;
};

} // namespace orders::host::storage
