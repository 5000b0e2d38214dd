// invoices and invoice_counters: one number per order, gap-free per year
// ("INV-2026-000042"), allocated inside the caller's transaction.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.hpp"

namespace orders::host::storage {

struct InvoiceRow {
  std::string number;
  int64_t issued_at_ms = 0;
};

class InvoiceRepository {
public:
  explicit InvoiceRepository(Database &db) : db_(db) {}
  std::optional<InvoiceRow> find(Poco::Data::Session &s, const std::string &order_id);
  // The next number of `year` (the counter row is created at the year's
  // first invoice; two first invoices at once: one of them fails with a
  // unique violation and may run again).
  int64_t nextNumber(Poco::Data::Session &s, int64_t year);
  void insert(Poco::Data::Session &s, const std::string &order_id, const InvoiceRow &invoice);

private:
  Database &db_;
};

} // namespace orders::host::storage
