#include "storage/order_repository.hpp"

#include <Poco/Data/Statement.h>

#include "log/trace.hpp"
#include "orders/sdk/json.hpp"
#include "storage/order_view_query.hpp"
#include "storage/row_readers.hpp"
#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace orders::host::storage {

namespace {

Poco::Nullable<std::string> nullable(const std::optional<std::string> &v) {
  return v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>();
}
Poco::Nullable<std::string> nullableJson(const Json::Value &v) {
  return v.isNull() ? Poco::Nullable<std::string>() : Poco::Nullable<std::string>(sdk::writeJson(v));
}
} // namespace

std::optional<std::string> OrderRepository::idByIdOrNumber(Poco::Data::Session &s, const std::string &key) {
  std::string k = key, id;
  Statement st(s);
  st << "SELECT id FROM orders WHERE id = $1 OR order_number = $1", use(k), into(id);
  if (st.execute() > 0) return id;
  return std::nullopt;
}

std::optional<std::string> OrderRepository::idByNumber(Poco::Data::Session &s, const std::string &number) {
  Rows r(db_.query(s, "SELECT id FROM orders WHERE order_number = $1", number));
  if (!r.valid()) return std::nullopt;
  return r.str("id");
}

std::optional<std::string> OrderRepository::idBySeq(Poco::Data::Session &s, int64_t seq) {
  Rows r(db_.query(s, "SELECT id FROM orders WHERE seq = CAST($1 AS BIGINT)", std::to_string(seq)));
  if (!r.valid()) return std::nullopt;
  return r.str("id");
}

std::vector<int64_t> OrderRepository::drawSeqs(Poco::Data::Session &s, int count) {
  std::vector<int64_t> out;
  if (count <= 0) return out;
  if (db_.engine() == Engine::postgres) {
    Rows r(db_.query(s, "SELECT nextval('orders_seq') AS v FROM generate_series(1, CAST($1 AS INTEGER))",
                     std::to_string(count)));
    for (; r.valid(); r.next())
      out.push_back(r.i64("v"));
  } else {
    Rows r(db_.query(s, "UPDATE order_seq SET last_value = last_value + CAST($1 AS INTEGER) RETURNING last_value AS v",
                     std::to_string(count)));
    const int64_t last = r.valid() ? r.i64("v") : 0;
    for (int64_t v = last - count + 1; v <= last; ++v)
      out.push_back(v);
  }
  if (static_cast<int>(out.size()) != count || out.front() <= 0)
    throw std::runtime_error("order numeric ids: could not draw " + std::to_string(count) + " values");
  return out;
}

void OrderRepository::insert(Poco::Data::Session &s, const core::Order &given, const std::string &actor) {
  core::Order drawn;
  if (given.seq <= 0) { // callers that did not draw ahead (tests, tools): one more round trip
    drawn = given;
    drawn.seq = drawSeqs(s, 1).front();
  }
  const core::Order &o = given.seq > 0 ? given : drawn;
  std::string status = core::statusName(o.status);
  auto seller = nullable(o.seller_id);
  auto address = nullableJson(o.shipping_address);
  auto customer = nullableJson(o.customer);
  auto pay = nullable(o.payment_instance);
  auto ship = nullable(o.shipping_instance);
  int refund = o.refund_required ? 1 : 0;
  static const std::string insert_order =
      std::string("INSERT INTO orders (") + kOrderColumns +
      ", items_json) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)";
  db_.write(s, insert_order, o.id, o.order_number, o.checkout_id, o.user_id, seller, status, o.currency,
            o.subtotal_minor, o.shipping_minor, o.total_minor, address, customer, pay, ship, refund, o.version,
            o.created_at_ms, o.updated_at_ms, o.seq, nullableJson(o.billing_address), nullableJson(o.metadata),
            itemsSnapshot(o.items));
  static const std::string insert_item = std::string("INSERT INTO order_items (order_id, ") + kItemColumns +
                                         ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)";
  for (const core::OrderItem &item : o.items)
    db_.write(s, insert_item, o.id, item.line_no, item.product_id, nullable(item.variant_id), nullable(item.seller_id),
              item.title, item.quantity, item.unit_price_minor, item.line_total_minor, sdk::writeJson(item.attributes),
              nullable(item.image_url));
  db_.write(s,
            "INSERT INTO order_history (order_id, from_status, to_status, actor, reason, created_at_ms) "
            "VALUES ($1, NULL, $2, $3, $4, $5)",
            o.id, status, actor, "checkout " + o.checkout_id, o.created_at_ms);
  appendEvent(s, "order.created", o);
  db_.touch(s, o.id);
}

std::vector<core::OrderItem> OrderRepository::items(Poco::Data::Session &s, const std::string &order_id) {
  auto st = db_.query(
      s, std::string("SELECT ") + kItemColumns + " FROM order_items WHERE order_id = $1 ORDER BY line_no", order_id);
  std::vector<core::OrderItem> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readItem(r));
  return out;
}

std::optional<core::Order> OrderRepository::find(Poco::Data::Session &s, const std::string &id, bool lock) {
  // The order with its items in one round trip (locking only the order row).
  static const std::string pg = std::string("SELECT ") + kOrderColumns + ", " + itemsSql(Engine::postgres) +
                                " AS items_json FROM orders WHERE id = $1";
  static const std::string sqlite = std::string("SELECT ") + kOrderColumns + ", " + itemsSql(Engine::sqlite) +
                                    " AS items_json FROM orders WHERE id = $1";
  auto st = db_.query(s, (db_.engine() == Engine::postgres ? pg : sqlite) + (lock ? db_.forUpdate() : ""), id);
  Rows r(st);
  if (!r.valid()) return std::nullopt;
  core::Order o = readOrder(r);
  o.items = itemsFromJson(r.optStr("items_json"));
  return o;
}

std::optional<core::OrderStatus> OrderRepository::lockStatus(Poco::Data::Session &s, const std::string &id) {
  auto st = db_.query(s, std::string("SELECT status FROM orders WHERE id = $1") + db_.forUpdate(), id);
  Rows r(st);
  if (!r.valid()) return std::nullopt;
  return core::statusFromName(r.str("status"));
}

namespace {
// The items of each selected orders row, as one JSON text (itemsFromJson).
const std::string &itemsOfEachRow(Engine engine) {
  static const std::string pg = itemsSql(Engine::postgres, "orders.id");
  static const std::string sqlite = itemsSql(Engine::sqlite, "orders.id");
  return engine == Engine::postgres ? pg : sqlite;
}

} // namespace

std::vector<core::Order> OrderRepository::findByCheckout(Poco::Data::Session &s, const std::string &checkout_id) {
  std::string key = checkout_id;
  Statement st(s);
  st << "SELECT " << kOrderColumns << ", " << itemsOfEachRow(db_.engine())
     << " AS items_json FROM orders WHERE checkout_id = $1 ORDER BY created_at_ms, id",
      use(key);
  st.execute();
  std::vector<core::Order> out;
  for (Rows r(st); r.valid(); r.next()) {
    out.push_back(readOrder(r));
    out.back().items = itemsFromJson(r.optStr("items_json"));
  }
  return out;
}

namespace {

std::string likeSubstring(const std::string &text);

// The WHERE clause of a list filter; its values go to `params` ($1.. in
// order, as text, cast where numbers are meant). The SQL text depends only
// on which filters are present, so each shape is prepared once per
// connection (Database::query).
void whereOf(const OrderFilter &f, std::string &sql, std::vector<std::string> &params) {
  auto next = [&params](std::string value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  if (f.user_id) sql += " AND user_id = " + next(*f.user_id);
  if (f.seller_id) sql += " AND seller_id = " + next(*f.seller_id);
  if (f.status) sql += " AND status = " + next(*f.status);
  if (f.created_from_ms)
    sql += " AND created_at_ms >= CAST(" + next(std::to_string(*f.created_from_ms)) + " AS BIGINT)";
  if (f.created_to_ms) sql += " AND created_at_ms < CAST(" + next(std::to_string(*f.created_to_ms)) + " AS BIGINT)";
  if (f.search) sql += " AND LOWER(order_number) LIKE " + next(likeSubstring(*f.search)) + " ESCAPE '!'";
  if (f.after) {
    const std::string a = next(std::to_string(f.after->first)), b = next(std::to_string(f.after->first)),
                      c = next(f.after->second);
    sql += " AND (created_at_ms < CAST(" + a + " AS BIGINT) OR (created_at_ms = CAST(" + b + " AS BIGINT) AND id < " +
           c + "))";
  }
}

// LIKE pattern for a substring, with LIKE's own characters escaped by '!'.
std::string likeSubstring(const std::string &text) {
  std::string out = "%";
  for (char c : text) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower == '%' || lower == '_' || lower == '!') out += '!';
    out += lower;
  }
  return out + "%";
}

} // namespace

std::vector<core::Order> OrderRepository::list(Poco::Data::Session &s, const OrderFilter &f) {
  // Built from fixed fragments; every value is a bound parameter.
  // Each row's items in the same statement (one round trip for the page).
  std::string sql = std::string("SELECT ") + kOrderColumns + ", " + itemsOfEachRow(db_.engine()) +
                    " AS items_json FROM orders WHERE 1=1";
  std::vector<std::string> params;
  whereOf(f, sql, params);
  params.push_back(std::to_string(f.limit));
  sql += " ORDER BY created_at_ms DESC, id DESC LIMIT CAST($" + std::to_string(params.size()) + " AS INTEGER)";
  if (f.offset > 0) {
    params.push_back(std::to_string(f.offset));
    sql += " OFFSET CAST($" + std::to_string(params.size()) + " AS INTEGER)";
  }
  auto st = db_.query(s, sql, params);
  std::vector<core::Order> out;
  for (Rows r(st); r.valid(); r.next()) {
    out.push_back(readOrder(r));
    out.back().items = itemsFromJson(r.optStr("items_json"));
  }
  return out;
}

int64_t OrderRepository::count(Poco::Data::Session &s, const OrderFilter &f) {
  std::string sql = "SELECT COUNT(*) AS n FROM orders WHERE 1=1";
  OrderFilter without_cursor = f;
  without_cursor.after.reset();
  std::vector<std::string> params;
  whereOf(without_cursor, sql, params);
  Rows r(db_.query(s, sql, params));
  return r.valid() ? r.i64("n") : 0;
}

std::vector<std::string> OrderRepository::idsInStatusSince(Poco::Data::Session &s, core::OrderStatus status,
                                                           int64_t before_ms, int limit) {
  std::string name = core::statusName(status);
  std::vector<std::string> ids;
  Statement st(s);
  st << "SELECT id FROM orders WHERE status = $1 AND updated_at_ms < $2 ORDER BY updated_at_ms LIMIT " +
            std::to_string(limit),
      use(name), use(before_ms), into(ids);
  st.execute();
  return ids;
}

void OrderRepository::transition(Poco::Data::Session &s, core::Order &order, core::OrderStatus to,
                                 const std::string &actor, const std::string &reason, const Json::Value &more) {
  if (!core::canTransition(order.status, to)) throw TransitionError(order.status, to);
  const core::OrderStatus from = order.status;
  std::string from_name = core::statusName(from), to_name = core::statusName(to);
  int64_t at = core::nowMs();
  int64_t expected = order.version;
  std::string id = order.id;
  if (db_.exec(
          s, "UPDATE orders SET status = $1, version = version + 1, updated_at_ms = $2 WHERE id = $3 AND version = $4",
          to_name, at, id, expected) != 1)
    throw core::ConcurrentChange("order " + order.id + " (version " + std::to_string(expected) + ")");
  order.status = to;
  order.version += 1;
  order.updated_at_ms = at;
  db_.touch(s, id);
  db_.write(s,
            "INSERT INTO order_history (order_id, from_status, to_status, actor, reason, created_at_ms) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            id, from_name, to_name, actor, reason, at);
  Json::Value extra(Json::objectValue);
  extra["fromStatus"] = from_name;
  extra["toStatus"] = to_name;
  extra["actor"] = actor;
  extra["reason"] = reason;
  for (const std::string &k : more.getMemberNames())
    extra[k] = more[k];
  appendEvent(s, core::eventTypeFor(to), order, extra);
}

void OrderRepository::setShipping(Poco::Data::Session &s, core::Order &order, int64_t shipping_minor,
                                  const std::string &actor) {
  int64_t total = 0;
  if (__builtin_add_overflow(order.subtotal_minor, shipping_minor, &total))
    throw core::DomainError(sdk::invalidArgument("/shippingMinor: the order's total would overflow"));
  int64_t at = core::nowMs();
  int64_t expected = order.version;
  std::string id = order.id;
  Statement update(s);
  update << "UPDATE orders SET shipping_minor = $1, total_minor = $2, version = version + 1, updated_at_ms = $3 "
            "WHERE id = $4 AND version = $5",
      use(shipping_minor), use(total), use(at), use(id), use(expected);
  if (update.execute() != 1) throw core::ConcurrentChange("order " + order.id);
  db_.touch(s, id);
  const int64_t previous = order.shipping_minor;
  order.shipping_minor = shipping_minor;
  order.total_minor = total;
  order.version += 1;
  order.updated_at_ms = at;
  Json::Value extra(Json::objectValue);
  extra["previousShippingMinor"] = static_cast<Json::Int64>(previous);
  extra["actor"] = actor;
  appendEvent(s, "order.updated", order, extra);
}

void OrderRepository::setRefundRequired(Poco::Data::Session &s, core::Order &order, bool required) {
  int flag = required ? 1 : 0;
  int64_t at = core::nowMs();
  std::string id = order.id;
  s << "UPDATE orders SET refund_required = $1, version = version + 1, updated_at_ms = $2 WHERE id = $3", use(flag),
      use(at), use(id), now;
  db_.touch(s, id);
  order.refund_required = required;
  order.version += 1;
  order.updated_at_ms = at;
}

void OrderRepository::setInstances(Poco::Data::Session &s, const core::Order &order) {
  auto pay = nullable(order.payment_instance);
  auto ship = nullable(order.shipping_instance);
  std::string id = order.id;
  s << "UPDATE orders SET payment_instance = $1, shipping_instance = $2 WHERE id = $3", use(pay), use(ship), use(id),
      now;
  db_.touch(s, id);
}

std::vector<core::HistoryEntry> OrderRepository::history(Poco::Data::Session &s, const std::string &order_id) {
  std::string id = order_id;
  Statement st(s);
  st << "SELECT from_status, to_status, actor, reason, created_at_ms FROM order_history WHERE order_id = $1 "
        "ORDER BY id",
      use(id);
  st.execute();
  std::vector<core::HistoryEntry> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(
        {r.optStr("from_status"), r.str("to_status"), r.str("actor"), r.optStr("reason"), r.i64("created_at_ms")});
  return out;
}

void OrderRepository::appendEvent(Poco::Data::Session &s, const std::string &type, const core::Order &order,
                                  const Json::Value &extra) {
  Json::Value data = orderJson(order);
  for (const std::string &k : extra.getMemberNames())
    data[k] = extra[k];
  Json::Value envelope(Json::objectValue);
  std::string event_id = core::newId();
  int64_t at = core::nowMs();
  envelope["id"] = event_id;
  envelope["type"] = type;
  envelope["version"] = 1;
  envelope["occurredAt"] = core::rfc3339(at);
  envelope["orderId"] = order.id;
  envelope["sequence"] = static_cast<Json::Int64>(order.version);
  envelope["data"] = data;
  std::string payload = sdk::writeJson(envelope);
  // The trace of the work that writes the event: the relay publishes it in
  // that trace (a traceparent header on the Kafka message).
  const trace::Context &tc = trace::current();
  std::optional<std::string> traceparent, tracestate;
  if (tc.valid()) traceparent = tc.traceparent();
  if (tc.valid() && !tc.tracestate.empty()) tracestate = tc.tracestate;
  db_.write(s,
            "INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms, traceparent, "
            "tracestate) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            event_id, type, order.id, payload, at, nullable(traceparent), nullable(tracestate));
}

} // namespace orders::host::storage
