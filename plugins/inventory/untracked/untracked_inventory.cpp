// inventory/untracked: stock this order service does not hold. Every
// reservation succeeds (its id is derived from the idempotency key, so a
// retried reserve names the same reservation); commit, release and restock
// have nothing to move. Use it where the seed being replaced never reserved
// stock (LAKOO, seed 004), so that checkouts behave as they did there.
#include "orders/sdk/plugin.hpp"
#include "orders_inventory_untracked_config_schema.hpp"

namespace orders::plugins::inventory {

using namespace orders::sdk;

class UntrackedInventory final : public InventoryProvider {
public:
  static constexpr uint32_t kCapabilities = ORDERS_INVENTORY_CAN_RELEASE | ORDERS_INVENTORY_CAN_RESTOCK;

  static Result<std::unique_ptr<UntrackedInventory>> create(PluginContext ctx) {
    ctx.host.info("stock is not tracked by this order service: every reservation succeeds");
    return std::make_unique<UntrackedInventory>();
  }

  Result<ReserveOutcome> reserve(const ReserveRequest &request) override {
    if (request.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
    for (size_t i = 0; i < request.lines.size(); ++i)
      if (request.lines[i].quantity <= 0)
        return invalidArgument("/lines/" + std::to_string(i) + "/quantity: must be > 0");
    ReserveOutcome out;
    out.reserved = true;
    out.reservationId = "untracked:" + request.idempotencyKey;
    return out;
  }
  Result<Empty> commit(const ReservationRef &) override { return Empty{}; }
  Result<Empty> release(const ReservationRef &) override { return Empty{}; }
  Result<Empty> restock(const RestockRequest &) override { return Empty{}; }
};

} // namespace orders::plugins::inventory

ORDERS_PLUGIN(orders::plugins::inventory::UntrackedInventory, "untracked", "1.0.0",
              "Stock held elsewhere: every reservation succeeds", kConfigSchema)
