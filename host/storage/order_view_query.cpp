#include "storage/order_view_query.hpp"

#include <algorithm>
#include <sstream>

#include "orders/sdk/json.hpp"
#include "storage/database.hpp"
#include "storage/row_readers.hpp"
#include "storage/rows.hpp"

namespace orders::host::storage {

namespace {

// "a, b" -> "json_build_object('a', a, 'b', b)" (or json_object on SQLite).
std::string jsonObject(Engine engine, const char *columns) {
  std::string out = engine == Engine::postgres ? "json_build_object(" : "json_object(";
  std::istringstream in(columns);
  std::string column;
  bool first = true;
  while (std::getline(in, column, ',')) {
    column.erase(0, column.find_first_not_of(' '));
    out += (first ? "'" : ", '") + column + "', " + column;
    first = false;
  }
  return out + ")";
}

// "xmin/xmins of payments/of shipments" of the order row $1 (in a
// sub-select, an unqualified xmin is the sub-selected table's). The items
// need none: they never change after the transaction that wrote the order
// row (and its snapshot of them), so the row's xmin covers them.
std::string signatureSql() {
  auto children = [](const char *table, const char *key) {
    return std::string(" || '/' || COALESCE((SELECT string_agg(xmin::text, ',' ORDER BY ") + key + ") FROM " + table +
           " WHERE order_id = $1), '')";
  };
  return "xmin::text" + children("payments", "id") + children("shipments", "id") + " AS signature";
}

std::string viewSql(Engine engine) {
  const bool pg = engine == Engine::postgres;
  return "SELECT " + jsonObject(engine, kOrderColumns) + (pg ? "::text" : "") + " AS order_json, " + itemsSql(engine) +
         " AS items_json, " + childAggregateSql(engine, kPaymentColumns, "payments") + " AS payments_json, " +
         childAggregateSql(engine, kShipmentColumns, "shipments") + " AS shipments_json" +
         (pg ? ", " + signatureSql() : std::string()) + " FROM orders WHERE id = $1";
}

template <class T, class Read> std::vector<T> readAll(const std::optional<std::string> &json, Read read) {
  std::vector<T> out;
  const Json::Value rows = parseOrNull(json); // NULL (PostgreSQL) or [] when the table has none
  for (const Json::Value &row : rows) {
    JsonRow r(row);
    out.push_back(read(r));
  }
  return out;
}

} // namespace

std::string childAggregateSql(Engine engine, const char *columns, const char *table, const char *order_key) {
  const bool pg = engine == Engine::postgres;
  return std::string("(SELECT ") + (pg ? "json_agg(" : "json_group_array(") + jsonObject(engine, columns) + ")" +
         (pg ? "::text" : "") + " FROM " + table + " WHERE order_id = " + order_key + ")";
}

std::string itemsSql(Engine engine, const char *order_key) {
  return "COALESCE(orders.items_json, " + childAggregateSql(engine, kItemColumns, "order_items", order_key) + ")";
}

std::string itemsSnapshot(const std::vector<core::OrderItem> &items) {
  Json::Value out(Json::arrayValue);
  for (const core::OrderItem &i : items) {
    Json::Value row(Json::objectValue);
    row["line_no"] = i.line_no;
    row["product_id"] = i.product_id;
    row["variant_id"] = i.variant_id ? Json::Value(*i.variant_id) : Json::Value();
    row["seller_id"] = i.seller_id ? Json::Value(*i.seller_id) : Json::Value();
    row["title"] = i.title;
    row["quantity"] = static_cast<Json::Int64>(i.quantity);
    row["unit_price_minor"] = static_cast<Json::Int64>(i.unit_price_minor);
    row["line_total_minor"] = static_cast<Json::Int64>(i.line_total_minor);
    row["attributes"] = sdk::writeJson(i.attributes); // TEXT in order_items: a string in the aggregate too
    row["image_url"] = i.image_url ? Json::Value(*i.image_url) : Json::Value();
    out.append(std::move(row));
  }
  return sdk::writeJson(out);
}

std::vector<core::OrderItem> itemsFromJson(const std::optional<std::string> &json) {
  auto items = readAll<core::OrderItem>(json, [](JsonRow &row) { return readItem(row); });
  // Aggregates carry no order of their own (json_group_array has no ORDER BY here).
  std::sort(items.begin(), items.end(), [](const auto &a, const auto &b) { return a.line_no < b.line_no; });
  return items;
}

std::optional<OrderAggregate> OrderViewQuery::load(Poco::Data::Session &s, const std::string &order_id) {
  static const std::string pg_sql = viewSql(Engine::postgres), sqlite_sql = viewSql(Engine::sqlite);
  auto st = db_.query(s, db_.engine() == Engine::postgres ? pg_sql : sqlite_sql, order_id);
  Rows r(st);
  if (!r.valid()) return std::nullopt;
  OrderAggregate out;
  const Json::Value order = parseOrNull(r.optStr("order_json"));
  JsonRow order_row(order);
  out.order = readOrder(order_row);
  out.order.items = itemsFromJson(r.optStr("items_json"));
  if (hasSignatures()) out.signature = r.str("signature");
  out.payments = readAll<core::Payment>(r.optStr("payments_json"), [](JsonRow &row) { return readPayment(row); });
  out.shipments = readAll<core::Shipment>(r.optStr("shipments_json"), [](JsonRow &row) { return readShipment(row); });
  std::sort(out.payments.begin(), out.payments.end(),
            [](const auto &a, const auto &b) { return a.attempt < b.attempt; });
  std::sort(out.shipments.begin(), out.shipments.end(), [](const auto &a, const auto &b) {
    return a.created_at_ms != b.created_at_ms ? a.created_at_ms < b.created_at_ms : a.id < b.id;
  });
  return out;
}

bool OrderViewQuery::hasSignatures() const { return db_.engine() == Engine::postgres; }

std::optional<std::string> OrderViewQuery::signature(Poco::Data::Session &s, const std::string &order_id) {
  if (!hasSignatures()) throw std::logic_error("OrderViewQuery::signature: PostgreSQL only");
  static const std::string sql = "SELECT " + signatureSql() + " FROM orders WHERE id = $1";
  Rows r(db_.query(s, sql, order_id));
  if (!r.valid()) return std::nullopt;
  return r.str("signature");
}

} // namespace orders::host::storage
