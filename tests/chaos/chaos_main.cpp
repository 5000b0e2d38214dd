// order-chaos: one fault scenario against the real server under checkout
// load, then the invariants read back from the database. Prints one
// Markdown table row on stdout (tests/chaos/run collects them into the
// README's reliability table); exits 1 when an invariant broke.
//
//   order-chaos <scenario> [--seconds N]
//
// Scenarios: pg_restart_fast, pg_restart_immediate, pg_terminate,
// replicas_sigkill, sqlite_disk_full, provider_faults, abusive_buyer. The PostgreSQL ones need the
// throw-away cluster of packaging/pg_temp.sh (ORDERS_TEST_PG_CTL,
// ORDERS_TEST_PG_ADMIN); sqlite_disk_full mounts a small tmpfs (root).
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "chaos_load.hpp"
#include "faulty_inventory.hpp"
#include "faulty_shipping.hpp"
#include "faulty_xendit.hpp"

using namespace orders::chaos;
using orders::e2e::Engine;
using orders::e2e::ServerOptions;
using orders::e2e::TestDatabase;

namespace {

constexpr int kStock = 1000000;

std::string envOr(const char *name) {
  const char *v = std::getenv(name);
  return v != nullptr ? v : "";
}

void shell(const std::string &cmd) {
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

struct Row {
  std::string scenario, done;
  int faults = 0;
  double recovery_ms = 0; // worst time from the fault's end to the next 201
  int crashes = 0;
  std::string extra_failure; // a scenario-specific check that failed
  // From the load:
  int acknowledged = 0, unavailable = 0, in_progress = 0, broken = 0, unexpected = 0;
  std::string unexpected_what;
  double p99_ms = 0;
};

ServerOptions chaosOptions() {
  ServerOptions o;
  o.stock_mug = kStock;
  o.lease_seconds = 3; // a dead checkout is taken over (and undone) within seconds
  o.sweep_interval_ms = 200;
  return o;
}

void requirePostgresControl() {
  if (envOr("ORDERS_TEST_PG_URL").empty() || envOr("ORDERS_TEST_PG_CTL").empty() ||
      envOr("ORDERS_TEST_PG_ADMIN").empty())
    throw std::runtime_error("needs the throw-away PostgreSQL of packaging/pg_temp.sh (ORDERS_TEST_PG_URL, "
                             "ORDERS_TEST_PG_CTL, ORDERS_TEST_PG_ADMIN): run through packaging/test.sh");
}

double msSince(Clock::time_point t, Clock::time_point then) {
  return then == Clock::time_point::max() ? 1e9 : std::chrono::duration<double, std::milli>(then - t).count();
}

// Runs `fault` every `every` during `seconds` of load; after each, waits for
// the next 201 and keeps the worst recovery time.
void faultsUnderLoad(Load &load, Row &row, int seconds, std::chrono::milliseconds every,
                     const std::function<void()> &fault) {
  if (!load.waitCreated(20, std::chrono::seconds(60))) throw std::runtime_error("no load: " + load.summary());
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() + every < until) {
    std::this_thread::sleep_for(every);
    fault();
    ++row.faults;
    const auto back = Clock::now();
    load.waitCreated(1, std::chrono::seconds(30));
    row.recovery_ms = std::max(row.recovery_ms, msSince(back, load.firstCreatedAfter(back)));
  }
  std::this_thread::sleep_until(until);
}

Invariants finish(const TestDatabase &db, Fleet &fleet, Load &load, Row &row) {
  load.stop();
  load.resolve(std::chrono::seconds(30));
  row.crashes = fleet.crashes();
  row.acknowledged = load.created();
  row.unavailable = load.unavailable();
  row.in_progress = load.in_progress();
  row.broken = load.connection_errors();
  for (const auto &[what, n] : load.unexpected()) {
    row.unexpected += n;
    row.unexpected_what += (row.unexpected_what.empty() ? "" : ", ") + what + " x" + std::to_string(n);
  }
  row.p99_ms = load.p99Ms();
  std::cerr << row.scenario << ": " << load.summary() << "\n";
  return check(db, {&load}, kStock, std::chrono::seconds(60));
}

Invariants pgRestart(Row &row, int seconds, const std::string &mode) {
  requirePostgresControl();
  TestDatabase db(Engine::postgres);
  // The throw-away cluster runs synchronous_commit=off for speed: a commit
  // is acknowledged before its WAL is written, and an immediate shutdown
  // (a crash) loses it. PostgreSQL's default, on, for these databases.
  for (bool inventory : {false, true})
    db.exec("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit TO on', current_database()); "
            "END $$",
            inventory);
  Fleet fleet(db, chaosOptions(), 1);
  Load load(fleet, 8, "restart");
  const auto every = std::chrono::milliseconds(std::max(4000, seconds * 1000 / 3));
  faultsUnderLoad(load, row, seconds, every, [&] { shell(envOr("ORDERS_TEST_PG_CTL") + " -m " + mode + " restart"); });
  row.done = std::to_string(row.faults) + " restarts (" + mode + ") in " + std::to_string(seconds) +
             " s of 8-client checkout load";
  Invariants inv = finish(db, fleet, load, row);
  if (!inv.ok()) std::cerr << fleet.logs();
  return inv;
}

Invariants pgTerminate(Row &row, int seconds) {
  requirePostgresControl();
  TestDatabase db(Engine::postgres);
  Fleet fleet(db, chaosOptions(), 1);
  Load load(fleet, 8, "terminate");
  faultsUnderLoad(load, row, seconds, std::chrono::milliseconds(1500), [&] {
    shell(envOr("ORDERS_TEST_PG_ADMIN") +
          " -q -t -c \"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
          "backend_type = 'client backend' AND pid <> pg_backend_pid()\"");
  });
  row.done = std::to_string(row.faults) + " x every backend terminated in " + std::to_string(seconds) +
             " s of 8-client checkout load";
  Invariants inv = finish(db, fleet, load, row);
  if (!inv.ok()) std::cerr << fleet.logs();
  return inv;
}

Invariants replicasKilled(Row &row, int seconds) {
  requirePostgresControl();
  TestDatabase db(Engine::postgres);
  ServerOptions o = chaosOptions();
  o.lease_seconds = 2;
  Fleet fleet(db, o, 3);
  Load load(fleet, 9, "replicas");
  size_t victim = 0;
  const auto every = std::chrono::milliseconds(std::max(3000, seconds * 1000 / 6));
  faultsUnderLoad(load, row, seconds, every, [&] { fleet.killAndReplace(victim++ % fleet.size()); });
  row.done = std::to_string(row.faults) + " SIGKILLs of 1 of 3 replicas in " + std::to_string(seconds) +
             " s of 9-client checkout load";
  Invariants inv = finish(db, fleet, load, row);
  if (!inv.ok()) std::cerr << fleet.logs();
  return inv;
}

// SQLite on a 96 MiB tmpfs (room for the run's own data and WAL, so the
// disk is full only while the filler is there): filled to the last byte
// under load, then freed.
Invariants sqliteDiskFull(Row &row, int seconds) {
  const std::string mnt = "/tmp/orders-chaos-full-" + std::to_string(::getpid());
  std::filesystem::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=96m") != 0)
    throw std::runtime_error("cannot mount a tmpfs on " + mnt + " (needs root): " + std::strerror(errno));
  struct Unmount {
    std::string at;
    ~Unmount() {
      ::umount2(at.c_str(), MNT_DETACH);
      std::filesystem::remove(at);
    }
  } unmount{mnt};
  Invariants inv;
  {
    TestDatabase db(Engine::sqlite, mnt);
    Fleet fleet(db, chaosOptions(), 1);
    Load load(fleet, 4, "full");
    if (!load.waitCreated(20, std::chrono::seconds(60))) throw std::runtime_error("no load: " + load.summary());
    const std::string filler = mnt + "/filler";
    std::system(("dd if=/dev/zero of=" + filler + " bs=64k >/dev/null 2>&1").c_str()); // until ENOSPC
    ++row.faults;
    const int before = load.created();
    std::this_thread::sleep_for(std::chrono::seconds(std::max(3, seconds / 2)));
    const int while_full = load.created() - before;
    std::filesystem::remove(filler);
    const auto back = Clock::now();
    load.waitCreated(1, std::chrono::seconds(30));
    row.recovery_ms = msSince(back, load.firstCreatedAfter(back));
    std::this_thread::sleep_for(std::chrono::seconds(std::max(2, seconds / 2)));
    inv = finish(db, fleet, load, row);
    const int64_t corrupt =
        db.scalar("SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") +
        db.scalar("SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'", true);
    if (corrupt != 0) row.extra_failure = "integrity_check failed after the disk was full";
    row.done = "disk (96 MiB tmpfs) filled for " + std::to_string(std::max(3, seconds / 2)) +
               " s under 4-client load (" + std::to_string(while_full) +
               " checkouts got through while full), then freed";
    if (!inv.ok() || !row.extra_failure.empty()) std::cerr << fleet.logs();
  }
  return inv;
}

std::string fmtMs(double ms) {
  if (ms >= 1e9) return "never";
  std::ostringstream s;
  s.precision(0);
  s << std::fixed << ms << " ms";
  return s.str();
}

// Nine buyers at 5 checkouts/s each, alone and then beside one buyer
// trying 20 times as often (2 connections, 50/s each), under a per-buyer
// rate limit of 20/s: the nine keep their p99 and are never limited.
Invariants abusiveBuyer(Row &row, int seconds) {
  if (envOr("ORDERS_TEST_PG_URL").empty())
    throw std::runtime_error("needs PostgreSQL (ORDERS_TEST_PG_URL): run through packaging/test.sh");
  TestDatabase db(Engine::postgres);
  ServerOptions o = chaosOptions();
  o.http_extra = ", rate_limits: [ { group: checkout, routes: [\"POST /api/orders\"], per_second: 20, burst: 20 } ]";
  Fleet fleet(db, o, 1);
  const auto pace = std::chrono::milliseconds(200);
  const auto half = std::chrono::seconds(std::max(5, seconds / 2));
  Load warm_up(fleet, 9, "warm", "sku-mug", pace); // connections opened, caches filled: not measured
  std::this_thread::sleep_for(std::chrono::seconds(2));
  warm_up.stop();
  Load alone(fleet, 9, "alone", "sku-mug", pace);
  std::this_thread::sleep_for(half);
  alone.stop();
  Load nine(fleet, 9, "nine", "sku-mug", pace);
  // One buyer on 4 connections, each a new checkout every 40 ms: 100/s, 20x a normal buyer.
  Load abuser(fleet, 4, "abuser", "sku-mug", std::chrono::milliseconds(40), true);
  std::this_thread::sleep_for(half);
  for (Load *l : {&nine, &abuser})
    l->stop();
  row.faults = 1;
  for (Load *l : {&warm_up, &alone, &nine, &abuser})
    l->resolve(std::chrono::seconds(30));
  row.crashes = fleet.crashes();
  for (const Load *l : {&warm_up, &alone, &nine, &abuser}) {
    row.acknowledged += l->created();
    row.unavailable += l->unavailable();
    row.in_progress += l->in_progress();
    row.broken += l->connection_errors();
    for (const auto &[what, n] : l->unexpected()) {
      row.unexpected += n;
      row.unexpected_what += (row.unexpected_what.empty() ? "" : ", ") + what + " x" + std::to_string(n);
    }
  }
  row.p99_ms = nine.p99Ms();
  const double baseline = alone.p99Ms();
  const int limited = abuser.rate_limited();
  const double abuser_tries = abuser.created() + limited;
  const double nine_rate = nine.created() / static_cast<double>(half.count()) / 9;
  std::cerr << "alone: " << alone.summary() << "\nnine: " << nine.summary() << "\nabuser: " << abuser.summary() << "\n";
  Invariants inv = check(db, {&warm_up, &alone, &nine, &abuser}, kStock, std::chrono::seconds(60));
  std::vector<std::string> extra;
  if (nine.rate_limited() + alone.rate_limited() != 0)
    extra.push_back(std::to_string(nine.rate_limited() + alone.rate_limited()) + " normal checkouts were limited");
  if (limited == 0) extra.push_back("the abusive buyer was never limited");
  // Loose on purpose: a shared 2-core CI box is noisy; starvation shows as seconds.
  if (row.p99_ms > std::max(3 * baseline, baseline + 250))
    extra.push_back("the nine's p99 went from " + fmtMs(baseline) + " alone to " + fmtMs(row.p99_ms));
  for (const auto &e : extra)
    row.extra_failure += (row.extra_failure.empty() ? "" : "; ") + e;
  std::ostringstream done;
  done.precision(1);
  done << std::fixed << "9 buyers at " << nine_rate << " checkouts/s each for " << half.count()
       << " s alone, then as long beside 1 buyer sending " << abuser_tries / static_cast<double>(half.count())
       << " checkout requests/s (limit 20/s per buyer: " << limited << " x 429); the nine's p99 " << fmtMs(baseline)
       << " alone, " << fmtMs(row.p99_ms) << " beside it, never limited";
  row.done = done.str();
  return inv;
}

// One faulty neighbour's plugin instance: a short http timeout (the slow
// fault answers after 1.5 s) and a breaker that reopens quickly.
std::string faultyInstance(const std::string &name, const std::string &id, const std::string &config) {
  return "    - name: " + name + "\n      id: " + id + "\n      timeout_ms: 3000\n" +
         "      breaker: { failure_threshold: 3, open_ms: 500, max_open_ms: 2000 }\n" +
         "      http: { timeout_ms: 800, retries: 1, retry_backoff_ms: 50 }\n      config: { " + config + " }\n";
}

// How many of `ids` are orders that are not cancelled.
int countLive(const TestDatabase &db, const std::set<std::string> &ids) {
  int64_t live = 0;
  std::string in;
  int batch = 0;
  for (auto it = ids.begin(); it != ids.end(); ++it) {
    in += (in.empty() ? "'" : ",'") + *it + "'";
    if (++batch == 400 || std::next(it) == ids.end()) {
      live += db.scalar("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled' AND id IN (" + in + ")");
      in.clear();
      batch = 0;
    }
  }
  return static_cast<int>(live);
}

// What the neighbours hold for orders, against what our database says:
// stock allocated, invoices open (payable), shipments not cancelled at the
// provider, each for exactly the live orders; and no payment or shipment of
// ours left to void, cancel or look at by hand.
std::vector<std::string> providerState(const TestDatabase &db, const FaultyInventory &inventory,
                                       const FaultyXendit &xendit, const FaultyShipping &shipping, int &allocated,
                                       int &open_invoices, int &live_tee, int &live_all) {
  std::vector<std::string> extra;
  // The reconciler voids and cancels after the checkouts settled: give it time.
  const std::string unsettled_payments = "SELECT COUNT(*) FROM payments WHERE status IN ('creating', 'void_pending', "
                                         "'refund_pending', 'void_failed', 'refund_failed')";
  const std::string unsettled_shipments =
      "SELECT COUNT(*) FROM shipments WHERE status IN ('creating', 'cancel_pending', 'cancel_failed')";
  const auto until = Clock::now() + std::chrono::seconds(30);
  while (db.scalar(unsettled_payments) + db.scalar(unsettled_shipments) != 0 && Clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  if (const int64_t n = db.scalar(unsettled_payments); n != 0)
    extra.push_back(std::to_string(n) + " payments still to void or refund (or failed to)");
  if (const int64_t n = db.scalar(unsettled_shipments); n != 0)
    extra.push_back(std::to_string(n) + " shipments still to cancel (or failed to)");

  live_all = static_cast<int>(db.scalar("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled'"));
  live_tee = static_cast<int>(db.scalar("SELECT COUNT(DISTINCT o.id) FROM orders o JOIN order_items i ON i.order_id = "
                                        "o.id WHERE o.status <> 'cancelled' AND i.product_id = 'sku-tee'"));
  // `held`: order id -> how many things the neighbour holds for it; it
  // should hold one for each of `expected` live orders and none for others.
  auto compare = [&](const std::string &what, const std::map<std::string, int> &held, int expected) {
    std::set<std::string> ids;
    int twice = 0;
    for (const auto &[order, n] : held) {
      ids.insert(order);
      if (n > 1 && ++twice <= 5) std::cerr << what << ": " << n << " for order " << order << "\n";
    }
    const int live = countLive(db, ids);
    if (live != expected || static_cast<int>(ids.size()) != live || twice != 0)
      extra.push_back(what + " for " + std::to_string(ids.size()) + " orders, " + std::to_string(live) + " of " +
                      std::to_string(expected) + " live ones (" + std::to_string(ids.size() - live) +
                      " held for orders that are not live, " + std::to_string(twice) + " held twice)");
  };

  std::map<std::string, int> held;
  for (const auto &[order, state] : inventory.allocations())
    if (state == "allocated") ++held[order];
  allocated = static_cast<int>(held.size());
  compare("allocations held at the Inventory service", held, live_tee);

  // external_id is order-<order id>-<attempt>; every order here has attempt 1.
  held.clear();
  open_invoices = 0;
  for (const Invoice &i : xendit.invoices())
    if (i.status == "PENDING") {
      ++open_invoices;
      ++held[i.external_id.substr(6, i.external_id.rfind('-') - 6)];
    }
  compare("open (payable) invoices at Xendit", held, live_all);

  held.clear();
  for (const auto &[id, s] : shipping.shipments())
    if (s.status != "cancelled") ++held[s.order_id];
  compare("shipments not cancelled at the Shipping service", held, live_all);
  return extra;
}

// Three neighbours that fail at random (faulty_peer.hpp) every other 3 s:
// an Inventory service for the checkouts of sku-tee (sku-mug stays on the
// local stock) each time, and by turns the Shipping service and Xendit,
// which every checkout needs (one payment and one shipping provider per
// deployment).
Invariants providerFaults(Row &row, int seconds) {
  if (envOr("ORDERS_TEST_PG_URL").empty())
    throw std::runtime_error("needs PostgreSQL (ORDERS_TEST_PG_URL): run through packaging/test.sh");
  TestDatabase db(Engine::postgres);
  FaultyInventory inventory;
  FaultyXendit xendit;
  FaultyShipping shipping;
  ServerOptions o = chaosOptions();
  o.env["INVENTORY_INTERNAL_API_TOKEN"] = "chaos-token";
  o.env["XENDIT_SECRET_KEY"] = FaultyXendit::kSecretKey;
  o.env["XENDIT_CALLBACK_TOKEN"] = "chaos-callback-token";
  o.env["SHIPPING_INTERNAL_KEY"] = FaultyShipping::kInternalKey;
  o.checkout_extra = ", inventory_routes: [ { inventory: remote, attribute: { name: type, value: merch } } ]"
                     ", payment: xendit, shipping: ship-remote";
  o.inventory_extra = faultyInstance("inventory-service", "remote", "base_url: \"" + inventory.baseUrl() + "\"");
  o.payment_extra = faultyInstance("xendit", "xendit", "base_url: \"" + xendit.baseUrl() + "\"");
  o.shipping_extra = faultyInstance("shipping-service", "ship-remote",
                                    "base_url: \"" + shipping.baseUrl() +
                                        "\", cancel_path: \"/shipping/v1/shipments/{id}/cancel\", "
                                        "internal_key_secret: SHIPPING_INTERNAL_KEY");
  const std::vector<std::string> instances{"remote", "xendit", "ship-remote"};
  // Xendit and the Shipping service fail by turns: a checkout calls
  // Shipping only after Xendit answered, so with both failing at once too
  // few calls would reach Shipping for its breaker to see the faults.
  auto setFaulty = [&](bool faulty) {
    inventory.setFaulty(faulty);
    shipping.setFaulty(faulty && row.faults % 2 == 1);
    xendit.setFaulty(faulty && row.faults % 2 == 0);
  };
  Fleet fleet(db, o, 1);
  Load local(fleet, 4, "local", "sku-mug");
  Load remote(fleet, 4, "remote", "sku-tee");
  if (!local.waitCreated(20, std::chrono::seconds(60)) || !remote.waitCreated(20, std::chrono::seconds(60)))
    throw std::runtime_error("no load: " + local.summary() + " / " + remote.summary());
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  bool faulty = false;
  Clock::time_point healed = Clock::now();
  while (Clock::now() + std::chrono::seconds(3) <= until) {
    faulty = !faulty;
    if (faulty) ++row.faults;
    setFaulty(faulty);
    const auto phase_end = Clock::now() + std::chrono::seconds(3);
    if (!faulty) {
      healed = Clock::now();
      remote.waitCreated(1, std::chrono::seconds(3));
      row.recovery_ms = std::max(row.recovery_ms, msSince(healed, remote.firstCreatedAfter(healed)));
    }
    std::this_thread::sleep_until(phase_end);
  }
  setFaulty(false);
  if (faulty) {
    healed = Clock::now();
    remote.waitCreated(1, std::chrono::seconds(30));
    row.recovery_ms = std::max(row.recovery_ms, msSince(healed, remote.firstCreatedAfter(healed)));
  }
  local.stop();
  remote.stop();
  local.resolve(std::chrono::seconds(30));
  remote.resolve(std::chrono::seconds(30));
  // The breakers' transitions as the server counted them (a gauge sampled
  // now and then misses an open that a success closed within the period).
  std::map<std::string, int> opened, closed;
  const std::string metrics = fleet.get("/metrics").body;
  const auto counted = [&](const std::string &series) {
    const size_t at = metrics.find(series + " ");
    return at == std::string::npos ? 0 : std::atoi(metrics.c_str() + at + series.size() + 1);
  };
  for (const std::string &id : instances) {
    opened[id] = counted("orders_plugin_breaker_opened_total{instance=\"" + id + "\"}");
    closed[id] = counted("orders_plugin_breaker_closed_total{instance=\"" + id + "\"}");
  }
  row.crashes = fleet.crashes();
  row.acknowledged = local.created() + remote.created();
  row.unavailable = local.unavailable() + remote.unavailable();
  row.in_progress = local.in_progress() + remote.in_progress();
  row.broken = local.connection_errors() + remote.connection_errors();
  for (const Load *l : {&local, &remote})
    for (const auto &[what, n] : l->unexpected()) {
      row.unexpected += n;
      row.unexpected_what += (row.unexpected_what.empty() ? "" : ", ") + what + " x" + std::to_string(n);
    }
  row.p99_ms = local.p99Ms(); // the checkouts that do not need the Inventory service
  std::cerr << "local: " << local.summary() << "\nremote: " << remote.summary() << "\n";
  Invariants inv = check(db, {&local, &remote}, kStock, std::chrono::seconds(60));

  int allocated = 0, open_invoices = 0, live_tee = 0, live_all = 0;
  std::vector<std::string> extra =
      providerState(db, inventory, xendit, shipping, allocated, open_invoices, live_tee, live_all);
  // Loose: every checkout has a 1.5 s budget (checkout.budget_ms); seconds mean starvation.
  if (row.p99_ms > 2500) extra.push_back("p99 of sku-mug checkouts " + fmtMs(row.p99_ms));
  std::string breakers;
  for (const std::string &id : instances) {
    if (opened[id] == 0 || closed[id] == 0)
      extra.push_back("the breaker of " + id + " opened " + std::to_string(opened[id]) + " and closed " +
                      std::to_string(closed[id]) + " times (expected both)");
    breakers +=
        (breakers.empty() ? "" : ", ") + id + " " + std::to_string(opened[id]) + "/" + std::to_string(closed[id]);
  }
  for (const auto &e : extra)
    row.extra_failure += (row.extra_failure.empty() ? "" : "; ") + e;
  std::ostringstream done;
  done << row.faults << " faulty phases of 3 s (Inventory service and by turns Shipping service or Xendit: "
       << inventory.faultsAnswered() + xendit.faultsAnswered() + shipping.faultsAnswered() << " of "
       << inventory.calls() + xendit.calls() + shipping.calls()
       << " calls answered 503/500/1.5 s late/HTML 502/cut mid-answer) in " << seconds
       << " s of 4+4-client load; breakers opened/closed " << breakers << "; sku-tee p99 " << fmtMs(remote.p99Ms())
       << "; at the end " << allocated << " allocations = " << live_tee << " live sku-tee orders, " << open_invoices
       << " open invoices and as many shipments = " << live_all << " live orders";
  row.done = done.str();
  if (!inv.ok() || !row.extra_failure.empty()) std::cerr << fleet.logs();
  return inv;
}

// | scenario | what was done | 201 | 503 / 409 busy / broken | other answers | lost | duplicated | orphans |
// stock drift | half-done | crashes | worst recovery | p99 of 201 |
std::string markdown(const Row &r, const Invariants &inv) {
  std::ostringstream s;
  s << "| " << r.scenario << " | " << r.done << " | " << r.acknowledged << " | " << r.unavailable << " / "
    << r.in_progress << " / " << r.broken << " | " << (r.unexpected == 0 ? "0" : r.unexpected_what) << " | " << inv.lost
    << " | " << inv.duplicates << " | " << inv.orphans << " | " << inv.stock_drift << " | " << inv.half_done << " | "
    << r.crashes << " | " << fmtMs(r.recovery_ms) << " | " << fmtMs(r.p99_ms) << " |";
  return s.str();
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::cerr << "usage: order-chaos <pg_restart_fast|pg_restart_immediate|pg_terminate|replicas_sigkill|"
                 "sqlite_disk_full|provider_faults|abusive_buyer> [--seconds N]\n";
    return 2;
  }
  const std::string scenario = argv[1];
  int seconds = 15;
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--seconds") seconds = std::atoi(argv[i + 1]);
  Row row;
  row.scenario = scenario;
  Invariants inv;
  try {
    if (scenario == "pg_restart_fast")
      inv = pgRestart(row, seconds, "fast");
    else if (scenario == "pg_restart_immediate")
      inv = pgRestart(row, seconds, "immediate");
    else if (scenario == "pg_terminate")
      inv = pgTerminate(row, seconds);
    else if (scenario == "replicas_sigkill")
      inv = replicasKilled(row, seconds);
    else if (scenario == "sqlite_disk_full")
      inv = sqliteDiskFull(row, seconds);
    else if (scenario == "provider_faults")
      inv = providerFaults(row, seconds);
    else if (scenario == "abusive_buyer")
      inv = abusiveBuyer(row, seconds);
    else {
      std::cerr << "unknown scenario " << scenario << "\n";
      return 2;
    }
  } catch (const std::exception &e) {
    std::cerr << scenario << ": " << e.what() << "\n";
    return 1;
  }
  std::cout << markdown(row, inv) << std::endl;
  std::vector<std::string> broken;
  if (!inv.ok()) broken.push_back(inv.describe());
  if (row.unexpected != 0)
    broken.push_back("answers other than 201 / 503 unavailable / 409 in progress: " + row.unexpected_what);
  if (row.crashes != 0) broken.push_back(std::to_string(row.crashes) + " replica(s) exited by themselves");
  if (row.recovery_ms > 10000) broken.push_back("no 201 within 10 s of a fault's end (" + fmtMs(row.recovery_ms) + ")");
  if (!row.extra_failure.empty()) broken.push_back(row.extra_failure);
  for (const auto &b : broken)
    std::cerr << scenario << ": FAILED: " << b << "\n";
  if (broken.empty()) std::cerr << scenario << ": held (" << inv.describe() << ")\n";
  return broken.empty() ? 0 : 1;
}
