// Invoices: GET /api/orders/:id/invoice renders the order through the
// configured invoice plugin. The number is allocated once per order, on the
// first download, from a per-year counter (INV-2026-000042) in the same
// transaction that records it, so re-downloads show the same number and no
// two orders share one.
#pragma once

#include "core/core_plugins.hpp"
#include "core/order_service.hpp"
#include "storage/database.hpp"

namespace orders::host::core {

struct IssuedInvoice {
  std::string number;
  int64_t issued_at_ms = 0;
};

class InvoiceService {
public:
  InvoiceService(storage::Database &db, const CorePlugins &plugins) : db_(db), plugins_(plugins) {}

  // unsupported without an invoice plugin; conflict before payment (naming
  // the status); the plugin's error otherwise.
  sdk::Result<sdk::Document> render(const OrderView &view);
  // The order's invoice number, allocating it the first time.
  IssuedInvoice issue(const std::string &order_id, int64_t now_ms);

private:
  storage::Database &db_;
  const CorePlugins &plugins_;
};

// Paid or later (an invoice documents a payment).
bool invoiceable(OrderStatus s);

} // namespace orders::host::core
