// invoice/pdf: what an invoice shows, as text. buildInvoiceModel() turns an
// InvoiceRequest (plus the instance's seller defaults and money format) into
// the strings that pdf_renderer lays out; it knows nothing of cairo.
#ifndef ORDERS_PLUGINS_INVOICE_PDF_INVOICE_MODEL_HPP
#define ORDERS_PLUGINS_INVOICE_PDF_INVOICE_MODEL_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formatting.hpp"
#include "orders/sdk/messages.hpp"

namespace orders::plugins::invoice {

// Seller details from the instance config. They complete the request's
// seller (fields it lacks) or stand in for it when the request has none.
struct SellerDefaults {
  std::optional<std::string> name;
  std::vector<std::string> address; // printed lines
  std::optional<std::string> taxId;
  std::optional<std::string> email;
  std::optional<std::string> phone;
};

struct InvoiceModel {
  using Pair = std::pair<std::string, std::string>; // label, value

  struct Row {
    std::string title;
    std::string quantity;
    std::string unitPrice;
    std::string lineTotal;
  };

  std::string invoiceNumber;
  std::vector<Pair> meta;           // invoice number, issue date, order number, order date
  std::vector<std::string> seller;  // name, address lines, email, phone, "Tax ID: ..."
  std::vector<std::string> billTo;  // buyer name, email, phone
  std::vector<std::string> shipTo;  // shipping address lines
  std::vector<Row> rows;            // one per order line, in order
  std::vector<Pair> totals;         // subtotal, shipping, total (the last is the grand total)
  std::vector<std::string> payment; // "Paid — reference xyz", "Paid on 2026-11-21"
  std::string sellerName;           // for the PDF's Author; may be empty
};

InvoiceModel buildInvoiceModel(const sdk::InvoiceRequest &request, const SellerDefaults &seller,
                               const MoneyFormatter &money);

} // namespace orders::plugins::invoice

#endif
