#include "storage/payment_repository.hpp"

#include <Poco/Data/Statement.h>

#include <memory>

#include "orders/sdk/json.hpp"
#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace orders::host::storage {

namespace {
Poco::Nullable<std::string> nullable(const std::optional<std::string> &v) {
  return v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>();
}

const char *kPaymentColumns = "id, order_id, attempt, provider, idempotency_key, reference, status, amount_minor, "
                              "currency, redirect_url, expires_at, created_at_ms, updated_at_ms";

core::Payment readPayment(Rows &r) {
  core::Payment p;
  p.id = r.str("id");
  p.order_id = r.str("order_id");
  p.attempt = static_cast<int>(r.i64("attempt"));
  p.provider = r.str("provider");
  p.idempotency_key = r.str("idempotency_key");
  p.reference = r.optStr("reference");
  p.status = r.str("status");
  p.amount_minor = r.i64("amount_minor");
  p.currency = r.str("currency");
  p.redirect_url = r.optStr("redirect_url");
  p.expires_at = r.optStr("expires_at");
  p.created_at_ms = r.i64("created_at_ms");
  p.updated_at_ms = r.i64("updated_at_ms");
  return p;
}

const char *kShipmentColumns =
    "id, order_id, seller_id, provider, reference, status, carrier, tracking_number, created_at_ms, updated_at_ms";

core::Shipment readShipment(Rows &r) {
  core::Shipment s;
  s.id = r.str("id");
  s.order_id = r.str("order_id");
  s.seller_id = r.optStr("seller_id");
  s.provider = r.str("provider");
  s.reference = r.optStr("reference");
  s.status = r.str("status");
  s.carrier = r.optStr("carrier");
  s.tracking_number = r.optStr("tracking_number");
  s.created_at_ms = r.i64("created_at_ms");
  s.updated_at_ms = r.i64("updated_at_ms");
  return s;
}

const char *kReservationColumns =
    "id, checkout_id, order_id, provider, reservation_id, idempotency_key, status, lines, expires_at";

core::Reservation readReservation(Rows &r) {
  core::Reservation v;
  v.id = r.str("id");
  v.checkout_id = r.str("checkout_id");
  v.order_id = r.optStr("order_id");
  v.provider = r.str("provider");
  v.reservation_id = r.optStr("reservation_id");
  v.idempotency_key = r.str("idempotency_key");
  v.status = r.str("status");
  v.lines = sdk::parseJson(r.str("lines"));
  v.expires_at = r.optStr("expires_at");
  return v;
}
} // namespace

void PaymentRepository::insert(Poco::Data::Session &s, const core::Payment &in) {
  core::Payment p = in;
  auto ref = nullable(p.reference), redirect = nullable(p.redirect_url), expires = nullable(p.expires_at);
  s << "INSERT INTO payments (" << kPaymentColumns << ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
      use(p.id), use(p.order_id), use(p.attempt), use(p.provider), use(p.idempotency_key), use(ref), use(p.status),
      use(p.amount_minor), use(p.currency), use(redirect), use(expires), use(p.created_at_ms), use(p.updated_at_ms),
      now;
}

void PaymentRepository::update(Poco::Data::Session &s, const core::Payment &in) {
  db_.exec(s,
           "UPDATE payments SET reference = $1, status = $2, redirect_url = $3, expires_at = $4, updated_at_ms = $5 "
           "WHERE id = $6",
           nullable(in.reference), in.status, nullable(in.redirect_url), nullable(in.expires_at), core::nowMs(), in.id);
}

std::optional<core::Payment> PaymentRepository::latest(Poco::Data::Session &s, const std::string &order_id) {
  auto all = forOrder(s, order_id);
  if (all.empty()) return std::nullopt;
  return all.back();
}

std::vector<core::Payment> PaymentRepository::forOrder(Poco::Data::Session &s, const std::string &order_id) {
  Statement &st = db_.query(
      s, std::string("SELECT ") + kPaymentColumns + " FROM payments WHERE order_id = $1 ORDER BY attempt", order_id);
  std::vector<core::Payment> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readPayment(r));
  return out;
}

std::vector<core::Payment> PaymentRepository::pending(Poco::Data::Session &s, int limit) {
  Statement st(s);
  st << "SELECT " << kPaymentColumns
     << " FROM payments WHERE status IN ('refund_pending', 'void_pending') ORDER BY updated_at_ms LIMIT " +
            std::to_string(limit);
  st.execute();
  std::vector<core::Payment> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readPayment(r));
  return out;
}

std::vector<core::Shipment> ShipmentRepository::pending(Poco::Data::Session &s, int limit) {
  Statement st(s);
  st << "SELECT " << kShipmentColumns
     << " FROM shipments WHERE status IN ('confirm_pending', 'cancel_pending') ORDER BY updated_at_ms LIMIT " +
            std::to_string(limit);
  st.execute();
  std::vector<core::Shipment> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readShipment(r));
  return out;
}

void ShipmentRepository::insert(Poco::Data::Session &s, const core::Shipment &in) {
  core::Shipment sh = in;
  auto seller = nullable(sh.seller_id), ref = nullable(sh.reference), carrier = nullable(sh.carrier),
       tracking = nullable(sh.tracking_number);
  s << "INSERT INTO shipments (" << kShipmentColumns << ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)", use(sh.id),
      use(sh.order_id), use(seller), use(sh.provider), use(ref), use(sh.status), use(carrier), use(tracking),
      use(sh.created_at_ms), use(sh.updated_at_ms), now;
}

void ShipmentRepository::update(Poco::Data::Session &s, const core::Shipment &in) {
  core::Shipment sh = in;
  auto ref = nullable(sh.reference), carrier = nullable(sh.carrier), tracking = nullable(sh.tracking_number);
  int64_t at = core::nowMs();
  s << "UPDATE shipments SET reference = $1, status = $2, carrier = $3, tracking_number = $4, updated_at_ms = $5 "
       "WHERE id = $6",
      use(ref), use(sh.status), use(carrier), use(tracking), use(at), use(sh.id), now;
}

std::vector<core::Shipment> ShipmentRepository::forOrder(Poco::Data::Session &s, const std::string &order_id) {
  const std::string sql =
      std::string("SELECT ") + kShipmentColumns + " FROM shipments WHERE order_id = $1 ORDER BY created_at_ms, id";
  std::string id = order_id;
  std::unique_ptr<Statement> own;
  Statement *st = nullptr;
  if (db_ != nullptr) {
    st = &db_->query(s, sql, order_id);
  } else {
    own = std::make_unique<Statement>(s);
    *own << sql, use(id);
    own->execute();
    st = own.get();
  }
  std::vector<core::Shipment> out;
  for (Rows r(*st); r.valid(); r.next())
    out.push_back(readShipment(r));
  return out;
}

std::optional<core::Shipment> ShipmentRepository::byReference(Poco::Data::Session &s, const std::string &provider,
                                                              const std::string &reference) {
  std::string p = provider, ref = reference;
  Statement st(s);
  st << "SELECT " << kShipmentColumns << " FROM shipments WHERE provider = $1 AND reference = $2", use(p), use(ref);
  st.execute();
  Rows r(st);
  if (!r.valid()) return std::nullopt;
  return readShipment(r);
}

void ReservationRepository::insert(Poco::Data::Session &s, const core::Reservation &in) {
  core::Reservation v = in;
  auto order = nullable(v.order_id), rid = nullable(v.reservation_id), expires = nullable(v.expires_at);
  std::string lines = sdk::writeJson(v.lines);
  int64_t at = core::nowMs();
  s << "INSERT INTO reservations (" << kReservationColumns
    << ", created_at_ms, updated_at_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
      use(v.id), use(v.checkout_id), use(order), use(v.provider), use(rid), use(v.idempotency_key), use(v.status),
      use(lines), use(expires), use(at), use(at), now;
}

void ReservationRepository::setStatus(Poco::Data::Session &s, const std::string &id, const std::string &status) {
  std::string i = id, st = status;
  int64_t at = core::nowMs();
  s << "UPDATE reservations SET status = $1, updated_at_ms = $2 WHERE id = $3", use(st), use(at), use(i), now;
}

void ReservationRepository::attachOrder(Poco::Data::Session &s, const std::string &id, const std::string &order_id) {
  std::string i = id, o = order_id;
  s << "UPDATE reservations SET order_id = $1 WHERE id = $2", use(o), use(i), now;
}

void ReservationRepository::setProviderId(Poco::Data::Session &s, const std::string &id,
                                          const std::string &reservation_id,
                                          const std::optional<std::string> &expires_at) {
  std::string i = id, rid = reservation_id;
  auto expires = nullable(expires_at);
  int64_t at = core::nowMs();
  s << "UPDATE reservations SET reservation_id = $1, expires_at = $2, status = 'held', updated_at_ms = $3 "
       "WHERE id = $4",
      use(rid), use(expires), use(at), use(i), now;
}

std::vector<core::Reservation> ReservationRepository::forCheckout(Poco::Data::Session &s,
                                                                  const std::string &checkout_id) {
  std::string id = checkout_id;
  Statement st(s);
  st << "SELECT " << kReservationColumns << " FROM reservations WHERE checkout_id = $1 ORDER BY created_at_ms, id",
      use(id);
  st.execute();
  std::vector<core::Reservation> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readReservation(r));
  return out;
}

std::vector<core::Reservation> ReservationRepository::forOrder(Poco::Data::Session &s, const std::string &order_id) {
  std::string id = order_id;
  Statement st(s);
  st << "SELECT " << kReservationColumns << " FROM reservations WHERE order_id = $1 ORDER BY created_at_ms, id",
      use(id);
  st.execute();
  std::vector<core::Reservation> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readReservation(r));
  return out;
}

std::vector<core::Reservation> ReservationRepository::pending(Poco::Data::Session &s, int limit) {
  Statement st(s);
  st << "SELECT " << kReservationColumns
     << " FROM reservations WHERE status IN ('commit_pending', 'release_pending') ORDER BY updated_at_ms LIMIT " +
            std::to_string(limit);
  st.execute();
  std::vector<core::Reservation> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readReservation(r));
  return out;
}

} // namespace orders::host::storage
