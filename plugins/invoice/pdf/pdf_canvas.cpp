// invoice/pdf: cairo + Pango helpers (see pdf_canvas.hpp).
#include "pdf_canvas.hpp"

#include <algorithm>
#include <utility>

namespace orders::plugins::invoice {

std::string cleanText(std::string_view text) {
  std::string bytes(text);
  for (char &c : bytes) { // bytes below 0x20 never occur inside a UTF-8 sequence
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  gchar *valid = g_utf8_make_valid(bytes.data(), static_cast<gssize>(bytes.size()));
  std::string out = valid != nullptr ? std::string(valid) : std::string();
  g_free(valid);
  return out;
}

Canvas::Canvas(cairo_t *cr, const PdfStyle &style)
    : cr_(cr), context_(pango_cairo_create_context(cr)), regular_(pango_font_description_new()) {
  // Absolute sizes are in user units, i.e. PDF points, whatever the
  // context's resolution (96 dpi by default) says.
  pango_font_description_set_family(regular_.get(), style.fontFamily.c_str());
  pango_font_description_set_absolute_size(regular_.get(), style.fontSize * PANGO_SCALE);
  bold_.reset(pango_font_description_copy(regular_.get()));
  pango_font_description_set_weight(bold_.get(), PANGO_WEIGHT_BOLD);
  small_.reset(pango_font_description_copy(regular_.get()));
  pango_font_description_set_absolute_size(small_.get(), style.fontSize * 0.85 * PANGO_SCALE);
  title_.reset(pango_font_description_copy(bold_.get()));
  pango_font_description_set_absolute_size(title_.get(), style.fontSize * 2.2 * PANGO_SCALE);
}

const PangoFontDescription *Canvas::fontOf(Font font) const {
  switch (font) {
  case Font::regular: return regular_.get();
  case Font::bold: return bold_.get();
  case Font::small: return small_.get();
  case Font::title: return title_.get();
  }
  return regular_.get();
}

double Canvas::put(Section &section, std::string_view text, Font font, double x, double y, double width,
                   PangoAlignment align, int max_lines, double grey) const {
  LayoutPtr layout(pango_layout_new(context_.get()));
  const std::string clean = cleanText(text);
  pango_layout_set_font_description(layout.get(), fontOf(font));
  pango_layout_set_text(layout.get(), clean.data(), static_cast<int>(clean.size()));
  if (width > 0) {
    pango_layout_set_width(layout.get(), pango_units_from_double(width));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), align);
    if (max_lines > 0) {
      pango_layout_set_height(layout.get(), -max_lines); // negative: lines per paragraph
      pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
    }
  }
  int w = 0, h = 0;
  pango_layout_get_size(layout.get(), &w, &h);
  const double bottom = y + pango_units_to_double(h);
  section.height = std::max(section.height, bottom);
  section.texts.push_back(Section::Text{std::move(layout), x, y, grey});
  return bottom;
}

void Canvas::draw(const Section &section, double top) const {
  for (const Section::Text &t : section.texts) {
    cairo_set_source_rgb(cr_, t.grey, t.grey, t.grey);
    cairo_move_to(cr_, t.x, top + t.y);
    pango_cairo_show_layout(cr_, t.layout.get());
  }
  cairo_new_path(cr_);
  for (const Section::Rule &r : section.rules) {
    cairo_set_source_rgb(cr_, r.grey, r.grey, r.grey);
    cairo_set_line_width(cr_, r.width);
    cairo_move_to(cr_, r.x1, top + r.y);
    cairo_line_to(cr_, r.x2, top + r.y);
    cairo_stroke(cr_);
  }
}

} // namespace orders::plugins::invoice
