// invoice/@NAME@: an order's invoice as one self-contained HTML document
// (UTF-8, inline CSS, printable), a starting point for @NEIGHBOUR@'s layout.
//
// The host allocates the invoice number once per order and passes the same
// number and issue time on every download, so the same request renders the
// same bytes. Amounts are exact: minor units written in major units with
// the currency's decimal places (money.hpp), never through a double. Every
// text from the order is HTML-escaped. A request without an invoice number
// or an order id is invalid_argument; a currency without known decimal
// places is internal (add it to money.hpp's table or your own).
// Thread-safety: immutable after create(), so concurrent calls are safe.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "orders/sdk/money.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_@KIND_IDENT@_@IDENT@_config_schema.hpp"

namespace {

using namespace orders::sdk;

std::string escaped(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

class @CLASS@ final : public InvoiceRenderer {
public:
  static Result<std::unique_ptr<@CLASS@>> create(PluginContext ctx) {
    auto r = std::make_unique<@CLASS@>();
    r->seller_name_ = ctx.config["seller_name"].asString();
    for (const Json::Value &line : ctx.config["seller_address"])
      r->seller_address_.push_back(line.asString());
    r->footer_ = ctx.config["footer"].asString();
    r->exponents_ = defaultCurrencyExponents();
    return r;
  }

  Result<Document> render(const InvoiceRequest &r) override {
    if (r.invoiceNumber.empty()) return invalidArgument("/invoiceNumber: must not be empty");
    if (r.order.id.empty()) return invalidArgument("/order/id: must not be empty");
    const auto exponent = exponents_.find(r.order.currency);
    if (exponent == exponents_.end())
      return internalError("invoice " + r.invoiceNumber + ": no decimal places known for currency '" +
                           r.order.currency + "'");
    const auto money = [&](int64_t minor) {
      return escaped(minorToMajor(minor, exponent->second) + " " + r.order.currency);
    };
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Invoice " +
         escaped(r.invoiceNumber) + "</title>\n";
    h += "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
         "td,th{border-bottom:1px solid #ccc;padding:.3em;text-align:left}.n{text-align:right}</style></head><body>\n";
    const std::string issuer = r.seller && r.seller->name ? *r.seller->name : seller_name_;
    h += "<h1>Invoice " + escaped(r.invoiceNumber) + "</h1>\n<p><strong>" + escaped(issuer) + "</strong>";
    for (const std::string &line : seller_address_)
      h += "<br>" + escaped(line);
    h += "</p>\n<p>Issued " + escaped(r.issuedAt) + " for order " + escaped(r.order.orderNumber) + "</p>\n";
    if (r.order.customer) {
      h += "<p>Billed to " + escaped(r.order.customer->name.value_or(r.order.customer->id));
      if (r.order.customer->email) h += "<br>" + escaped(*r.order.customer->email);
      h += "</p>\n";
    }
    h += "<table><tr><th>Item</th><th class=\"n\">Qty</th><th class=\"n\">Unit price</th>"
         "<th class=\"n\">Amount</th></tr>\n";
    for (const LineItem &item : r.order.items)
      h += "<tr><td>" + escaped(item.title) + "</td><td class=\"n\">" + std::to_string(item.quantity) +
           "</td><td class=\"n\">" + money(item.unitPrice.amountMinor) + "</td><td class=\"n\">" +
           money(item.lineTotal.amountMinor) + "</td></tr>\n";
    h += "<tr><td colspan=\"3\">Subtotal</td><td class=\"n\">" + money(r.order.subtotalMinor) + "</td></tr>\n";
    h += "<tr><td colspan=\"3\">Shipping</td><td class=\"n\">" + money(r.order.shippingMinor) + "</td></tr>\n";
    h += "<tr><th colspan=\"3\">Total</th><th class=\"n\">" + money(r.order.totalMinor) + "</th></tr></table>\n";
    if (r.paidAt)
      h += "<p>Paid " + escaped(*r.paidAt) +
           (r.paymentReference ? " (reference " + escaped(*r.paymentReference) + ")" : std::string()) + "</p>\n";
    if (!footer_.empty()) h += "<p>" + escaped(footer_) + "</p>\n";
    h += "</body></html>\n";
    Document d;
    d.contentType = "text/html; charset=utf-8";
    d.filename = r.invoiceNumber + ".html";
    d.bytes = std::move(h);
    return d;
  }

private:
  std::string seller_name_;
  std::vector<std::string> seller_address_;
  std::string footer_;
  std::map<std::string, int> exponents_; // ISO 4217 code -> decimal places
};

} // namespace

ORDERS_PLUGIN(@CLASS@, "@NAME@", "0.1.0", "Invoices as HTML documents (@NEIGHBOUR@)", kConfigSchema)
