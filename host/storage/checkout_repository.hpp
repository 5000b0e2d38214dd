// checkouts: the checkout saga's durable record, with the last step it
// reached (`step`, updated in place; checkout_steps holds the steps of
// checkouts from before migration 0012). A running checkout holds a lease; the recovery sweep takes over
// checkouts whose lease expired (their process died) and compensates them.
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace orders::host::storage {

struct CheckoutRecord {
  std::string id;
  std::string user_id;
  std::string status; // running | completed | failed | compensated
  std::string request;
  std::optional<std::string> error;
  int64_t lease_until_ms = 0;
};

class CheckoutRepository {
public:
  explicit CheckoutRepository(Database &db) : db_(db) {}
  // Inserts the checkout at its `started` step and returns a numeric order
  // id drawn from the orders' sequence for its first order (most checkouts
  // make one; the saga draws more when it splits): one statement on
  // PostgreSQL (Database::autocommit may run it), two on SQLite.
  int64_t create(Poco::Data::Session &s, const CheckoutRecord &c);
  // Records that a running checkout reached `step` and renews its lease:
  // one statement, queued inside Database::pipelined().
  void step(Poco::Data::Session &s, const std::string &checkout_id, const std::string &step, int64_t lease_until_ms);
  // False when the checkout was no longer `running` (recovery took it over).
  // With `step`, records it as well.
  bool finish(Poco::Data::Session &s, const std::string &checkout_id, const std::string &status,
              const std::optional<std::string> &error, const std::optional<std::string> &step = std::nullopt);
  std::optional<CheckoutRecord> find(Poco::Data::Session &s, const std::string &id, bool lock = false);
  // Claims up to `limit` running checkouts whose lease ended before `now_ms`
  // by extending their lease to `new_lease_ms` (SKIP LOCKED on PostgreSQL, so
  // replicas do not take the same one).
  std::vector<CheckoutRecord> claimStale(Poco::Data::Session &s, int64_t now_ms, int64_t new_lease_ms, int limit);

private:
  Database &db_;
};

} // namespace orders::host::storage
