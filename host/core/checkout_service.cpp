#include "core/checkout_service.hpp"

#include <Poco/Exception.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "core/checkout_pricing.hpp"
#include "log/logger.hpp"
#include "log/trace.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/json.hpp"
#include "plugins/host_services.hpp"
#include "storage/checkout_repository.hpp"
#include "storage/db_error.hpp"
#include "storage/order_repository.hpp"
#include "storage/order_view_query.hpp"
#include "storage/payment_repository.hpp"

namespace orders::host::core {

namespace {

sdk::Party customerOf(const CheckoutRequest &r) {
  sdk::Party p;
  p.id = r.user_id;
  p.email = r.email;
  if (r.customer.isObject()) {
    if (r.customer["name"].isString()) p.name = r.customer["name"].asString();
    if (r.customer["email"].isString()) p.email = r.customer["email"].asString();
    if (r.customer["phone"].isString()) p.phone = r.customer["phone"].asString();
  }
  return p;
}

std::vector<sdk::StockLine> stockLines(const Order &o, const std::vector<CheckoutLine> &requested) {
  std::map<std::string, std::optional<std::string>> soft; // product key -> soft reservation id
  for (const auto &l : requested)
    soft[productKey(l.product_id, l.variant_id)] = l.reservation_id;
  std::vector<sdk::StockLine> out;
  for (const OrderItem &i : o.items)
    out.push_back(sdk::StockLine{i.product_id, i.variant_id, i.seller_id, i.quantity,
                                 soft[productKey(i.product_id, i.variant_id)]});
  return out;
}

} // namespace

CheckoutService::CheckoutService(storage::Database &db, const CorePlugins &plugins, Reconciler &reconciler,
                                 PaymentReactor &reactor, CheckoutOptions options)
    : db_(db), plugins_(plugins), reconciler_(reconciler), reactor_(reactor), options_(std::move(options)) {}

sdk::Result<std::vector<CheckoutLine>> CheckoutService::loadLines(const CheckoutRequest &request) {
  std::vector<CheckoutLine> lines = request.items;
  if (lines.empty()) {
    if (plugins_.cart == nullptr)
      return sdk::invalidArgument("/items: required (no cart plugin is configured to take the cart from)");
    auto cart = loadCart(*plugins_.cart, sdk::CartRef{request.user_id, request.email});
    if (!cart.ok()) return cart.error();
    for (const auto &l : cart->lines)
      lines.push_back({l.productId, l.variantId, l.quantity, l.reservationId});
    if (lines.empty()) return sdk::invalidArgument("the cart of user " + request.user_id + " is empty");
  }
  if (static_cast<int>(lines.size()) > options_.max_lines)
    return sdk::invalidArgument("/items: at most " + std::to_string(options_.max_lines) + " lines");
  // Merge repeated products so stock and prices are per product.
  std::vector<CheckoutLine> merged;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto &l = lines[i];
    if (l.quantity <= 0 || l.quantity > options_.max_quantity)
      return sdk::invalidArgument("/items/" + std::to_string(i) + "/quantity: must be between 1 and " +
                                  std::to_string(options_.max_quantity));
    const std::string key = productKey(l.product_id, l.variant_id);
    auto [it, inserted] = index.emplace(key, merged.size());
    if (inserted) {
      merged.push_back(l);
      continue;
    }
    // The limit holds for the product, not for each line naming it.
    CheckoutLine &same = merged[it->second];
    if (same.priced.has_value() != l.priced.has_value() ||
        (same.priced && (same.priced->unitPrice.amountMinor != l.priced->unitPrice.amountMinor ||
                         same.priced->unitPrice.currency != l.priced->unitPrice.currency)))
      return sdk::invalidArgument("/items/" + std::to_string(i) + ": " + l.product_id +
                                  " appears on several lines with different prices");
    if (l.quantity > options_.max_quantity - same.quantity)
      return sdk::invalidArgument("/items/" + std::to_string(i) + "/quantity: " + l.product_id +
                                  " appears on several lines totalling more than " +
                                  std::to_string(options_.max_quantity));
    same.quantity += l.quantity;
  }
  return merged;
}

sdk::Result<std::vector<Order>> CheckoutService::priceAndSplit(const CheckoutRequest &request,
                                                               const std::vector<CheckoutLine> &lines,
                                                               const std::string &checkout_id) {
  sdk::LookupRequest lookup_request;
  std::map<std::string, sdk::Product> products;
  for (const auto &l : lines) {
    if (l.priced)
      products[productKey(l.product_id, l.variant_id)] = *l.priced; // priced by a trusted caller
    else
      lookup_request.items.push_back({l.product_id, l.variant_id});
  }
  if (!lookup_request.items.empty()) {
    if (plugins_.catalog == nullptr)
      return sdk::invalidArgument("/items: no catalog plugin prices these lines, and the caller sent no prices");
    auto found = lookup(*plugins_.catalog, lookup_request);
    if (!found.ok()) return found.error();
    for (auto &p : found->products)
      products[productKey(p.productId, p.variantId)] = p;
  }

  // One order per seller ("" = house brand), or one order ("*") for all.
  const bool per_seller = options_.split == "orders_per_seller";
  auto groups = groupLines(lines, products, [per_seller](const sdk::Product &p) {
    return per_seller ? p.sellerId.value_or("") : std::string("*");
  });
  if (!groups.ok()) return groups.error();

  const int64_t now = nowMs();
  std::vector<Order> orders;
  for (const auto &[group, entries] : groups.value()) {
    Order o;
    o.id = newId();
    o.order_number = newOrderNumber(now);
    o.checkout_id = checkout_id;
    o.user_id = request.user_id;
    if (group == "*")
      o.seller_id = sharedSeller(entries);
    else if (!group.empty())
      o.seller_id = group;
    // Paid outside (checkout.payment: none): the order waits for the payment
    // event from its first row, with no payment attempt of ours.
    o.status = plugins_.payment != nullptr || request.pay_later ? OrderStatus::pending : OrderStatus::awaiting_payment;
    o.currency = entries.front().second.unitPrice.currency;
    o.shipping_address = request.shipping_address;
    o.billing_address = request.billing_address;
    o.metadata = request.metadata;
    o.customer = sdk::toJson(customerOf(request));
    if (plugins_.payment != nullptr) o.payment_instance = plugins_.payment->id();
    if (plugins_.shipping) o.shipping_instance = plugins_.shipping->id();
    o.created_at_ms = o.updated_at_ms = now;
    if (sdk::Status added = addItems(o, entries); !added.ok()) return added.error();
    orders.push_back(std::move(o));
  }
  return orders;
}

sdk::Result<std::vector<sdk::Shortage>> CheckoutService::reserveStock(const std::vector<Order> &orders,
                                                                      const std::vector<CheckoutLine> &lines,
                                                                      Ledger &ledger) {
  const std::string &checkout_id = ledger.checkout_id;
  storage::ReservationRepository repo(db_);
  std::vector<sdk::Shortage> shortages;
  // One reservation per order and inventory instance its lines route to; a
  // failure leaves the others to the checkout's compensation.
  std::vector<std::tuple<const Order *, plugins::PluginInstance *, std::vector<sdk::StockLine>>> holds;
  for (const Order &o : orders)
    for (auto &[inventory, stock] : stockByInventory(plugins_, o, stockLines(o, lines)))
      holds.emplace_back(&o, inventory, std::move(stock));
  for (size_t i = 0; i < holds.size(); ++i) {
    const Order &o = *std::get<0>(holds[i]);
    plugins::PluginInstance *inventory = std::get<1>(holds[i]);
    const std::vector<sdk::StockLine> &stock = std::get<2>(holds[i]);
    {
      Reservation r;
      r.id = newId();
      r.checkout_id = checkout_id;
      r.order_id = o.id;
      r.provider = inventory->id();
      r.idempotency_key = "checkout:" + checkout_id + ":order:" + o.id +
                          (inventory == plugins_.inventory ? "" : ":inventory:" + inventory->id());
      r.status = ReservationStatus::reserving;
      r.lines = sdk::toJson(stock);
      commit(ledger, [&](Poco::Data::Session &s) { repo.insert(s, r); }); // with the step and result before it

      sdk::ReserveRequest req{o.id, r.idempotency_key, options_.reservation_ttl_seconds, stock};
      auto outcome = reserve(*inventory, req);
      if (!outcome.ok()) return outcome.error();
      if (!outcome->reserved || !outcome->reservationId) {
        db_.transaction([&](Poco::Data::Session &s) {
          repo.setStatus(s, r.id, ReservationStatus::reserving, ReservationStatus::released);
        });
        shortages.insert(shortages.end(), outcome->shortages.begin(), outcome->shortages.end());
        if (shortages.empty())
          return sdk::internalError("inventory " + inventory->id() +
                                    " refused the reservation without naming a product");
        return shortages;
      }
      ledger.results.push_back([this, id = r.id, reservation = *outcome->reservationId,
                                expires = outcome->expiresAt](Poco::Data::Session &s) {
        storage::ReservationRepository(db_).setProviderId(s, id, reservation, expires);
      });
    }
  }
  return shortages;
}

sdk::Status CheckoutService::writeOrders(Ledger &ledger, std::vector<Order> &orders, std::vector<Payment> &payments,
                                         bool take_payment) {
  storage::OrderRepository order_repo(db_);
  storage::PaymentRepository payment_repo(db_);
  // The first order's numeric id came with the checkout's row; a split
  // checkout draws the others once (a retry below reuses them).
  if (orders.size() > 1 && orders[1].seq <= 0) {
    std::vector<int64_t> seqs;
    db_.autocommit([&](Poco::Data::Session &s) { seqs = order_repo.drawSeqs(s, static_cast<int>(orders.size()) - 1); });
    for (size_t i = 1; i < orders.size(); ++i)
      orders[i].seq = seqs[i - 1];
  }
  ledger.steps.push_back("orders_written");
  for (int attempt = 0;; ++attempt) {
    try {
      // One round trip on PostgreSQL, with the reservations' results; an
      // order number collision surfaces at the COMMIT and is retried like
      // any other.
      commit(ledger, [&](Poco::Data::Session &s) {
        payments.clear(); // this attempt's
        for (const Order &o : orders) {
          order_repo.insert(s, o, "user:" + o.user_id);
          if (!take_payment) continue; // paid later or outside: no attempt yet
          Payment p;
          p.id = newId();
          p.order_id = o.id;
          p.attempt = 1;
          p.provider = plugins_.payment->id();
          p.idempotency_key = "order:" + o.id + ":attempt:1";
          p.status = PaymentStatus::creating;
          p.amount_minor = o.total_minor;
          p.currency = o.currency;
          p.created_at_ms = p.updated_at_ms = nowMs();
          payment_repo.insert(s, p);
          payments.push_back(p);
        }
      });
      return sdk::Status();
    } catch (const std::exception &e) {
      if (attempt < 3 && storage::Database::isUniqueViolation(e)) { // order number collision: draw again
        for (Order &o : orders)
          o.order_number = newOrderNumber(o.created_at_ms);
        continue;
      }
      throw;
    }
  }
}

sdk::Status CheckoutService::createPayments(std::vector<Order> &orders, const std::vector<Payment> &payments,
                                            Ledger &ledger) {
  for (size_t i = 0; i < orders.size(); ++i) {
    Order &o = orders[i];
    const Payment &intent = payments.at(i); // as writeOrders stored it
    commit(ledger);                         // the previous order's result, before this call
    // The same request compensation and the reconciler send when they ask
    // again with this key (o.customer is the request's customer snapshot).
    auto result = createPayment(*plugins_.payment, paymentRequestOf(o, intent));
    if (!result.ok()) return result.error();

    const bool captured = result->status == sdk::wireName(sdk::PaymentStatus::captured);
    const bool failed = result->status == sdk::wireName(sdk::PaymentStatus::failed);
    // The result, written with the next transaction (the first shipment's
    // intent, or the checkout's completion). It locks the order: an event
    // that got here first (paid, failed) has decided.
    ledger.results.push_back([this, &o, payment = intent, created = *result, failed](Poco::Data::Session &s) mutable {
      storage::OrderRepository order_repo(db_);
      storage::ReservationRepository reservation_repo(db_);
      auto locked = order_repo.find(s, o.id, true);
      if (!locked) throw DomainError(sdk::internalError("order " + o.id + " vanished during its checkout"));
      payment.reference = created.reference;
      payment.redirect_url = created.redirectUrl;
      payment.expires_at = created.expiresAt;
      payment.status = failed ? PaymentStatus::failed : PaymentStatus::pending; // captured is applied after
      storage::PaymentRepository(db_).update(s, payment, PaymentStatus::creating);
      if (locked->status != OrderStatus::pending) {
        o = *locked;
        return;
      }
      if (failed) {
        order_repo.transition(s, *locked, OrderStatus::payment_failed, "payment:" + payment.provider,
                              "payment declined at creation");
        for (auto &r : reservation_repo.forOrder(s, o.id))
          if (r.status == ReservationStatus::held)
            reservation_repo.setStatus(s, r.id, r.status, ReservationStatus::release_pending);
      } else {
        order_repo.transition(s, *locked, OrderStatus::awaiting_payment, "payment:" + payment.provider,
                              "payment " + created.reference + " created");
      }
      o = *locked;
    });
    if (i + 1 == orders.size()) ledger.steps.push_back("payments_created");
    if (!failed && !captured) continue;
    commit(ledger); // what follows needs the result written
    if (failed) reconciler_.runForOrder(o.id);
    if (captured) { // synchronous capture (seed 001): apply like any paid event
      sdk::PaymentEvent paid;
      paid.source = intent.provider;
      paid.eventId = "capture:" + intent.id;
      paid.type = sdk::wireName(sdk::PaymentEventType::paid);
      paid.orderId = o.id;
      paid.paymentReference = result->reference;
      paid.amount = sdk::Money{intent.amount_minor, intent.currency};
      auto applied = reactor_.apply(paid, "payment:" + intent.provider, intent.provider);
      if (!applied.ok()) return applied.error();
    }
  }
  return sdk::Status();
}

namespace {
// Each saga step is a span of the request's trace, failed with the step's error.
template <class F> auto step(const char *name, F &&run) {
  trace::Span span(std::string("checkout.") + name);
  auto result = run();
  if (!result.ok()) span.fail(result.error().message);
  return result;
}
} // namespace

sdk::Result<CheckoutOutcome> CheckoutService::checkout(const CheckoutRequest &original, const std::string &checkout_id,
                                                       bool *in_doubt) {
  CheckoutRequest request = original;
  auto doubt = [in_doubt] {
    if (in_doubt != nullptr) *in_doubt = true;
  };
  storage::CheckoutRepository checkouts(db_);
  CheckoutOutcome outcome;
  outcome.checkout_id = checkout_id;
  Json::Value req(Json::objectValue);
  req["userId"] = request.user_id;
  req["lineCount"] = static_cast<Json::UInt64>(request.items.size());
  const storage::CheckoutRecord record{checkout_id,         request.user_id, "running",
                                       sdk::writeJson(req), std::nullopt,    nowMs() + options_.lease_ms};
  int64_t first_seq = 0; // the first order's numeric id, drawn with the row
  db_.autocommit([&](Poco::Data::Session &s) { first_seq = checkouts.create(s, record); });
  crashPoint("started");
  Ledger ledger{checkout_id, {}, {}, {}};

  // Compensates, at most once. When compensation itself cannot run (the
  // database is away), the checkout row stays `running` and recovery
  // compensates it once its lease has expired.
  //
  // `commit_unknown`: the database failed under one of the saga's
  // transactions, and a COMMIT the server applied may have been lost with
  // the connection (completing the checkout, even). Only compensation's
  // reading of the checkout row settles that; until it has, the outcome is
  // in doubt, and the key must keep naming this checkout.
  bool compensated = false;
  bool commit_unknown = false;
  // The request's outcome for /metrics, counted once.
  bool counted = false;
  auto count = [&](std::atomic<uint64_t> &counter) {
    if (counted) return;
    counted = true;
    counter.fetch_add(1, std::memory_order_relaxed);
  };
  auto fail = [&](const sdk::Error &e) -> sdk::Error {
    if (compensated) return e;
    compensated = true;
    try { // results not yet written: fewer providers to ask again
      ledger.steps.clear();
      ledger.after.clear();
      commit(ledger);
    } catch (const std::exception &ce) {
      log::warn("checkout results not written before compensation; it will ask the providers again",
                {{"checkout", checkout_id}, {"error", ce.what()}});
    }
    const auto budget = plugins::CallBudget::current();
    if ((plugins::CallBudget::abandoned() || (budget && *budget <= std::chrono::steady_clock::now())) &&
        undo_.post([this, checkout_id, why = e.message, tc = trace::current()] {
          trace::Adopt in_trace(tc);
          try {
            compensate(checkout_id, why);
          } catch (const std::exception &ce) {
            log::error("checkout compensation postponed to recovery",
                       {{"checkout", checkout_id}, {"error", ce.what()}});
          }
        })) {
      if (commit_unknown) doubt();
      count(counters_.failed);
      return e; // the client hears at once; the undo follows
    }

    try {
      if (!compensate(checkout_id, e.message)) {
        log::warn("checkout completed although its last transaction reported a lost connection",
                  {{"checkout", checkout_id}, {"error", e.message}});
        doubt();
        count(counters_.completed);
      }
    } catch (const std::exception &ce) {
      log::error("checkout compensation postponed to recovery", {{"checkout", checkout_id}, {"error", ce.what()}});
      if (commit_unknown) doubt();
    }
    count(counters_.failed);
    return e;
  };
  // Checked between stages: work for a client that has gone is undone,
  // not finished (the plugin calls themselves refuse to start as well).
  auto clientGone = [&]() -> std::optional<sdk::Error> {
    if (!plugins::CallBudget::abandoned()) return std::nullopt;
    log::warn("checkout abandoned by its client; undoing it", {{"checkout", checkout_id}});
    return sdk::Error{sdk::ErrorCode::unavailable, "the client closed its connection; the checkout was undone", false};
  };
  try {
    if (auto who = step("resolve_customer", [&] { return resolveCustomer(request); }); !who.ok())
      return fail(who.error());
    auto lines = step("load_lines", [&] { return loadLines(request); });
    if (!lines.ok()) return fail(lines.error());
    auto orders = step("price", [&] { return priceAndSplit(request, lines.value(), checkout_id); });
    if (!orders.ok()) return fail(orders.error());
    if (!orders->empty()) orders->front().seq = first_seq;
    ledger.steps.push_back("priced"); // written with the first reservation's intent, or the orders
    if (auto gone = clientGone()) return fail(*gone);

    auto shortages = step("reserve_stock", [&] { return reserveStock(orders.value(), lines.value(), ledger); });
    if (!shortages.ok()) return fail(shortages.error());
    if (!shortages->empty()) {
      count(counters_.out_of_stock);
      compensate(checkout_id, "out of stock");
      outcome.shortages = shortages.value();
      return outcome;
    }
    ledger.steps.push_back("reserved");
    if (auto gone = clientGone()) return fail(*gone);

    std::vector<Payment> payments;
    const bool take_payment = plugins_.payment != nullptr && !request.pay_later;
    if (auto s = step("write_orders", [&] { return writeOrders(ledger, orders.value(), payments, take_payment); });
        !s.ok())
      return fail(s.error());
    if (auto gone = clientGone()) return fail(*gone);
    if (take_payment)
      if (auto s = step("create_payments", [&] { return createPayments(orders.value(), payments, ledger); }); !s.ok())
        return fail(s.error());
    if (auto s = step("create_shipments", [&] { return createShipments(orders.value(), ledger); }); !s.ok())
      return fail(s.error());
    ledger.steps.push_back("shipments_created");

    bool completed_in_time = false;
    {
      trace::Span span("checkout.complete");
      completed_in_time = complete(ledger);
      if (!completed_in_time) span.fail("the checkout outlived its lease");
    }
    if (!completed_in_time) { // the last results and step, and `completed`
      // The checkout outlived its lease and recovery compensated it (its
      // orders are cancelled, its payments voided): never answer 201.
      compensated = true;
      count(counters_.failed);
      log::error("checkout outlived its lease and was compensated by recovery", {{"checkout", checkout_id}});
      return sdk::unavailable("the checkout took longer than checkout.lease_seconds and was undone; retry");
    }
    doubt(); // from here on, a failure leaves the checkout completed
    count(counters_.completed);
    crashPoint("completed");

    if (plugins_.cart != nullptr && options_.clear_cart) {
      // Best-effort and off the request path: a slow cart service must not
      // delay the answer, and a failure changes nothing about the orders.
      plugins::PluginInstance *cart = plugins_.cart;
      const sdk::CartRef ref{request.user_id, request.email};
      const bool queued = background_.post([cart, ref, tc = trace::current()] {
        trace::Adopt in_trace(tc);
        auto cleared = clearCart(*cart, ref);
        if (!cleared.ok())
          log::warn("cart not cleared (best effort)", {{"user", ref.userId}, {"error", cleared.error().message}});
      });
      if (!queued) log::warn("cart not cleared: background queue full", {{"user", request.user_id}});
    }

    storage::OrderViewQuery views(db_);
    auto lease = db_.lease();
    for (const Order &o : orders.value()) {
      auto view = views.load(**lease, o.id); // one round trip per order
      if (!view) return sdk::internalError("order " + o.id + " vanished after checkout");
      outcome.orders.push_back(std::move(view->order));
      outcome.payments.push_back(std::move(view->payments));
      outcome.shipments.push_back(std::move(view->shipments));
    }
    return outcome;
  } catch (const std::exception &e) {
    // The try block's orders, which the ledger's results write back to,
    // are gone here: drop them unwritten (compensation asks the providers
    // again, as after a crash).
    ledger.results.clear();
    ledger.after.clear();
    ledger.steps.clear();
    auto *poco = dynamic_cast<const Poco::Exception *>(&e);
    const std::string what = poco != nullptr ? poco->displayText() : e.what();
    log::error("checkout failed unexpectedly", {{"checkout", checkout_id}, {"error", what}});
    if (storage::classify(e) == storage::DbFailure::unavailable) {
      commit_unknown = true;
      return fail(sdk::unavailable(storage::unavailableDetail(e)));
    }
    return fail(sdk::internalError("checkout failed: " + what));
  }
}

CheckoutService::Earlier CheckoutService::earlier(const std::string &checkout_id) {
  Earlier out;
  auto lease = db_.lease();
  auto record = storage::CheckoutRepository(db_).find(**lease, checkout_id);
  if (!record) return out;
  if (record->status == "running") {
    out.state = Earlier::State::running;
    return out;
  }
  if (record->status != "completed") {
    out.state = Earlier::State::undone;
    return out;
  }
  out.state = Earlier::State::completed;
  CheckoutOutcome outcome;
  outcome.checkout_id = checkout_id;
  storage::OrderViewQuery views(db_);
  for (const Order &o : storage::OrderRepository(db_).findByCheckout(**lease, checkout_id)) {
    auto view = views.load(**lease, o.id);
    if (!view) continue;
    outcome.orders.push_back(std::move(view->order));
    outcome.payments.push_back(std::move(view->payments));
    outcome.shipments.push_back(std::move(view->shipments));
  }
  out.outcome = std::move(outcome);
  return out;
}

} // namespace orders::host::core
