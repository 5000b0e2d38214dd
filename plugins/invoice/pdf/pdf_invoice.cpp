// invoice/pdf: renders an order's invoice as an A4 PDF in memory, with text
// laid out by Pango (fontconfig fallback for scripts the configured family
// lacks) and the file written by cairo. The host serves the bytes as
// GET /api/orders/:id/invoice.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formatting.hpp"
#include "invoice_model.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_invoice_pdf_config_schema.hpp"
#include "pdf_renderer.hpp"

namespace orders::plugins::invoice {

using namespace orders::sdk;

namespace {

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
constexpr const char *kFontFamily = "DejaVu Sans";
constexpr double kFontSize = 10;
constexpr double kMinFontSize = 6;
constexpr double kMaxFontSize = 16;
constexpr int64_t kMaxExponent = 4;

struct PdfInvoiceConfig {
  std::optional<std::string> font_family;
  std::optional<double> font_size;
  std::optional<std::string> currency_display;
  std::optional<std::map<std::string, int64_t>> currency_exponents;
  std::optional<std::string> seller_name;
  std::optional<std::vector<std::string>> seller_address;
  std::optional<std::string> seller_tax_id;
  std::optional<std::string> seller_email;
  std::optional<std::string> seller_phone;
  template <class V> void visit(V &v) {
    v("font_family", font_family);
    v("font_size", font_size);
    v("currency_display", currency_display);
    v("currency_exponents", currency_exponents);
    v("seller_name", seller_name);
    v("seller_address", seller_address);
    v("seller_tax_id", seller_tax_id);
    v("seller_email", seller_email);
    v("seller_phone", seller_phone);
  }
};

bool blank(const std::string &s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// "INV-2026-000042" stays; anything but letters, digits, '.', '_' and '-'
// becomes '_' so the name is safe in a Content-Disposition header and on disk.
std::string filenamePart(const std::string &text) {
  std::string out = text;
  for (char &c : out) {
    const bool keep =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!keep) c = '_';
  }
  return out;
}

} // namespace

class PdfInvoice final : public InvoiceRenderer {
public:
  PdfInvoice(PdfStyle style, SellerDefaults seller, MoneyFormatter money)
      : style_(std::move(style)), seller_(std::move(seller)), money_(std::move(money)) {}

  static Result<std::unique_ptr<PdfInvoice>> create(PluginContext ctx) {
    PdfInvoiceConfig cfg;
    try {
      cfg = fromJsonOrThrow<PdfInvoiceConfig>(ctx.config);
    } catch (const DecodeError &e) {
      return invalidArgument(std::string("config ") + e.what());
    }

    PdfStyle style;
    style.fontFamily = cfg.font_family.value_or(kFontFamily);
    if (blank(style.fontFamily)) return invalidArgument("font_family: must not be empty");
    style.fontSize = cfg.font_size.value_or(kFontSize);
    if (!(style.fontSize >= kMinFontSize && style.fontSize <= kMaxFontSize))
      return invalidArgument("font_size: must be between 6 and 16 (points)");

    CurrencyDisplay display = CurrencyDisplay::code;
    const std::string display_name = cfg.currency_display.value_or("code");
    if (display_name == "symbol")
      display = CurrencyDisplay::symbol;
    else if (display_name != "code")
      return invalidArgument("currency_display: '" + display_name + "' is not one of \"code\", \"symbol\"");

    std::map<std::string, int> exponents;
    for (const auto &[code, places] : cfg.currency_exponents.value_or(std::map<std::string, int64_t>{})) {
      if (!isCurrencyCode(code))
        return invalidArgument("currency_exponents: '" + code + "' is not an ISO 4217 code (three capital letters)");
      if (places < 0 || places > kMaxExponent)
        return invalidArgument("currency_exponents: " + code + ": decimal places must be between 0 and 4");
      exponents[code] = static_cast<int>(places);
    }

    SellerDefaults seller;
    seller.name = cfg.seller_name;
    seller.address = cfg.seller_address.value_or(std::vector<std::string>{});
    seller.taxId = cfg.seller_tax_id;
    seller.email = cfg.seller_email;
    seller.phone = cfg.seller_phone;

    ctx.host.debug("invoice/pdf: font '" + style.fontFamily + "', currency display " + display_name);
    return std::make_unique<PdfInvoice>(std::move(style), std::move(seller),
                                        MoneyFormatter(display, std::move(exponents)));
  }

  Result<Document> render(const InvoiceRequest &request) override {
    if (blank(request.invoiceNumber)) return invalidArgument("/invoiceNumber: is required");
    if (blank(request.order.id)) return invalidArgument("/order/id: is required");
    const InvoiceModel model = buildInvoiceModel(request, seller_, money_);
    Result<std::string> pdf = renderInvoicePdf(model, style_);
    if (!pdf.ok()) return pdf.error();
    Document doc;
    doc.contentType = "application/pdf";
    doc.filename = "invoice-" + filenamePart(request.invoiceNumber) + ".pdf";
    doc.bytes = std::move(pdf).value();
    return doc;
  }

private:
  const PdfStyle style_;
  const SellerDefaults seller_;
  const MoneyFormatter money_; // all immutable after create(): safe for concurrent render()
};

} // namespace orders::plugins::invoice

ORDERS_PLUGIN(orders::plugins::invoice::PdfInvoice, "pdf", "1.0.0",
              "Invoices as A4 PDF documents (cairo + Pango, Unicode text with font fallback)", kConfigSchema)
