// An order with its items, payments and shipments in one round trip: one
// statement whose sub-selects aggregate each child table to JSON
// (json_build_object/json_agg on PostgreSQL, json_object/json_group_array on
// SQLite). The read path of GET /api/orders/:id; the rows are read by the
// same readers as the per-table repositories (storage/row_readers.hpp).
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <string>
#include <vector>

#include "core/order.hpp"

namespace orders::host::storage {

class Database;
enum class Engine;

struct OrderAggregate {
  core::Order order;                     // with items, by line number
  std::vector<core::Payment> payments;   // by attempt
  std::vector<core::Shipment> shipments; // by creation, then id
};

// "(SELECT json_agg(json_build_object('a', a, ...)) FROM table WHERE
// order_id = $1)" in `engine`'s dialect: one child table as a JSON array.
std::string childAggregateSql(Engine engine, const char *columns, const char *table);
// The items of such an aggregate of kItemColumns, by line number.
std::vector<core::OrderItem> itemsFromJson(const std::optional<std::string> &json);

class OrderViewQuery {
public:
  explicit OrderViewQuery(Database &db) : db_(db) {}
  // nullopt when there is no such order. Not locking: for reads.
  std::optional<OrderAggregate> load(Poco::Data::Session &s, const std::string &order_id);

private:
  Database &db_;
};

} // namespace orders::host::storage
