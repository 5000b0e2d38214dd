// inventory/local: stock and reservations in a database of the plugin's own
// (an SQLite file or PostgreSQL; tables in stock_store.hpp).
#include <cstdint>
#include <ctime>
#include <limits>
#include <map>
#include <memory>
#include <string>

#include "db_url.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_inventory_local_config_schema.hpp"
#include "stock_store.hpp"
#include "time_ordered_id.hpp"

namespace orders::plugins::inventory {

using namespace orders::sdk;

namespace {

// The validated config; the host fills every default from config.schema.json.
struct LocalConfig {
  std::string databaseUrl;
  std::map<std::string, int64_t> stock;
  int64_t reservationTtlSeconds = 0;
  int64_t poolSize = 0;
  template <class V> void visit(V &v) {
    v("database_url", databaseUrl);
    v("stock", stock);
    v("reservation_ttl_seconds", reservationTtlSeconds);
    v("pool_size", poolSize);
  }
};

// RFC 3339 in UTC with whole seconds, e.g. 2026-09-21T14:28:20Z.
std::string rfc3339(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string linePointer(std::size_t index, const char *field) {
  return "/lines/" + std::to_string(index) + "/" + field;
}

// A request's units per product key (duplicate lines merged) and the first
// line naming each key, to name it again in a shortage.
struct Demand {
  Units units;
  std::map<std::string, const StockLine *> firstLine;
};

Result<Demand> demandOf(const ReserveRequest &request) {
  if (request.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
  if (request.ttlSeconds < 0) return invalidArgument("/ttlSeconds: must be >= 0");
  if (request.lines.empty()) return invalidArgument("/lines: at least one line is required");
  Demand demand;
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const StockLine &line = request.lines[i];
    if (line.productId.empty()) return invalidArgument(linePointer(i, "productId") + ": must not be empty");
    if (line.quantity <= 0) return invalidArgument(linePointer(i, "quantity") + ": must be > 0");
    const std::string key = productKey(line.productId, line.variantId);
    int64_t &units = demand.units[key];
    if (units > std::numeric_limits<int64_t>::max() - line.quantity)
      return invalidArgument(linePointer(i, "quantity") + ": the total for " + key + " is too large");
    units += line.quantity;
    demand.firstLine.emplace(key, &line);
  }
  return demand;
}

} // namespace

class LocalInventory final : public InventoryProvider {
public:
  static constexpr uint32_t kCapabilities = ORDERS_INVENTORY_CAN_RELEASE | ORDERS_INVENTORY_CAN_RESTOCK;

  static Result<std::unique_ptr<LocalInventory>> create(PluginContext ctx) {
    LocalConfig config;
    try {
      config = fromJsonOrThrow<LocalConfig>(ctx.config);
    } catch (const DecodeError &e) {
      return invalidArgument(e.what());
    }
    if (config.poolSize < 1) return invalidArgument("/pool_size: must be >= 1");
    if (config.reservationTtlSeconds < 1) return invalidArgument("/reservation_ttl_seconds: must be >= 1");
    for (const auto &[key, units] : config.stock) {
      if (key.empty()) return invalidArgument("/stock: product keys must not be empty");
      if (units < 0) return invalidArgument("/stock/" + key + ": must be >= 0");
    }
    auto target = dburl::parse(config.databaseUrl);
    if (!target.ok()) return target.error();
    auto store = StockStore::open(target->connector, target->connection, static_cast<int>(config.poolSize));
    if (!store.ok()) return store.error();
    // Seeding only inserts missing rows: a restart keeps the stock it had.
    auto seeded = store.value()->seed(config.stock);
    if (!seeded.ok()) return seeded.error();
    const std::string where = target->connector == "sqlite" ? "sqlite " + target->connection : target->connector;
    ctx.host.info("local inventory on " + where + ": seeded " + std::to_string(seeded.value()) + " of " +
                  std::to_string(config.stock.size()) + " configured products; the others kept their stored stock");
    return std::make_unique<LocalInventory>(ctx.host, std::move(store).value(), config.reservationTtlSeconds);
  }

  LocalInventory(Host host, std::unique_ptr<StockStore> store, int64_t default_ttl_seconds)
      : host_(host), store_(std::move(store)), default_ttl_seconds_(default_ttl_seconds) {}

  Result<ReserveOutcome> reserve(const ReserveRequest &request) override {
    Result<Demand> demand = demandOf(request);
    if (!demand.ok()) return demand.error();
    const int64_t now_ms = host_.nowUnixMs();
    const int64_t ttl_seconds = request.ttlSeconds > 0 ? request.ttlSeconds : default_ttl_seconds_;
    if (ttl_seconds > (std::numeric_limits<int64_t>::max() - now_ms) / 1000)
      return invalidArgument("/ttlSeconds: too large");

    Reservation candidate;
    candidate.id = ids::timeOrderedId();
    candidate.reference = request.reference;
    candidate.idempotencyKey = request.idempotencyKey;
    candidate.status = "held";
    candidate.linesJson = encode(request.lines);
    candidate.createdAtMs = now_ms;
    candidate.expiresAtMs = now_ms + ttl_seconds * 1000;
    Result<ReserveResult> result = store_->reserve(candidate, demand->units);
    if (!result.ok()) return result.error();

    ReserveOutcome outcome;
    if (result->reserved) {
      // A replay answers with the stored hold, whatever became of it since.
      outcome.reserved = true;
      outcome.reservationId = result->reservation.id;
      outcome.expiresAt = rfc3339(result->reservation.expiresAtMs);
      host_.counter("inventory_reservations_total", 1, {{"outcome", result->replayed ? "replayed" : "reserved"}});
      return outcome;
    }
    for (const auto &[key, available] : result->shortages) {
      const StockLine &line = *demand->firstLine.at(key);
      outcome.shortages.push_back(Shortage{line.productId, line.variantId, demand->units.at(key), available});
    }
    host_.counter("inventory_reservations_total", 1, {{"outcome", "short"}});
    return outcome;
  }

  Result<Empty> commit(const ReservationRef &reservation) override {
    if (reservation.reservationId.empty()) return invalidArgument("/reservationId: must not be empty");
    Result<std::string> status = store_->settle(reservation.reservationId, Settlement::commit, host_.nowUnixMs());
    if (!status.ok()) return status.error();
    if (status.value() == "committed") return Empty{};
    return conflict("reservation " + reservation.reservationId + " is " + status.value() + "; stock was returned");
  }

  // Units of a committed (paid) reservation back on hand, once per
  // reservation: a repeated call finds it restocked and changes nothing.
  Result<Empty> restock(const RestockRequest &request) override {
    if (request.reservationId.empty()) return invalidArgument("/reservationId: must not be empty");
    Result<std::string> status = store_->restock(request.reservationId);
    if (!status.ok()) return status.error();
    if (status.value() == "restocked_now" || status.value() == "restocked") return Empty{};
    return conflict("reservation " + request.reservationId + " is " + status.value() +
                    "; only committed stock can be restocked");
  }

  Result<Empty> release(const ReservationRef &reservation) override {
    if (reservation.reservationId.empty()) {
      if (reservation.reference.empty()) return invalidArgument("/reservationId: give a reservationId or a reference");
      // Crash recovery knows the order but not its reservations: release them all.
      Result<int64_t> released = store_->releaseHeldByReference(reservation.reference);
      if (!released.ok()) return released.error();
      host_.info("released " + std::to_string(released.value()) + " held reservations of " + reservation.reference);
      return Empty{};
    }
    Result<std::string> status = store_->settle(reservation.reservationId, Settlement::release, host_.nowUnixMs());
    if (!status.ok()) return status.error();
    if (status.value() == "committed")
      return conflict("reservation " + reservation.reservationId + " is committed; its stock was consumed");
    return Empty{}; // released now, or already released or expired
  }

  Status ready() override { return store_->ping(); }

private:
  const Host host_;
  std::unique_ptr<StockStore> store_; // thread-safe: every call borrows its own session
  const int64_t default_ttl_seconds_;
};

} // namespace orders::plugins::inventory

ORDERS_PLUGIN(orders::plugins::inventory::LocalInventory, "local", "1.0.0",
              "Stock and reservations in a database of its own (SQLite or PostgreSQL)", kConfigSchema)
