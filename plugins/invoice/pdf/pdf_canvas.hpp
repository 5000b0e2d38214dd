// invoice/pdf: a thin layer over cairo and Pango for the renderer. A Section
// is text laid out once (so its height is known before anything is drawn)
// and drawn later at any vertical position, on any page.
#ifndef ORDERS_PLUGINS_INVOICE_PDF_PDF_CANVAS_HPP
#define ORDERS_PLUGINS_INVOICE_PDF_PDF_CANVAS_HPP

#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pdf_renderer.hpp"

namespace orders::plugins::invoice {

// A4 in PDF points (1/72 in) and the page frame.
inline constexpr double kPageWidth = 595.2756;
inline constexpr double kPageHeight = 841.8898;
inline constexpr double kMargin = 48;
inline constexpr double kContentWidth = kPageWidth - 2 * kMargin;

struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
struct FontDescriptionFree {
  void operator()(PangoFontDescription *font) const { pango_font_description_free(font); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectUnref>;
using FontPtr = std::unique_ptr<PangoFontDescription, FontDescriptionFree>;

enum class Font { regular, bold, small, title };

// Text as Pango takes it: valid UTF-8 (bad bytes become U+FFFD), control
// characters (newlines, tabs, NUL) turned into spaces.
std::string cleanText(std::string_view text);

// Laid-out text and horizontal rules, at positions relative to the top of
// the section.
struct Section {
  struct Text {
    LayoutPtr layout;
    double x = 0;
    double y = 0;
    double grey = 0; // 0 black .. 1 white
  };
  struct Rule {
    double y = 0;
    double grey = 0;
    double width = 0.5;
    double x1 = kMargin;
    double x2 = kMargin + kContentWidth;
  };
  std::vector<Text> texts;
  std::vector<Rule> rules;
  double height = 0;
};

class Canvas {
public:
  Canvas(cairo_t *cr, const PdfStyle &style);

  // Lays `text` out at (x, y) in `section`, wrapped at `width` points (at
  // word boundaries, inside words when a word is wider), cut with an ellipsis
  // after `max_lines` lines (0: no limit). Returns the y below it and grows
  // the section's height to it.
  double put(Section &section, std::string_view text, Font font, double x, double y, double width,
             PangoAlignment align = PANGO_ALIGN_LEFT, int max_lines = 0, double grey = 0) const;

  // Draws `section` with its top at `top` on the current page.
  void draw(const Section &section, double top) const;

private:
  const PangoFontDescription *fontOf(Font font) const;

  cairo_t *cr_;
  ContextPtr context_;
  FontPtr regular_;
  FontPtr bold_;
  FontPtr small_;
  FontPtr title_;
};

} // namespace orders::plugins::invoice

#endif
