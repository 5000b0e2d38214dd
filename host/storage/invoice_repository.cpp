#include "storage/invoice_repository.hpp"

#include <Poco/Data/Statement.h>

#include "storage/rows.hpp"

using namespace Poco::Data::Keywords;

namespace orders::host::storage {

std::optional<InvoiceRow> InvoiceRepository::find(Poco::Data::Session &s, const std::string &order_id) {
  std::string id = order_id;
  Poco::Data::Statement st(s);
  st << "SELECT invoice_number, issued_at_ms FROM invoices WHERE order_id = $1", use(id);
  st.execute();
  Rows r(st);
  if (!r.valid()) return std::nullopt;
  return InvoiceRow{r.str("invoice_number"), r.i64("issued_at_ms")};
}

int64_t InvoiceRepository::nextNumber(Poco::Data::Session &s, int64_t year) {
  if (db_.exec(s, "UPDATE invoice_counters SET last = last + 1 WHERE year = $1", year) == 0)
    db_.exec(s, "INSERT INTO invoice_counters (year, last) VALUES ($1, $2)", year, int64_t(1));
  Poco::Int64 last = 0;
  Poco::Int64 y = year;
  s << "SELECT last FROM invoice_counters WHERE year = $1", use(y), into(last), now;
  return last;
}

void InvoiceRepository::insert(Poco::Data::Session &s, const std::string &order_id, const InvoiceRow &invoice) {
  db_.exec(s, "INSERT INTO invoices (order_id, invoice_number, issued_at_ms) VALUES ($1, $2, $3)", order_id,
           invoice.number, invoice.issued_at_ms);
}

} // namespace orders::host::storage
