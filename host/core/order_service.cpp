#include "core/order_service.hpp"

#include "log/logger.hpp"
#include "storage/idempotency_repository.hpp"
#include "storage/order_view_query.hpp"
#include "storage/payment_repository.hpp"

namespace orders::host::core {

OrderService::OrderService(storage::Database &db, const CorePlugins &plugins, Reconciler &reconciler,
                           PaymentReactor &reactor, CheckoutService &checkout, SweepOptions sweep,
                           size_t view_cache_entries, int64_t view_cache_max_staleness_ms)
    : db_(db), plugins_(plugins), reconciler_(reconciler), reactor_(reactor), checkout_(checkout), sweep_(sweep),
      views_(db, view_cache_entries, view_cache_max_staleness_ms) {}

std::optional<OrderView> OrderService::get(const std::string &id) {
  auto lease = db_.lease();
  auto loaded = storage::OrderViewQuery(db_).load(**lease, id); // one round trip
  if (!loaded) return std::nullopt;
  return OrderView{std::move(loaded->order), std::move(loaded->payments), std::move(loaded->shipments)};
}

std::optional<OrderView> OrderService::getByNumber(const std::string &number) {
  std::optional<Order> o;
  {
    auto lease = db_.lease();
    o = storage::OrderRepository(db_).findByNumber(**lease, number);
  }
  if (!o) return std::nullopt;
  return get(o->id);
}

std::vector<Order> OrderService::list(const storage::OrderFilter &filter) {
  auto lease = db_.lease();
  return storage::OrderRepository(db_).list(**lease, filter);
}

std::vector<HistoryEntry> OrderService::history(const std::string &id) {
  auto lease = db_.lease();
  return storage::OrderRepository(db_).history(**lease, id);
}

sdk::Result<OrderView> OrderService::view(const std::string &id) {
  auto v = get(id);
  if (!v) return sdk::notFound("order " + id + " does not exist");
  return *v;
}

sdk::Result<OrderView> OrderService::cancel(const std::string &id, const std::string &actor,
                                            const std::string &reason) {
  storage::OrderRepository orders(db_);
  storage::PaymentRepository payments(db_);
  storage::ShipmentRepository shipments(db_);
  storage::ReservationRepository reservations(db_);
  bool found = true;
  db_.transaction([&](Poco::Data::Session &s) {
    auto o = orders.find(s, id, true);
    if (!o) {
      found = false;
      return;
    }
    orders.transition(s, *o, OrderStatus::cancelled, actor, reason); // throws TransitionError (409)
    for (Payment &p : payments.forOrder(s, id)) {
      if (p.status == "pending" || p.status == "creating")
        p.status = "void_pending";
      else if (p.status == "captured")
        p.status = "refund_pending";
      else
        continue;
      payments.update(s, p);
    }
    for (Shipment sh : shipments.forOrder(s, id))
      if (sh.status == "draft" || sh.status == "confirm_pending" || sh.status == "confirmed") {
        sh.status = "cancel_pending";
        shipments.update(s, sh);
      }
    for (const Reservation &r : reservations.forOrder(s, id))
      if (r.status == "held" || r.status == "commit_pending") reservations.setStatus(s, r.id, "release_pending");
  });
  if (!found) return sdk::notFound("order " + id + " does not exist");
  reconciler_.runForOrder(id);
  return view(id);
}

namespace {
// Starts payment attempt n+1 for `o` (stock must be held); returns the
// provider's answer. Called outside any transaction.
sdk::Result<sdk::PaymentResult> startAttempt(storage::Database &db, const CorePlugins &plugins, const Order &o,
                                             Payment &payment) {
  storage::PaymentRepository payments(db);
  sdk::PaymentRequest req;
  req.orderId = o.id;
  req.orderNumber = o.order_number;
  req.attempt = payment.attempt;
  req.idempotencyKey = payment.idempotency_key;
  req.amount = sdk::Money{o.total_minor, o.currency};
  if (o.customer.isObject()) req.customer = sdk::fromJsonOrThrow<sdk::Party>(o.customer);
  req.description = "Order " + o.order_number;
  plugins::PluginInstance *provider = plugins.paymentById(payment.provider);
  if (provider == nullptr) return sdk::unavailable("payment instance " + payment.provider + " is not configured");
  return createPayment(*provider, req);
}
} // namespace

sdk::Result<OrderView> OrderService::retryPayment(const std::string &id, const std::string &actor) {
  storage::OrderRepository orders(db_);
  storage::PaymentRepository payments(db_);
  storage::ReservationRepository reservations(db_);
  std::optional<Order> o;
  Payment attempt;
  {
    auto lease = db_.lease();
    o = orders.find(**lease, id);
    if (!o) return sdk::notFound("order " + id + " does not exist");
    if (o->status != OrderStatus::payment_failed)
      return sdk::conflict(std::string("payment can be retried only for a payment_failed order; this one is ") +
                           statusName(o->status));
    auto last = payments.latest(**lease, id);
    attempt.attempt = last ? last->attempt + 1 : 1;
    attempt.provider = last ? last->provider : plugins_.payment->id();
  }
  // Stock was released when the payment failed: hold it again first
  // (unless it is still held, e.g. after a shipping-cost change).
  bool stock_held = false;
  {
    auto lease = db_.lease();
    for (const Reservation &existing : reservations.forOrder(**lease, id))
      stock_held = stock_held || existing.status == "held";
  }
  std::vector<sdk::StockLine> lines;
  for (const OrderItem &i : o->items)
    lines.push_back({i.product_id, i.variant_id, i.seller_id, i.quantity, {}});
  std::vector<std::string> made; // reservations held by this call, one per inventory instance
  sdk::Result<sdk::ReserveOutcome> held = sdk::ReserveOutcome{};
  held->reserved = true;
  if (!stock_held) {
    for (auto &[inventory, stock] : stockByInventory(plugins_, *o, lines)) {
      Reservation r;
      r.id = newId();
      r.checkout_id = o->checkout_id;
      r.order_id = o->id;
      r.provider = inventory->id();
      // Unique per call: a retry that found no stock must not block the next one.
      r.idempotency_key = "order:" + o->id + ":attempt:" + std::to_string(attempt.attempt) + ":" + r.id;
      r.status = "reserving";
      r.lines = sdk::toJson(stock);
      db_.transaction([&](Poco::Data::Session &s) { reservations.insert(s, r); });
      held = reserve(*inventory,
                     sdk::ReserveRequest{o->id, r.idempotency_key, checkout_.options().reservation_ttl_seconds, stock});
      if (!held.ok() || !held->reserved) {
        // A failed call may still have reserved: release by the order reference.
        db_.transaction([&](Poco::Data::Session &s) {
          reservations.setStatus(s, r.id, held.ok() ? "released" : "release_pending");
        });
        break;
      }
      db_.transaction([&](Poco::Data::Session &s) {
        reservations.setProviderId(s, r.id, held->reservationId.value_or(""), held->expiresAt);
      });
      made.push_back(r.id);
    }
  }
  if (!held.ok() || !held->reserved) {
    // What the other instances already hold for this call goes back.
    db_.transaction([&](Poco::Data::Session &s) {
      for (const std::string &rid : made)
        reservations.setStatus(s, rid, "release_pending");
    });
    if (!held.ok() || !made.empty()) reconciler_.runForOrder(id);
    if (!held.ok()) return held.error();
    std::string names;
    for (const auto &sh : held->shortages)
      names += (names.empty() ? "" : ", ") + sh.productId;
    return sdk::conflict("out of stock: " + names);
  }
  attempt.id = newId();
  attempt.order_id = o->id;
  attempt.idempotency_key = "order:" + o->id + ":attempt:" + std::to_string(attempt.attempt);
  attempt.status = "creating";
  attempt.amount_minor = o->total_minor;
  attempt.currency = o->currency;
  attempt.created_at_ms = attempt.updated_at_ms = nowMs();
  db_.transaction([&](Poco::Data::Session &s) { payments.insert(s, attempt); });
  auto result = startAttempt(db_, plugins_, *o, attempt);
  if (!result.ok()) {
    db_.transaction([&](Poco::Data::Session &s) {
      attempt.status = "cancelled";
      payments.update(s, attempt);
      for (const std::string &rid : made)
        reservations.setStatus(s, rid, "release_pending");
    });
    reconciler_.runForOrder(id);
    return result.error();
  }
  db_.transaction([&](Poco::Data::Session &s) {
    auto locked = orders.find(s, id, true);
    attempt.reference = result->reference;
    attempt.redirect_url = result->redirectUrl;
    attempt.expires_at = result->expiresAt;
    attempt.status = result->status == "failed" ? "failed" : "pending";
    payments.update(s, attempt);
    if (attempt.status == "pending")
      orders.transition(s, *locked, OrderStatus::awaiting_payment, actor,
                        "payment attempt " + std::to_string(attempt.attempt));
    else
      for (const std::string &rid : made)
        reservations.setStatus(s, rid, "release_pending");
  });
  reconciler_.runForOrder(id);
  if (result->status == "captured") {
    sdk::PaymentEvent paid{attempt.provider,
                           "capture:" + attempt.id,
                           "paid",
                           o->id,
                           {},
                           result->reference,
                           sdk::Money{o->total_minor, o->currency},
                           {}};
    auto applied = reactor_.apply(paid, actor);
    if (!applied.ok()) return applied.error();
  }
  return view(id);
}

sdk::Result<OrderView> OrderService::setShippingCost(const std::string &id, int64_t shipping_minor,
                                                     const std::string &actor) {
  if (shipping_minor < 0) return sdk::invalidArgument("/shippingMinor: must be >= 0");
  storage::OrderRepository orders(db_);
  storage::PaymentRepository payments(db_);
  bool found = true, reprice = false;
  std::optional<OrderStatus> wrong_status;
  db_.transaction([&](Poco::Data::Session &s) {
    auto o = orders.find(s, id, true);
    if (!o) {
      found = false;
      return;
    }
    if (o->status != OrderStatus::pending && o->status != OrderStatus::awaiting_payment &&
        o->status != OrderStatus::payment_failed) {
      wrong_status = o->status;
      return;
    }
    orders.setShipping(s, *o, shipping_minor, actor);
    // The pending payment asked for the old total: void it and ask again.
    for (Payment &p : payments.forOrder(s, id))
      if (p.status == "pending") {
        p.status = "void_pending";
        payments.update(s, p);
        reprice = true;
      }
    if (reprice) orders.transition(s, *o, OrderStatus::payment_failed, actor, "total changed: new payment needed");
  });
  if (!found) return sdk::notFound("order " + id + " does not exist");
  if (wrong_status)
    return sdk::conflict(std::string("shipping cost can change only before payment; the order is ") +
                         statusName(*wrong_status));
  reconciler_.runForOrder(id);
  if (reprice) return retryPayment(id, actor);
  return view(id);
}

} // namespace orders::host::core
