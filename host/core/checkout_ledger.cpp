// The checkout saga's ledger (CheckoutService::Ledger): what a running
// checkout has done and not yet written, and the two ways it is written:
// with the saga's next transaction (commit) or with its completion
// (complete).
#include <stdexcept>

#include "core/checkout_service.hpp"
#include "storage/checkout_repository.hpp"

namespace orders::host::core {

namespace {
// Thrown inside complete()'s transaction to roll it back.
struct LeaseLost : std::runtime_error {
  LeaseLost() : std::runtime_error("the checkout is no longer running") {}
};

} // namespace

// After a commit: the steps' crash points, then what waited for the results.
void CheckoutService::settle(Ledger &ledger) {
  std::vector<const char *> steps = std::move(ledger.steps);
  std::vector<std::function<void()>> after = std::move(ledger.after);
  ledger.steps.clear();
  ledger.results.clear();
  ledger.after.clear();
  for (const char *step : steps)
    crashPoint(step);
  for (auto &work : after)
    work();
}

void CheckoutService::commit(Ledger &ledger, const std::function<void(Poco::Data::Session &)> &work) {
  if (!work && ledger.results.empty() && ledger.steps.empty()) return settle(ledger);
  storage::CheckoutRepository checkouts(db_);
  db_.pipelined([&](Poco::Data::Session &s) { // one round trip for writes only (storage/database.hpp)
    for (const auto &result : ledger.results)
      result(s);
    if (work) work(s);
    if (!ledger.steps.empty()) checkouts.step(s, ledger.checkout_id, ledger.steps.back(), nowMs() + options_.lease_ms);
  });
  settle(ledger);
}

bool CheckoutService::complete(Ledger &ledger) {
  storage::CheckoutRepository checkouts(db_);
  try {
    db_.pipelined([&](Poco::Data::Session &s) {
      for (const auto &result : ledger.results)
        result(s);
      std::optional<std::string> step;
      if (!ledger.steps.empty()) step = ledger.steps.back();
      if (!checkouts.finish(s, ledger.checkout_id, "completed", std::nullopt, step)) throw LeaseLost();
    });
  } catch (const LeaseLost &) {
    return false;
  }
  settle(ledger);
  return true;
}

} // namespace orders::host::core
