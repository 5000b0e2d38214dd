#include "core/order_service.hpp"

#include "log/logger.hpp"
#include "orders/sdk/contract.hpp"
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
  auto id = idByNumber(number);
  if (!id) return std::nullopt;
  return get(*id);
}

std::optional<OrderView> OrderService::getByNumericId(int64_t seq) {
  auto id = idByNumericId(seq);
  if (!id) return std::nullopt;
  return get(*id);
}

namespace {
constexpr size_t kMaxKnownIds = 65536;
}

std::optional<std::string> OrderService::rememberedId(const std::string &key, const IdLookup &lookup) {
  {
    std::lock_guard lock(ids_mutex_);
    if (auto it = ids_.find(key); it != ids_.end()) return it->second;
  }
  std::optional<std::string> id;
  {
    auto lease = db_.lease();
    id = lookup(**lease);
  }
  if (!id) return std::nullopt; // may yet be written: not remembered
  std::lock_guard lock(ids_mutex_);
  if (ids_.size() >= kMaxKnownIds) ids_.clear();
  ids_.emplace(key, *id);
  return id;
}

std::optional<std::string> OrderService::idByNumber(const std::string &number) {
  return rememberedId("n:" + number,
                      [&](Poco::Data::Session &s) { return storage::OrderRepository(db_).idByNumber(s, number); });
}

std::optional<std::string> OrderService::idByNumericId(int64_t seq) {
  return rememberedId("s:" + std::to_string(seq),
                      [&](Poco::Data::Session &s) { return storage::OrderRepository(db_).idBySeq(s, seq); });
}

std::vector<Order> OrderService::list(const storage::OrderFilter &filter) {
  auto lease = db_.lease();
  return storage::OrderRepository(db_).list(**lease, filter);
}

int64_t OrderService::count(const storage::OrderFilter &filter) {
  auto lease = db_.lease();
  return storage::OrderRepository(db_).count(**lease, filter);
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
      const PaymentStatus was = p.status;
      if (was == PaymentStatus::pending || was == PaymentStatus::creating)
        p.status = PaymentStatus::void_pending;
      else if (was == PaymentStatus::captured)
        p.status = PaymentStatus::refund_pending;
      else
        continue;
      payments.update(s, p, was);
    }
    for (Shipment sh : shipments.forOrder(s, id)) {
      const ShipmentStatus was = sh.status;
      if (was == ShipmentStatus::draft || was == ShipmentStatus::confirm_pending || was == ShipmentStatus::confirmed) {
        sh.status = ShipmentStatus::cancel_pending;
        shipments.update(s, sh, was);
      }
    }
    for (const Reservation &r : reservations.forOrder(s, id))
      if (r.status == ReservationStatus::held || r.status == ReservationStatus::commit_pending)
        reservations.setStatus(s, r.id, r.status, ReservationStatus::release_pending);
      else if (r.status == ReservationStatus::committed) // paid, then cancelled: the units go back on sale
        reservations.setStatus(s, r.id, r.status, ReservationStatus::restock_pending);
  });
  if (!found) return sdk::notFound("order " + id + " does not exist");
  reconciler_.runForOrder(id);
  return view(id);
}

namespace {
// Starts payment attempt n+1 for `o` (stock must be held); returns the
// provider's answer. Called outside any transaction.
sdk::Result<sdk::PaymentResult> startAttempt(const CorePlugins &plugins, const Order &o, const Payment &payment) {
  const sdk::PaymentRequest req = paymentRequestOf(o, payment);
  plugins::PluginInstance *provider = plugins.paymentById(payment.provider);
  if (provider == nullptr) return sdk::unavailable("payment instance " + payment.provider + " is not configured");
  return createPayment(*provider, req);
}
} // namespace

// retryPayment in steps: (1) lock the order, check it, and record attempt
// n+1 as `creating` (a second retry meanwhile finds it and is refused, so
// concurrent retries make one attempt and one set of reservations); (2) hold
// the stock again unless it is still held; (3) ask the provider; (4) lock
// the order again and record the answer.
sdk::Result<OrderView> OrderService::retryPayment(const std::string &id, const std::string &actor) {
  auto begun = beginRetry(id);
  if (!begun.ok()) return begun.error();
  auto [order, attempt] = std::move(begun).value();
  std::vector<std::string> made;
  if (auto held = holdStockForRetry(order, attempt, made); !held.ok()) {
    abandonRetry(order.id, attempt, made, PaymentStatus::cancelled);
    return held.error();
  }
  auto result = startAttempt(plugins_, order, attempt);
  if (!result.ok()) {
    // A provider that failed to answer may still have made the payment:
    // void_pending without a reference is asked again with the same key.
    abandonRetry(order.id, attempt, made,
                 result.error().retryable ? PaymentStatus::void_pending : PaymentStatus::cancelled);
    return result.error();
  }
  if (auto finished = finishRetry(order, attempt, result.value(), made, actor); !finished.ok()) return finished.error();
  return view(id);
}

sdk::Result<std::pair<Order, Payment>> OrderService::beginRetry(const std::string &id) {
  storage::OrderRepository orders(db_);
  storage::PaymentRepository payments(db_);
  std::optional<sdk::Error> refused;
  Order order;
  Payment attempt;
  const int64_t abandoned_before = nowMs() - checkout_.options().lease_ms;
  db_.transaction([&](Poco::Data::Session &s) {
    refused.reset();
    auto o = orders.find(s, id, true); // every retry of this order queues here
    if (!o) {
      refused = sdk::notFound("order " + id + " does not exist");
      return;
    }
    auto last = payments.latest(s, id);
    if (!last && !o->payment_instance) {
      refused = sdk::conflict("order " + id +
                              " is paid outside this service (checkout.payment: none): it has no payment to make");
      return;
    }
    // A pay-later order (pending, no attempt yet) takes its first payment
    // here; a payment_failed order its next.
    const bool first_of_pay_later = o->status == OrderStatus::pending && !last;
    if (o->status != OrderStatus::payment_failed && !first_of_pay_later) {
      refused = sdk::conflict(
          std::string("payment can be made only for a payment_failed order or a pay-later order that has none "
                      "yet; this one is ") +
          statusName(o->status));
      return;
    }
    if (last && last->status == PaymentStatus::creating) {
      if (last->created_at_ms >= abandoned_before) {
        refused = sdk::conflict("a payment retry of order " + id + " is already in progress");
        return;
      }
      // Its process stopped mid-retry: whatever the provider made for it
      // is found again by its key and voided.
      Payment stale = *last;
      stale.status = PaymentStatus::void_pending;
      payments.updateIf(s, stale, PaymentStatus::creating);
    }
    attempt = Payment{};
    attempt.id = newId();
    attempt.order_id = o->id;
    attempt.attempt = last ? last->attempt + 1 : 1;
    attempt.provider = last ? last->provider : *o->payment_instance; // checked above
    attempt.idempotency_key = "order:" + o->id + ":attempt:" + std::to_string(attempt.attempt);
    attempt.status = PaymentStatus::creating;
    attempt.amount_minor = o->total_minor;
    attempt.currency = o->currency;
    attempt.created_at_ms = attempt.updated_at_ms = nowMs();
    payments.insert(s, attempt);
    order = *o;
  });
  if (refused) return *refused;
  return std::make_pair(std::move(order), std::move(attempt));
}

sdk::Status OrderService::holdStockForRetry(const Order &o, const Payment &attempt, std::vector<std::string> &made) {
  storage::ReservationRepository reservations(db_);
  // Stock was released when the payment failed: hold it again first
  // (unless it is still held, e.g. after a shipping-cost change).
  {
    auto lease = db_.lease();
    for (const Reservation &existing : reservations.forOrder(**lease, o.id))
      if (existing.status == ReservationStatus::held) return sdk::Status();
  }
  std::vector<sdk::StockLine> lines;
  for (const OrderItem &i : o.items)
    lines.push_back({i.product_id, i.variant_id, i.seller_id, i.quantity, {}});
  for (auto &[inventory, stock] : stockByInventory(plugins_, o, lines)) {
    Reservation r;
    r.id = newId();
    r.checkout_id = o.checkout_id;
    r.order_id = o.id;
    r.provider = inventory->id();
    // Unique per call: a retry that found no stock must not block the next one.
    r.idempotency_key = "order:" + o.id + ":attempt:" + std::to_string(attempt.attempt) + ":" + r.id;
    r.status = ReservationStatus::reserving;
    r.lines = sdk::toJson(stock);
    db_.transaction([&](Poco::Data::Session &s) { reservations.insert(s, r); });
    auto held = reserve(
        *inventory, sdk::ReserveRequest{o.id, r.idempotency_key, checkout_.options().reservation_ttl_seconds, stock});
    if (!held.ok() || !held->reserved) {
      // A failed call may still have reserved: release by the order reference.
      db_.transaction([&](Poco::Data::Session &s) {
        reservations.setStatus(s, r.id, ReservationStatus::reserving,
                               held.ok() ? ReservationStatus::released : ReservationStatus::release_pending);
      });
      if (!held.ok()) return held.error();
      std::string names;
      for (const auto &sh : held->shortages)
        names += (names.empty() ? "" : ", ") + sh.productId;
      return sdk::conflict("out of stock: " + names);
    }
    db_.transaction([&](Poco::Data::Session &s) {
      reservations.setProviderId(s, r.id, held->reservationId.value_or(""), held->expiresAt);
    });
    made.push_back(r.id);
  }
  return sdk::Status();
}

void OrderService::abandonRetry(const std::string &order_id, Payment &attempt, const std::vector<std::string> &made,
                                PaymentStatus attempt_status) {
  storage::PaymentRepository payments(db_);
  storage::ReservationRepository reservations(db_);
  db_.transaction([&](Poco::Data::Session &s) {
    Payment next = attempt;
    next.status = attempt_status;
    payments.updateIf(s, next, PaymentStatus::creating);
    for (const std::string &rid : made)
      reservations.setStatusIf(s, rid, ReservationStatus::held, ReservationStatus::release_pending);
  });
  reconciler_.runForOrder(order_id);
}

sdk::Status OrderService::finishRetry(const Order &o, Payment &attempt, const sdk::PaymentResult &result,
                                      const std::vector<std::string> &made, const std::string &actor) {
  storage::OrderRepository orders(db_);
  storage::PaymentRepository payments(db_);
  storage::ReservationRepository reservations(db_);
  db_.transaction([&](Poco::Data::Session &s) {
    auto locked = orders.find(s, o.id, true);
    attempt.reference = result.reference;
    attempt.redirect_url = result.redirectUrl;
    attempt.expires_at = result.expiresAt;
    attempt.status =
        result.status == sdk::wireName(sdk::PaymentStatus::failed) ? PaymentStatus::failed : PaymentStatus::pending;
    payments.update(s, attempt, PaymentStatus::creating);
    const bool waiting = locked && (locked->status == OrderStatus::payment_failed ||
                                    locked->status == OrderStatus::pending); // pending: a pay-later order's first
    if (attempt.status == PaymentStatus::pending && waiting) {
      orders.transition(s, *locked, OrderStatus::awaiting_payment, actor,
                        "payment attempt " + std::to_string(attempt.attempt));
    } else if (attempt.status == PaymentStatus::failed && locked && locked->status == OrderStatus::pending) {
      // A pay-later order declined at once: failed, its stock released.
      orders.transition(s, *locked, OrderStatus::payment_failed, actor,
                        "payment attempt " + std::to_string(attempt.attempt) + " declined");
      for (auto &r : reservations.forOrder(s, o.id))
        if (r.status == ReservationStatus::held)
          reservations.setStatus(s, r.id, r.status, ReservationStatus::release_pending);
    } else {
      for (const std::string &rid : made)
        reservations.setStatusIf(s, rid, ReservationStatus::held, ReservationStatus::release_pending);
    }
  });
  reconciler_.runForOrder(o.id);
  if (result.status == sdk::wireName(sdk::PaymentStatus::captured)) {
    sdk::PaymentEvent paid{attempt.provider,
                           "capture:" + attempt.id,
                           sdk::wireName(sdk::PaymentEventType::paid),
                           o.id,
                           {},
                           result.reference,
                           sdk::Money{attempt.amount_minor, attempt.currency},
                           {}};
    auto applied = reactor_.apply(paid, actor, attempt.provider);
    if (!applied.ok()) return applied.error();
  }
  return sdk::Status();
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
      if (p.status == PaymentStatus::pending) {
        p.status = PaymentStatus::void_pending;
        payments.update(s, p, PaymentStatus::pending);
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
