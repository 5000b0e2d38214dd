// invoice/pdf: lays an InvoiceModel out on A4 pages with Pango and writes the
// PDF with cairo into memory.
//
// Thread-safety: renderInvoicePdf() may run on several threads at once; each
// call has its own surface and Pango context (Pango's default font map is
// per thread).
#ifndef ORDERS_PLUGINS_INVOICE_PDF_PDF_RENDERER_HPP
#define ORDERS_PLUGINS_INVOICE_PDF_PDF_RENDERER_HPP

#include <string>

#include "invoice_model.hpp"
#include "orders/sdk/result.hpp"

namespace orders::plugins::invoice {

struct PdfStyle {
  std::string fontFamily = "DejaVu Sans"; // fontconfig fills in glyphs the family lacks
  double fontSize = 10;                   // body text, in points
};

// The PDF file's bytes. A cairo failure is an `internal` error carrying
// cairo's status text.
sdk::Result<std::string> renderInvoicePdf(const InvoiceModel &model, const PdfStyle &style);

} // namespace orders::plugins::invoice

#endif
