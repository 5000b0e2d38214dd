// payments, shipments and reservations: the records of what the core asked
// plugins to do, written in the same transactions as the order changes that
// need them. Each works inside the caller's transaction.
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <vector>

#include "domain/order.hpp"
#include "storage/database.hpp"

namespace orders::host::storage {

class PaymentRepository {
public:
  explicit PaymentRepository(Database &db) : db_(db) {}
  void insert(Poco::Data::Session &s, const core::Payment &p);
  // Reference, status, redirect, expiry; `from` is the status the caller read
  // (under the order's row lock): a move the table does not list throws
  // core::SideEffectMoveError before anything is written.
  void update(Poco::Data::Session &s, const core::Payment &p, core::PaymentStatus from);
  // update() only while the row's status is still `expected` (compare-and-
  // set; also ends a reconciler claim). False when someone moved it.
  bool updateIf(Poco::Data::Session &s, const core::Payment &p, core::PaymentStatus expected);
  std::optional<core::Payment> byId(Poco::Data::Session &s, const std::string &id);
  // The order of the attempt with this provider reference.
  std::optional<std::string> orderIdOfReference(Poco::Data::Session &s, const std::string &reference);
  std::optional<core::Payment> latest(Poco::Data::Session &s, const std::string &order_id);
  std::vector<core::Payment> forOrder(Poco::Data::Session &s, const std::string &order_id);
  // Payments in refund_pending / void_pending (for the reconciler).
  std::vector<core::Payment> pending(Poco::Data::Session &s, int limit);
  // Payments still `pending` at the provider, created before `before_ms`,
  // least recently touched first (for the status poll).
  std::vector<core::Payment> awaitingProvider(Poco::Data::Session &s, int64_t before_ms, int limit);
  // Marks a payment as looked at now (so the poll rotates through them).
  void touch(Poco::Data::Session &s, const std::string &id);

private:
  Database &db_;
};

class ShipmentRepository {
public:
  explicit ShipmentRepository(Database &db) : db_(db) {}
  void insert(Poco::Data::Session &s, const core::Shipment &sh);
  void update(Poco::Data::Session &s, const core::Shipment &sh, core::ShipmentStatus from); // as for payments
  bool updateIf(Poco::Data::Session &s, const core::Shipment &sh, core::ShipmentStatus expected);
  std::optional<core::Shipment> byId(Poco::Data::Session &s, const std::string &id);
  std::vector<core::Shipment> forOrder(Poco::Data::Session &s, const std::string &order_id);
  std::optional<core::Shipment> byReference(Poco::Data::Session &s, const std::string &provider,
                                            const std::string &reference);
  // Shipments in confirm_pending / cancel_pending (for the reconciler).
  std::vector<core::Shipment> pending(Poco::Data::Session &s, int limit);

private:
  Database &db_;
};

class ReservationRepository {
public:
  explicit ReservationRepository(Database &db) : db_(db) {}
  void insert(Poco::Data::Session &s, const core::Reservation &r);
  // `from` is the status the caller read (as for payments).
  void setStatus(Poco::Data::Session &s, const std::string &id, core::ReservationStatus from,
                 core::ReservationStatus status);
  // setStatus() only while the status is still `expected` (compare-and-set;
  // also ends a reconciler claim).
  bool setStatusIf(Poco::Data::Session &s, const std::string &id, core::ReservationStatus expected,
                   core::ReservationStatus status);
  std::optional<core::Reservation> byId(Poco::Data::Session &s, const std::string &id);
  void attachOrder(Poco::Data::Session &s, const std::string &id, const std::string &order_id);
  void setProviderId(Poco::Data::Session &s, const std::string &id, const std::string &reservation_id,
                     const std::optional<std::string> &expires_at);
  std::vector<core::Reservation> forCheckout(Poco::Data::Session &s, const std::string &checkout_id);
  std::vector<core::Reservation> forOrder(Poco::Data::Session &s, const std::string &order_id);
  // Rows whose status is one of the *_pending states (for the reconciler).
  std::vector<core::Reservation> pending(Poco::Data::Session &s, int limit);

private:
  Database &db_;
};

} // namespace orders::host::storage
