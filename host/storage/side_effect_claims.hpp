// Claims on side-effect rows (payments, shipments, reservations in a
// *_pending state), so that N replicas never call a provider for the same
// row at once, and the backoff that keeps failing rows from starving the
// rest (migration 0005).
//
// A claim is a lease: claimed_until_ms in the future. claim() takes due,
// unclaimed rows with FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite's write
// transaction already excludes other writers). The claim ends when the
// reconciler writes the row's next status (the repositories' *If writes,
// compare-and-set on the status it read), or with retryLater() / release().
// A process that dies holding claims loses them when their lease ends.
//
// Thread-safety: stateless apart from the Database reference; each call
// works inside the caller's transaction.
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace orders::host::storage {

struct ClaimTable {
  const char *table;
  const char *pending; // SQL list of the statuses to work, e.g. "('refund_pending', 'void_pending')"
};
inline constexpr ClaimTable kPaymentClaims{"payments", "('refund_pending', 'void_pending')"};
inline constexpr ClaimTable kShipmentClaims{"shipments", "('confirm_pending', 'cancel_pending')"};
inline constexpr ClaimTable kReservationClaims{"reservations",
                                               "('commit_pending', 'release_pending', 'restock_pending')"};

struct Claimed {
  std::string id;
  int attempts = 0; // failed attempts so far
};

class SideEffectClaims {
public:
  SideEffectClaims(Database &db, ClaimTable table) : db_(db), table_(table) {}

  // Claims up to `limit` pending rows due at `now_ms` and not claimed (or
  // whose claim lapsed), oldest due first, until `until_ms`. `scope_column`
  // ("order_id", "checkout_id") with `scope` narrows to one order or
  // checkout.
  std::vector<Claimed> claim(Poco::Data::Session &s, int64_t now_ms, int64_t until_ms, int limit,
                             const char *scope_column = nullptr, const std::string &scope = {});
  // After a failed attempt: frees the claim, counts the failure and sets the
  // next attempt, if the row is still in `expected` (else false: someone
  // moved it meanwhile).
  bool retryLater(Poco::Data::Session &s, const std::string &id, const std::string &expected, int64_t next_attempt_ms);
  // The same whatever the status (after an exception, when the status read
  // may be unknown).
  void retryLaterAnyway(Poco::Data::Session &s, const std::string &id, int64_t next_attempt_ms);
  // Frees the claim without changing anything else.
  void release(Poco::Data::Session &s, const std::string &id);
  // How many rows of the scope are due at `now_ms` but claimed by another
  // worker right now (a sweep on this or another replica settling them).
  int64_t claimedElsewhere(Poco::Data::Session &s, int64_t now_ms, const char *scope_column, const std::string &scope);

private:
  Database &db_;
  ClaimTable table_;
};

} // namespace orders::host::storage
