// invoice/pdf: pages of an invoice (see pdf_renderer.hpp).
//
// Every block is laid out first, so its height is known; then the blocks are
// assigned to pages (the line table breaks between rows and repeats its
// header on each page); only then is anything drawn, so the footer can say
// "Page n of m".
#include "pdf_renderer.hpp"

#include <cairo-pdf.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "pdf_canvas.hpp"

namespace orders::plugins::invoice {

namespace {

constexpr double kContentBottom = kPageHeight - 64; // the footer sits below
constexpr double kFooterTop = kPageHeight - 44;
constexpr double kSectionGap = 22;
constexpr double kCellPad = 4;
constexpr double kLabelGrey = 0.38;
constexpr int kMaxTitleLines = 8; // a longer item title is cut with an ellipsis
constexpr int kMaxFieldLines = 3; // likewise one address or contact line

// Line table: item title | quantity | unit price | line total.
constexpr double kColumnGap = 8;
constexpr double kQtyWidth = 44;
constexpr double kAmountWidth = 104;
constexpr double kTitleWidth = kContentWidth - kQtyWidth - 2 * kAmountWidth - 3 * kColumnGap;
constexpr double kQtyX = kMargin + kTitleWidth + kColumnGap;
constexpr double kUnitX = kQtyX + kQtyWidth + kColumnGap;
constexpr double kTotalX = kUnitX + kAmountWidth + kColumnGap;

// Title on the left, invoice and order numbers and dates on the right.
Section headerSection(const Canvas &c, const InvoiceModel &m) {
  Section s;
  c.put(s, "Invoice", Font::title, kMargin, 0, kContentWidth * 0.4, PANGO_ALIGN_LEFT, 1);
  constexpr double label_width = 92;
  constexpr double value_width = 150;
  constexpr double value_x = kMargin + kContentWidth - value_width;
  constexpr double label_x = value_x - kColumnGap - label_width;
  double y = 2;
  for (const auto &[label, value] : m.meta) {
    const double a = c.put(s, label, Font::regular, label_x, y, label_width, PANGO_ALIGN_LEFT, 2, kLabelGrey);
    const double b = c.put(s, value, Font::bold, value_x, y, value_width, PANGO_ALIGN_LEFT, 2);
    y = std::max(a, b) + 2;
  }
  return s;
}

// Seller, Bill to and Ship to side by side; a column without lines is left
// out (its place stays empty).
Section partiesSection(const Canvas &c, const InvoiceModel &m) {
  Section s;
  constexpr double gap = 16;
  constexpr double width = (kContentWidth - 2 * gap) / 3;
  struct Column {
    const char *heading;
    const std::vector<std::string> *lines;
  };
  const Column columns[] = {{"Seller", &m.seller}, {"Bill to", &m.billTo}, {"Ship to", &m.shipTo}};
  double x = kMargin;
  for (const Column &column : columns) {
    if (!column.lines->empty()) {
      double y = c.put(s, column.heading, Font::bold, x, 0, width, PANGO_ALIGN_LEFT, 1, kLabelGrey) + 2;
      for (const std::string &line : *column.lines)
        y = c.put(s, line, Font::regular, x, y, width, PANGO_ALIGN_LEFT, kMaxFieldLines);
    }
    x += width + gap;
  }
  return s;
}

// One table row (or the header when `header`): cells top-aligned, a rule
// below.
Section rowSection(const Canvas &c, const InvoiceModel::Row &row, bool header) {
  Section s;
  const Font font = header ? Font::bold : Font::regular;
  const int max_lines = header ? 1 : kMaxTitleLines;
  double bottom = c.put(s, row.title, font, kMargin, kCellPad, kTitleWidth, PANGO_ALIGN_LEFT, max_lines);
  bottom = std::max(bottom, c.put(s, row.quantity, font, kQtyX, kCellPad, kQtyWidth, PANGO_ALIGN_RIGHT, 2));
  bottom = std::max(bottom, c.put(s, row.unitPrice, font, kUnitX, kCellPad, kAmountWidth, PANGO_ALIGN_RIGHT, 2));
  bottom = std::max(bottom, c.put(s, row.lineTotal, font, kTotalX, kCellPad, kAmountWidth, PANGO_ALIGN_RIGHT, 2));
  s.height = bottom + kCellPad;
  Section::Rule rule;
  rule.y = s.height;
  rule.grey = header ? 0.0 : 0.8;
  rule.width = header ? 0.8 : 0.4;
  s.rules.push_back(rule);
  return s;
}

// Subtotal, shipping and total under the amount columns; payment lines below.
Section summarySection(const Canvas &c, const InvoiceModel &m) {
  Section s;
  double y = 6;
  for (size_t i = 0; i < m.totals.size(); ++i) {
    const bool grand = i + 1 == m.totals.size();
    if (grand) {
      Section::Rule rule;
      rule.y = y;
      rule.width = 0.8;
      rule.x1 = kUnitX;
      s.rules.push_back(rule);
      y += 4;
    }
    const Font font = grand ? Font::bold : Font::regular;
    const double a = c.put(s, m.totals[i].first, font, kUnitX, y, kAmountWidth, PANGO_ALIGN_RIGHT, 2);
    const double b = c.put(s, m.totals[i].second, font, kTotalX, y, kAmountWidth, PANGO_ALIGN_RIGHT, 2);
    y = std::max(a, b) + 3;
  }
  if (!m.payment.empty()) {
    y += 12;
    for (const std::string &line : m.payment)
      y = c.put(s, line, Font::regular, kMargin, y, kContentWidth, PANGO_ALIGN_LEFT, 2) + 1;
  }
  return s;
}

// Top of every page after the first.
Section continuationSection(const Canvas &c, const InvoiceModel &m) {
  Section s;
  c.put(s, "Invoice " + m.invoiceNumber + " (continued)", Font::bold, kMargin, 0, kContentWidth, PANGO_ALIGN_LEFT, 1);
  s.height += 12;
  return s;
}

Section footerSection(const Canvas &c, const InvoiceModel &m, size_t page, size_t pages) {
  Section s;
  const double half = kContentWidth / 2;
  c.put(s, "Invoice " + m.invoiceNumber, Font::small, kMargin, 0, half, PANGO_ALIGN_LEFT, 1, kLabelGrey);
  c.put(s, "Page " + std::to_string(page) + " of " + std::to_string(pages), Font::small, kMargin + half, 0, half,
        PANGO_ALIGN_RIGHT, 1, kLabelGrey);
  return s;
}

struct PagePlan {
  bool first = false;
  std::optional<double> tableHeadTop;
  std::vector<std::pair<size_t, double>> rows; // row index, top
  std::optional<double> summaryTop;
};

struct Blocks {
  Section header;
  Section parties;
  Section continuation;
  Section tableHead;
  std::vector<Section> rows;
  Section summary;
};

double partiesTop(const Blocks &b) { return kMargin + b.header.height + kSectionGap; }

std::vector<PagePlan> paginate(const Blocks &b) {
  std::vector<PagePlan> pages(1);
  pages[0].first = true;
  double y = partiesTop(b) + b.parties.height + kSectionGap;
  pages[0].tableHeadTop = y;
  y += b.tableHead.height;
  auto newPage = [&](bool with_table) {
    pages.emplace_back();
    y = kMargin + b.continuation.height;
    if (with_table) {
      pages.back().tableHeadTop = y;
      y += b.tableHead.height;
    }
  };
  for (size_t i = 0; i < b.rows.size(); ++i) {
    // A row always goes on a fresh continuation page, even when too tall.
    const bool fresh = !pages.back().first && pages.back().rows.empty();
    if (!fresh && y + b.rows[i].height > kContentBottom) newPage(true);
    pages.back().rows.emplace_back(i, y);
    y += b.rows[i].height;
  }
  y += 4;
  if (y + b.summary.height > kContentBottom) newPage(false);
  pages.back().summaryTop = y;
  return pages;
}

void drawInvoice(const Canvas &c, cairo_t *cr, const InvoiceModel &m) {
  Blocks b;
  b.header = headerSection(c, m);
  b.parties = partiesSection(c, m);
  b.continuation = continuationSection(c, m);
  b.tableHead = rowSection(c, InvoiceModel::Row{"Item", "Qty", "Unit price", "Amount"}, true);
  b.rows.reserve(m.rows.size());
  for (const InvoiceModel::Row &row : m.rows)
    b.rows.push_back(rowSection(c, row, false));
  b.summary = summarySection(c, m);

  const std::vector<PagePlan> pages = paginate(b);
  for (size_t p = 0; p < pages.size(); ++p) {
    const PagePlan &page = pages[p];
    if (page.first) {
      c.draw(b.header, kMargin);
      c.draw(b.parties, partiesTop(b));
    } else {
      c.draw(b.continuation, kMargin);
    }
    if (page.tableHeadTop) c.draw(b.tableHead, *page.tableHeadTop);
    for (const auto &[index, top] : page.rows)
      c.draw(b.rows[index], top);
    if (page.summaryTop) c.draw(b.summary, *page.summaryTop);
    c.draw(footerSection(c, m, p + 1, pages.size()), kFooterTop);
    cairo_show_page(cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) return;
  }
}

// cairo's write callback: appends to the std::string passed as closure.
cairo_status_t appendBytes(void *closure, const unsigned char *data, unsigned int length) {
  try {
    static_cast<std::string *>(closure)->append(reinterpret_cast<const char *>(data), length);
    return CAIRO_STATUS_SUCCESS;
  } catch (...) { // never unwind through cairo
    return CAIRO_STATUS_WRITE_ERROR;
  }
}

void setMetadata(cairo_surface_t *surface, const InvoiceModel &m) {
#if CAIRO_VERSION >= CAIRO_VERSION_ENCODE(1, 16, 0)
  const std::string title = cleanText("Invoice " + m.invoiceNumber);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "order-service invoice/pdf");
  if (!m.sellerName.empty()) {
    const std::string author = cleanText(m.sellerName);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author.c_str());
  }
#else
  (void)surface, (void)m; // cairo < 1.16 has no document metadata
#endif
}

sdk::Error cairoFailure(const char *what, cairo_status_t status) {
  return sdk::internalError(std::string("invoice/pdf: ") + what + ": cairo: " + cairo_status_to_string(status));
}

struct SurfaceDestroy {
  void operator()(cairo_surface_t *surface) const { cairo_surface_destroy(surface); }
};
struct CairoDestroy {
  void operator()(cairo_t *cr) const { cairo_destroy(cr); }
};

} // namespace

sdk::Result<std::string> renderInvoicePdf(const InvoiceModel &model, const PdfStyle &style) {
  std::string bytes; // declared before the surface: destroying the surface may still write
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      cairo_pdf_surface_create_for_stream(&appendBytes, &bytes, kPageWidth, kPageHeight));
  if (cairo_status_t st = cairo_surface_status(surface.get()); st != CAIRO_STATUS_SUCCESS)
    return cairoFailure("creating the PDF surface", st);
  setMetadata(surface.get(), model);
  {
    std::unique_ptr<cairo_t, CairoDestroy> cr(cairo_create(surface.get()));
    if (cairo_status_t st = cairo_status(cr.get()); st != CAIRO_STATUS_SUCCESS)
      return cairoFailure("creating the drawing context", st);
    const Canvas canvas(cr.get(), style);
    drawInvoice(canvas, cr.get(), model);
    if (cairo_status_t st = cairo_status(cr.get()); st != CAIRO_STATUS_SUCCESS)
      return cairoFailure("drawing the invoice", st);
  }
  cairo_surface_finish(surface.get());
  if (cairo_status_t st = cairo_surface_status(surface.get()); st != CAIRO_STATUS_SUCCESS)
    return cairoFailure("writing the PDF", st);
  surface.reset();
  return bytes;
}

} // namespace orders::plugins::invoice
