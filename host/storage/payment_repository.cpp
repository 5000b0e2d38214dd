#include "storage/payment_repository.hpp"

#include <Poco/Data/Statement.h>

#include <memory>

#include "domain/domain_error.hpp"
#include "orders/sdk/json.hpp"
#include "storage/row_readers.hpp"
#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace orders::host::storage {

namespace {
Poco::Nullable<std::string> nullable(const std::optional<std::string> &v) {
  return v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>();
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
  v.status = statusOf(r.str("status"), core::reservationStatusFromName, "reservations");
  v.lines = sdk::parseJson(r.str("lines"));
  v.expires_at = r.optStr("expires_at");
  return v;
}
} // namespace

void PaymentRepository::insert(Poco::Data::Session &s, const core::Payment &p) {
  db_.write(s,
            std::string("INSERT INTO payments (") + kPaymentColumns +
                ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
            p.id, p.order_id, p.attempt, p.provider, p.idempotency_key, nullable(p.reference),
            std::string(statusName(p.status)), p.amount_minor, p.currency, nullable(p.redirect_url),
            nullable(p.expires_at), p.created_at_ms, p.updated_at_ms);
  db_.touch(s, p.order_id);
}

void PaymentRepository::update(Poco::Data::Session &s, const core::Payment &in, core::PaymentStatus from) {
  if (!core::canMove(from, in.status)) throw core::SideEffectMoveError("payment", in.id, from, in.status);
  db_.write(s,
            "UPDATE payments SET reference = $1, status = $2, redirect_url = $3, expires_at = $4, updated_at_ms = $5 "
            "WHERE id = $6",
            nullable(in.reference), std::string(statusName(in.status)), nullable(in.redirect_url),
            nullable(in.expires_at), core::nowMs(), in.id);
  db_.touch(s, in.order_id);
}

bool PaymentRepository::updateIf(Poco::Data::Session &s, const core::Payment &in, core::PaymentStatus expected) {
  if (!core::canMove(expected, in.status)) throw core::SideEffectMoveError("payment", in.id, expected, in.status);
  const bool moved = db_.exec(s,
                              "UPDATE payments SET reference = $1, status = $2, redirect_url = $3, expires_at = $4, "
                              "updated_at_ms = $5, claimed_until_ms = NULL, attempts = 0, next_attempt_ms = 0 "
                              "WHERE id = $6 AND status = $7",
                              nullable(in.reference), std::string(statusName(in.status)), nullable(in.redirect_url),
                              nullable(in.expires_at), core::nowMs(), in.id, std::string(statusName(expected))) == 1;
  if (moved) db_.touch(s, in.order_id);
  return moved;
}

std::optional<std::string> PaymentRepository::orderIdOfReference(Poco::Data::Session &s, const std::string &reference) {
  std::string key = reference, id;
  Statement st(s);
  st << "SELECT order_id FROM payments WHERE reference = $1", use(key), into(id);
  if (st.execute() > 0) return id;
  return std::nullopt;
}

std::optional<core::Payment> PaymentRepository::byId(Poco::Data::Session &s, const std::string &id) {
  auto st = db_.query(s, std::string("SELECT ") + kPaymentColumns + " FROM payments WHERE id = $1", id);
  Rows r(st);
  if (!r.valid()) return std::nullopt;
  return readPayment(r);
}

std::optional<core::Payment> PaymentRepository::latest(Poco::Data::Session &s, const std::string &order_id) {
  auto all = forOrder(s, order_id);
  if (all.empty()) return std::nullopt;
  return all.back();
}

std::vector<core::Payment> PaymentRepository::forOrder(Poco::Data::Session &s, const std::string &order_id) {
  auto st = db_.query(
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

std::vector<core::Payment> PaymentRepository::awaitingProvider(Poco::Data::Session &s, int64_t before_ms, int limit) {
  Poco::Int64 before = before_ms;
  Statement st(s);
  st << "SELECT " << kPaymentColumns
     << " FROM payments WHERE status = 'pending' AND reference IS NOT NULL AND created_at_ms < $1 "
        "ORDER BY updated_at_ms LIMIT " +
            std::to_string(limit),
      use(before);
  st.execute();
  std::vector<core::Payment> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readPayment(r));
  return out;
}

void PaymentRepository::touch(Poco::Data::Session &s, const std::string &id) {
  db_.exec(s, "UPDATE payments SET updated_at_ms = $1 WHERE id = $2", core::nowMs(), id);
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

void ShipmentRepository::insert(Poco::Data::Session &s, const core::Shipment &sh) {
  db_.write(s, std::string("INSERT INTO shipments (") + kShipmentColumns + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
            sh.id, sh.order_id, nullable(sh.seller_id), sh.provider, nullable(sh.reference),
            std::string(statusName(sh.status)), nullable(sh.carrier), nullable(sh.tracking_number), sh.created_at_ms,
            sh.updated_at_ms);
  db_.touch(s, sh.order_id);
}

void ShipmentRepository::update(Poco::Data::Session &s, const core::Shipment &sh, core::ShipmentStatus from) {
  if (!core::canMove(from, sh.status)) throw core::SideEffectMoveError("shipment", sh.id, from, sh.status);
  db_.write(s,
            "UPDATE shipments SET reference = $1, status = $2, carrier = $3, tracking_number = $4, updated_at_ms = $5 "
            "WHERE id = $6",
            nullable(sh.reference), std::string(statusName(sh.status)), nullable(sh.carrier),
            nullable(sh.tracking_number), core::nowMs(), sh.id);
  db_.touch(s, sh.order_id);
}

bool ShipmentRepository::updateIf(Poco::Data::Session &s, const core::Shipment &sh, core::ShipmentStatus expected) {
  if (!core::canMove(expected, sh.status)) throw core::SideEffectMoveError("shipment", sh.id, expected, sh.status);
  const bool moved =
      db_.exec(s,
               "UPDATE shipments SET reference = $1, status = $2, carrier = $3, tracking_number = $4, "
               "updated_at_ms = $5, claimed_until_ms = NULL, attempts = 0, next_attempt_ms = 0 "
               "WHERE id = $6 AND status = $7",
               nullable(sh.reference), std::string(statusName(sh.status)), nullable(sh.carrier),
               nullable(sh.tracking_number), core::nowMs(), sh.id, std::string(statusName(expected))) == 1;
  if (moved) db_.touch(s, sh.order_id);
  return moved;
}

std::optional<core::Shipment> ShipmentRepository::byId(Poco::Data::Session &s, const std::string &id) {
  auto st = db_.query(s, std::string("SELECT ") + kShipmentColumns + " FROM shipments WHERE id = $1", id);
  Rows r(st);
  if (!r.valid()) return std::nullopt;
  return readShipment(r);
}

std::vector<core::Shipment> ShipmentRepository::forOrder(Poco::Data::Session &s, const std::string &order_id) {
  auto st = db_.query(
      s, std::string("SELECT ") + kShipmentColumns + " FROM shipments WHERE order_id = $1 ORDER BY created_at_ms, id",
      order_id);
  std::vector<core::Shipment> out;
  for (Rows r(st); r.valid(); r.next())
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

void ReservationRepository::insert(Poco::Data::Session &s, const core::Reservation &v) {
  const int64_t at = core::nowMs();
  db_.write(s,
            std::string("INSERT INTO reservations (") + kReservationColumns +
                ", created_at_ms, updated_at_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
            v.id, v.checkout_id, nullable(v.order_id), v.provider, nullable(v.reservation_id), v.idempotency_key,
            std::string(statusName(v.status)), sdk::writeJson(v.lines), nullable(v.expires_at), at, at);
}

void ReservationRepository::setStatus(Poco::Data::Session &s, const std::string &id, core::ReservationStatus from,
                                      core::ReservationStatus status) {
  if (!core::canMove(from, status)) throw core::SideEffectMoveError("reservation", id, from, status);
  db_.write(s, "UPDATE reservations SET status = $1, updated_at_ms = $2 WHERE id = $3", std::string(statusName(status)),
            core::nowMs(), id);
}

bool ReservationRepository::setStatusIf(Poco::Data::Session &s, const std::string &id, core::ReservationStatus expected,
                                        core::ReservationStatus status) {
  if (!core::canMove(expected, status)) throw core::SideEffectMoveError("reservation", id, expected, status);
  return db_.exec(s,
                  "UPDATE reservations SET status = $1, updated_at_ms = $2, claimed_until_ms = NULL, attempts = 0, "
                  "next_attempt_ms = 0 WHERE id = $3 AND status = $4",
                  std::string(statusName(status)), core::nowMs(), id, std::string(statusName(expected))) == 1;
}

std::optional<core::Reservation> ReservationRepository::byId(Poco::Data::Session &s, const std::string &id) {
  auto st = db_.query(s, std::string("SELECT ") + kReservationColumns + " FROM reservations WHERE id = $1", id);
  Rows r(st);
  if (!r.valid()) return std::nullopt;
  return readReservation(r);
}

void ReservationRepository::attachOrder(Poco::Data::Session &s, const std::string &id, const std::string &order_id) {
  db_.write(s, "UPDATE reservations SET order_id = $1 WHERE id = $2", order_id, id);
}

void ReservationRepository::setProviderId(Poco::Data::Session &s, const std::string &id,
                                          const std::string &reservation_id,
                                          const std::optional<std::string> &expires_at) {
  db_.write(s,
            "UPDATE reservations SET reservation_id = $1, expires_at = $2, status = 'held', updated_at_ms = $3 "
            "WHERE id = $4",
            reservation_id, nullable(expires_at), core::nowMs(), id);
}

std::vector<core::Reservation> ReservationRepository::forCheckout(Poco::Data::Session &s,
                                                                  const std::string &checkout_id) {
  auto st = db_.query(s,
                      std::string("SELECT ") + kReservationColumns +
                          " FROM reservations WHERE checkout_id = $1 ORDER BY created_at_ms, id",
                      checkout_id);
  std::vector<core::Reservation> out;
  for (Rows r(st); r.valid(); r.next())
    out.push_back(readReservation(r));
  return out;
}

std::vector<core::Reservation> ReservationRepository::forOrder(Poco::Data::Session &s, const std::string &order_id) {
  auto st = db_.query(s,
                      std::string("SELECT ") + kReservationColumns +
                          " FROM reservations WHERE order_id = $1 ORDER BY created_at_ms, id",
                      order_id);
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
