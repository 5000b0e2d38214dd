// checkouts and checkout_steps: the durable step log of the checkout saga.
// A running checkout holds a lease; the recovery sweep takes over
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
  // Inserts the checkout with its `started` step: one statement on
  // PostgreSQL (Database::autocommit may run it), two on SQLite.
  void create(Poco::Data::Session &s, const CheckoutRecord &c);
  // Records that `step` reached `state` ("done", "failed", ...).
  // With `lease_until_ms`, also renews the lease of a running checkout.
  // One statement on PostgreSQL (Database::autocommit may run it), two on
  // SQLite.
  void step(Poco::Data::Session &s, const std::string &checkout_id, const std::string &step, const std::string &state,
            const std::string &detail = "", std::optional<int64_t> lease_until_ms = std::nullopt);
  // False when the checkout was no longer `running` (recovery took it over).
  bool finish(Poco::Data::Session &s, const std::string &checkout_id, const std::string &status,
              const std::optional<std::string> &error);
  std::optional<CheckoutRecord> find(Poco::Data::Session &s, const std::string &id, bool lock = false);
  std::vector<std::string> steps(Poco::Data::Session &s, const std::string &checkout_id);
  // Claims up to `limit` running checkouts whose lease ended before `now_ms`
  // by extending their lease to `new_lease_ms` (SKIP LOCKED on PostgreSQL, so
  // replicas do not take the same one).
  std::vector<CheckoutRecord> claimStale(Poco::Data::Session &s, int64_t now_ms, int64_t new_lease_ms, int limit);

private:
  Database &db_;
};

} // namespace orders::host::storage
