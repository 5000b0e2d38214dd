// An invoice as invoice/pdf builds it: the InvoiceRequest JSON the host
// sends (decoded by the SDK's wire codec, as the plugin's C ABI does) turned
// into the text model (plugins/invoice/pdf/invoice_model: buildInvoiceModel
// with formatting's money and dates). Not rendered: Pango + cairo take 10 ms
// for a two-line invoice and 30 ms for 45 lines or CJK text (font fallback),
// too slow to fuzz. The first byte:
//   bit 0  currency display symbol ("$12.99") instead of code ("USD 12.99")
//   bit 1  exponent overrides (IDR 2, JPY 0, KWD 3, USD 4) instead of the defaults
//   bit 2  seller defaults from the config (name, address, tax id, e-mail, phone)
// The rest is the request JSON. Never a crash; the model has a row per order
// line and subtotal, shipping and total; every amount is printed exactly
// (its digits read back are the minor units); dates are the text or its
// first ten characters.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "formatting.hpp"
#include "invoice_model.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/messages.hpp"

using namespace orders::plugins::invoice;

namespace {

// `amountMinor` read back from formatDecimal's text.
void exact(int64_t amount_minor, int exponent) {
  const std::string text = formatDecimal(amount_minor, exponent);
  std::string digits;
  for (char c : text)
    if (c >= '0' && c <= '9')
      digits += c;
    else if (c != ',' && c != '.' && !(c == '-' && digits.empty()))
      std::abort();
  const size_t first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "0" : digits.substr(first);
  const uint64_t magnitude = amount_minor < 0 ? static_cast<uint64_t>(-(amount_minor + 1)) + 1 : amount_minor;
  if (digits != std::to_string(magnitude)) std::abort();
  if ((amount_minor < 0) != (text.front() == '-')) std::abort();
}

void date(const std::string &text, const std::string &shown) {
  if (shown != text && !(shown.size() == 10 && text.rfind(shown, 0) == 0)) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  auto decoded = orders::sdk::decode<orders::sdk::InvoiceRequest>(
      std::string_view(reinterpret_cast<const char *>(data + 1), size - 1));
  if (!decoded.ok()) return 0; // the wire codec's own harness covers this
  const orders::sdk::InvoiceRequest &request = decoded.value();

  const MoneyFormatter money((data[0] & 1) ? CurrencyDisplay::symbol : CurrencyDisplay::code,
                             (data[0] & 2) ? std::map<std::string, int>{{"IDR", 2}, {"JPY", 0}, {"KWD", 3}, {"USD", 4}}
                                           : std::map<std::string, int>{});
  SellerDefaults seller;
  if (data[0] & 4) {
    seller.name = "Toko Kopi Nusantara";
    seller.address = {"Jl. Sudirman 1", "Jakarta 12190", "Indonesia"};
    seller.taxId = "01.234.567.8-901.000";
    seller.email = "billing@kopi.example";
    seller.phone = "+62 21 555 0100";
  }
  const InvoiceModel model = buildInvoiceModel(request, seller, money);

  const auto &order = request.order;
  if (model.invoiceNumber != request.invoiceNumber || model.rows.size() != order.items.size()) std::abort();
  if (model.totals.size() != 3 || model.totals[2].first != "Total") std::abort();
  if (model.meta.empty() || model.meta[0].second != request.invoiceNumber) std::abort();
  for (const auto &item : order.items) {
    exact(item.unitPrice.amountMinor, money.exponentOf(item.unitPrice.currency));
    exact(item.lineTotal.amountMinor, money.exponentOf(item.lineTotal.currency));
    exact(item.quantity, 0);
  }
  for (int64_t amount : {order.subtotalMinor, order.shippingMinor, order.totalMinor})
    exact(amount, money.exponentOf(order.currency));
  date(request.issuedAt, displayDate(request.issuedAt));
  date(order.createdAt, displayDate(order.createdAt));
  if (request.paidAt) date(*request.paidAt, displayDate(*request.paidAt));
  return 0;
}
