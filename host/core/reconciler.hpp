// Carries out plugin side effects that a committed DB decision asked for.
//
// The core never calls a plugin inside a DB transaction. Instead the
// transaction that decides (an order became paid, was cancelled...) also
// marks the rows whose provider state must follow: reservations
// commit_pending / release_pending, shipments confirm_pending /
// cancel_pending, payments refund_pending / void_pending. The reconciler
// then calls the plugins (right after the commit, and again on a timer for
// anything a crash or an outage left behind) and records the outcome.
// Plugin calls are idempotent, so at-least-once is safe.
//
// Concurrency (storage/side_effect_claims.hpp): a row is claimed before its
// plugin call, so replicas and concurrent runs never work the same row at
// once. The outcome is written compare-and-set on the status that was read:
// when a payment callback moved the row meanwhile (void_pending ->
// refund_pending while the void was in flight), the write does nothing, the
// row is read again and the decision made again on what it says now.
//
// Failures: a retryable failure (or an exception, such as a row that cannot
// be read) frees the row with a backoff (1 s doubling to 5 min) so it never
// blocks the others; a non-retryable one records *_failed for a human.
//
// Thread-safety: safe to run concurrently, in one process or many.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/core_plugins.hpp"
#include "domain/order.hpp"
#include "storage/database.hpp"

namespace orders::host::core {

class Reconciler {
public:
  Reconciler(storage::Database &db, const CorePlugins &plugins) : db_(db), plugins_(plugins) {}

  // Pending work of one order (after the commit that created it); waits up
  // to kInlineWaitMs for rows a concurrent sweep claimed first, so callers
  // answer with the settled state.
  void runForOrder(const std::string &order_id);
  // Pending reservations of one checkout (compensation of a failed checkout).
  void runForCheckout(const std::string &checkout_id);
  // Every due pending row (up to `limit` of each kind); returns how many
  // were settled.
  int sweep(int limit = 200);

  // How long a claim lasts before another process may take the row.
  static constexpr int64_t kClaimLeaseMs = 120000;
  // runForOrder waits at most this long for rows another worker is settling.
  static constexpr int64_t kInlineWaitMs = 2000;
  // The wait before attempt `failures` + 1.
  static int64_t backoffMs(int failures);

  // What one plugin call decided for a row: a write (compare-and-set; false
  // when the row moved meanwhile) or a retry later.
  struct Decision {
    bool retry = false;
    std::function<bool(Poco::Data::Session &)> write;
  };

private:
  enum class Kind { reservation, shipment, payment };
  // Settles claimed row `id`; true when its outcome was recorded.
  bool settleClaimed(Kind kind, const std::string &id, int failures);
  Decision decideReservation(const Reservation &r);
  Decision decideRestock(plugins::PluginInstance &p, const Reservation &r);
  Decision decideShipment(const Shipment &s);
  Decision decidePayment(const Payment &p);
  // Claims the due rows of one kind (optionally of one order or checkout).
  int run(Kind kind, int limit, const char *scope_column, const std::string &scope);
  // Frees, for a later attempt, the claims a failed row could not free when
  // it failed (the database refused that write too: a full disk, an outage).
  // Without this such a row waited out kClaimLeaseMs (chaos.sqlite_disk_full).
  void freeUnfreedClaims(Kind kind);

  struct Unfreed {
    Kind kind;
    std::string id;
    int attempts;
  };

  storage::Database &db_;
  const CorePlugins &plugins_;
  std::mutex unfreed_mutex_;
  std::vector<Unfreed> unfreed_; // guarded by unfreed_mutex_
};

} // namespace orders::host::core
