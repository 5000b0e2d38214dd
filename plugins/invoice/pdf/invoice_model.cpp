// invoice/pdf: the text of an invoice (see invoice_model.hpp).
#include "invoice_model.hpp"

namespace orders::plugins::invoice {

using namespace orders::sdk;

namespace {

// The value when it is present and not empty.
std::optional<std::string> present(const std::optional<std::string> &value) {
  if (value && !value->empty()) return value;
  return std::nullopt;
}

void addLine(std::vector<std::string> &lines, const std::optional<std::string> &value,
             const std::string &prefix = std::string()) {
  if (value && !value->empty()) lines.push_back(prefix + *value);
}

void addLine(std::vector<std::string> &lines, const std::string &value) {
  if (!value.empty()) lines.push_back(value);
}

// The request's seller completed by the config's; the seller id as the name
// when nobody knows a name.
std::vector<std::string> sellerLines(const std::optional<Party> &party, const SellerDefaults &defaults,
                                     std::string &name_out) {
  std::optional<std::string> name, email, phone;
  if (party) {
    name = present(party->name);
    email = present(party->email);
    phone = present(party->phone);
  }
  if (!name) name = present(defaults.name);
  if (!email) email = present(defaults.email);
  if (!phone) phone = present(defaults.phone);
  if (!name && party && !party->id.empty()) name = party->id;

  std::vector<std::string> lines;
  addLine(lines, name);
  for (const std::string &line : defaults.address)
    addLine(lines, line);
  addLine(lines, email);
  addLine(lines, phone);
  addLine(lines, present(defaults.taxId), "Tax ID: ");
  name_out = name.value_or(std::string());
  return lines;
}

std::vector<std::string> buyerLines(const OrderSnapshot &order) {
  std::optional<std::string> name, email, phone;
  if (order.customer) {
    name = present(order.customer->name);
    email = present(order.customer->email);
    phone = present(order.customer->phone);
  }
  if (!name && order.shippingAddress) name = present(order.shippingAddress->name);
  std::vector<std::string> lines;
  addLine(lines, name);
  addLine(lines, email);
  addLine(lines, phone);
  if (lines.empty() && !order.userId.empty()) lines.push_back("Customer " + order.userId);
  return lines;
}

// "Jakarta, DKI Jakarta 12190", "Madrid 28013".
std::string cityLine(const Address &a) {
  std::string line = a.city;
  if (auto region = present(a.region)) line += (line.empty() ? "" : ", ") + *region;
  if (auto postal = present(a.postalCode)) line += (line.empty() ? "" : " ") + *postal;
  return line;
}

std::vector<std::string> addressLines(const std::optional<Address> &address) {
  std::vector<std::string> lines;
  if (!address) return lines;
  const Address &a = *address;
  addLine(lines, a.name);
  addLine(lines, a.line1);
  addLine(lines, a.line2);
  addLine(lines, cityLine(a));
  addLine(lines, a.country);
  addLine(lines, a.phone);
  return lines;
}

// The order's currency; the first line's when the order names none.
std::string orderCurrency(const OrderSnapshot &order) {
  if (!order.currency.empty()) return order.currency;
  for (const LineItem &item : order.items) {
    if (!item.lineTotal.currency.empty()) return item.lineTotal.currency;
    if (!item.unitPrice.currency.empty()) return item.unitPrice.currency;
  }
  return std::string();
}

} // namespace

InvoiceModel buildInvoiceModel(const InvoiceRequest &request, const SellerDefaults &seller,
                               const MoneyFormatter &money) {
  const OrderSnapshot &order = request.order;
  const std::string currency = orderCurrency(order);
  InvoiceModel m;
  m.invoiceNumber = request.invoiceNumber;

  m.meta.emplace_back("Invoice number", request.invoiceNumber);
  if (!request.issuedAt.empty()) m.meta.emplace_back("Issue date", displayDate(request.issuedAt));
  m.meta.emplace_back("Order number", order.orderNumber.empty() ? order.id : order.orderNumber);
  if (!order.createdAt.empty()) m.meta.emplace_back("Order date", displayDate(order.createdAt));

  m.seller = sellerLines(request.seller, seller, m.sellerName);
  m.billTo = buyerLines(order);
  m.shipTo = addressLines(order.shippingAddress);

  for (const LineItem &item : order.items) {
    const std::string &unit_currency = item.unitPrice.currency.empty() ? currency : item.unitPrice.currency;
    const std::string &line_currency = item.lineTotal.currency.empty() ? currency : item.lineTotal.currency;
    InvoiceModel::Row row;
    row.title = item.title.empty() ? item.productId : item.title;
    row.quantity = formatDecimal(item.quantity, 0);
    row.unitPrice = money.format(item.unitPrice.amountMinor, unit_currency);
    row.lineTotal = money.format(item.lineTotal.amountMinor, line_currency);
    m.rows.push_back(std::move(row));
  }

  m.totals.emplace_back("Subtotal", money.format(order.subtotalMinor, currency));
  m.totals.emplace_back("Shipping", money.format(order.shippingMinor, currency));
  m.totals.emplace_back("Total", money.format(order.totalMinor, currency));

  if (auto reference = present(request.paymentReference)) m.payment.push_back("Paid — reference " + *reference);
  if (auto paid = present(request.paidAt)) m.payment.push_back("Paid on " + displayDate(*paid));
  return m;
}

} // namespace orders::plugins::invoice
