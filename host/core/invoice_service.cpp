#include "core/invoice_service.hpp"

#include <cstdio>
#include <ctime>

#include "orders/sdk/json.hpp"
#include "storage/invoice_repository.hpp"

namespace orders::host::core {

namespace {

int yearOf(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

template <class T> std::optional<T> decodeOptional(const Json::Value &j) {
  if (!j.isObject()) return std::nullopt;
  try {
    return sdk::fromJsonOrThrow<T>(j);
  } catch (const std::exception &) {
    return std::nullopt; // a stored snapshot the SDK type cannot read is left out, not fatal
  }
}

} // namespace

bool invoiceable(OrderStatus s) {
  using S = OrderStatus;
  return s == S::paid || s == S::processing || s == S::shipped || s == S::delivered || s == S::completed ||
         s == S::refunded;
}

IssuedInvoice InvoiceService::issue(const std::string &order_id, int64_t now_ms) {
  IssuedInvoice out;
  for (int attempt = 0;; ++attempt) {
    try {
      db_.transaction([&](Poco::Data::Session &s) {
        storage::InvoiceRepository invoices(db_);
        if (auto existing = invoices.find(s, order_id)) {
          out = IssuedInvoice{existing->number, existing->issued_at_ms};
          return;
        }
        const int64_t year = yearOf(now_ms);
        const int64_t last = invoices.nextNumber(s, year);
        char number[32];
        std::snprintf(number, sizeof number, "INV-%lld-%06lld", static_cast<long long>(year),
                      static_cast<long long>(last));
        out = IssuedInvoice{number, now_ms};
        invoices.insert(s, order_id, storage::InvoiceRow{out.number, out.issued_at_ms});
      });
      return out;
    } catch (const std::exception &e) {
      // Two first downloads of one order (or of one year's first invoice) at
      // once: the loser reads what the winner wrote.
      if (attempt < 3 && storage::Database::isUniqueViolation(e)) continue;
      throw;
    }
  }
}

sdk::Result<sdk::Document> InvoiceService::render(const OrderView &view) {
  if (plugins_.invoice == nullptr) return sdk::unsupported("invoices are not configured (no invoice plugin)");
  const Order &o = view.order;
  if (!invoiceable(o.status))
    return sdk::conflict("order " + o.id + " is " + statusName(o.status) + ": an invoice exists once it is paid");
  const IssuedInvoice issued = issue(o.id, nowMs());

  sdk::InvoiceRequest req;
  req.order.id = o.id;
  req.order.orderNumber = o.order_number;
  req.order.userId = o.user_id;
  req.order.sellerId = o.seller_id;
  req.order.status = statusName(o.status);
  req.order.currency = o.currency;
  req.order.items = lineItemsOf(o);
  req.order.subtotalMinor = o.subtotal_minor;
  req.order.shippingMinor = o.shipping_minor;
  req.order.totalMinor = o.total_minor;
  req.order.shippingAddress = decodeOptional<sdk::Address>(o.shipping_address);
  req.order.customer = decodeOptional<sdk::Party>(o.customer);
  req.order.createdAt = rfc3339(o.created_at_ms);
  req.invoiceNumber = issued.number;
  req.issuedAt = rfc3339(issued.issued_at_ms);
  if (o.seller_id) req.seller = sdk::Party{*o.seller_id, std::nullopt, std::nullopt, std::nullopt};
  for (const Payment &p : view.payments)
    if (p.status == PaymentStatus::captured || p.status == PaymentStatus::refunded ||
        p.status == PaymentStatus::refund_pending) {
      req.paymentReference = p.reference;
      req.paidAt = rfc3339(p.updated_at_ms);
    }
  return renderInvoice(*plugins_.invoice, req);
}

} // namespace orders::host::core
