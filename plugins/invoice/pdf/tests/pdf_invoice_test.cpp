// invoice/pdf through its C ABI on a FakeHost; the PDF's text is read back
// with `pdftotext -layout` (poppler-utils).
#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

LineItem item(const std::string &id, const std::string &title, int64_t quantity, int64_t unit_minor,
              const std::string &currency) {
  LineItem line;
  line.productId = id;
  line.title = title;
  line.quantity = quantity;
  line.unitPrice = Money{unit_minor, currency};
  line.lineTotal = Money{unit_minor * quantity, currency};
  return line;
}

// A paid USD order: a Spanish buyer, a Russian seller, Greek and Japanese
// item titles.
InvoiceRequest sampleRequest() {
  InvoiceRequest r;
  r.invoiceNumber = "INV-2026-000042";
  r.issuedAt = "2026-11-22T10:00:00Z";
  r.order.id = "ord-1";
  r.order.orderNumber = "ORD-20261120-0007";
  r.order.userId = "u-1";
  r.order.status = "paid";
  r.order.currency = "USD";
  r.order.createdAt = "2026-11-20T08:30:00Z";
  r.order.items = {item("sku-mug", "Ceramic mug", 2, 1299, "USD"), item("sku-coffee", "Καφές", 1, 450, "USD"),
                   item("sku-matcha", "抹茶ラテ", 3, 525, "USD")};
  r.order.subtotalMinor = 2598 + 450 + 1575;
  r.order.shippingMinor = 500;
  r.order.totalMinor = 2598 + 450 + 1575 + 500;
  Party customer;
  customer.id = "u-1";
  customer.name = "Zoë Ñúñez";
  customer.email = "zoe@example.com";
  customer.phone = "+34 600 000 000";
  r.order.customer = customer;
  Address address;
  address.name = "Zoë Ñúñez";
  address.line1 = "Calle Mayor 1";
  address.line2 = "Piso 2º";
  address.city = "Madrid";
  address.postalCode = "28013";
  address.country = "ES";
  r.order.shippingAddress = address;
  Party seller;
  seller.id = "seller-1";
  seller.name = "Иван Петров";
  r.seller = seller;
  r.paymentReference = "pay_ref_123";
  r.paidAt = "2026-11-21T09:15:00Z";
  return r;
}

Result<Document> render(PluginHarness &h, const InvoiceRequest &request) {
  return h.call<Document>(h.table<orders_invoice_v1_t>()->render, request);
}

std::string readAll(FILE *in) {
  std::string out;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0)
    out.append(buffer, n);
  return out;
}

// The PDF's text as `pdftotext -layout` sees it (pages end with '\f').
std::string pdfText(const std::string &bytes) {
  static int counter = 0;
  const std::string path =
      "/tmp/orders-invoice-pdf-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".pdf";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  FILE *proc = ::popen(("pdftotext -layout -enc UTF-8 " + path + " - 2>/dev/null").c_str(), "r");
  CPPUNIT_ASSERT_MESSAGE("cannot run pdftotext", proc != nullptr);
  const std::string text = readAll(proc);
  const int rc = ::pclose(proc);
  std::remove(path.c_str());
  CPPUNIT_ASSERT_MESSAGE("pdftotext failed (is poppler-utils installed?)", rc == 0);
  return text;
}

// True when fontconfig knows a font for `lang` (e.g. "ja").
bool haveFontFor(const std::string &lang) {
  FILE *proc = ::popen(("fc-list :lang=" + lang + " family 2>/dev/null").c_str(), "r");
  if (proc == nullptr) return false;
  const std::string out = readAll(proc);
  ::pclose(proc);
  return out.find_first_not_of(" \n") != std::string::npos;
}

size_t count(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size()))
    ++n;
  return n;
}

// The text line holding `needle`, or "".
std::string lineWith(const std::string &text, const std::string &needle) {
  const size_t at = text.find(needle);
  if (at == std::string::npos) return std::string();
  const size_t begin = text.find_last_of("\n\f", at);
  const size_t end = text.find_first_of("\n\f", at);
  const size_t from = begin == std::string::npos ? 0 : begin + 1;
  return text.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

void assertHas(const std::string &text, const std::string &needle) {
  CPPUNIT_ASSERT_MESSAGE("'" + needle + "' not in:\n" + text, text.find(needle) != std::string::npos);
}

// Renders `request` with `config` and returns the PDF's text.
std::string renderText(const std::string &config, const InvoiceRequest &request) {
  PluginHarness h(orders_plugin_descriptor_v1());
  Status created = h.create(config);
  CPPUNIT_ASSERT_MESSAGE(created.ok() ? "" : created.error().message, created.ok());
  Result<Document> doc = render(h, request);
  CPPUNIT_ASSERT_MESSAGE(doc.ok() ? "" : doc.error().message, doc.ok());
  return pdfText(doc->bytes);
}

} // namespace

class PdfInvoiceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PdfInvoiceTest);
  CPPUNIT_TEST(documentIsAPdfNamedAfterTheInvoice);
  CPPUNIT_TEST(headerAndPartiesAreInTheText);
  CPPUNIT_TEST(unicodeTitlesAndNamesAreInTheText);
  CPPUNIT_TEST(linesTotalsAndPaymentAreInTheText);
  CPPUNIT_TEST(zeroDecimalCurrencyIsGrouped);
  CPPUNIT_TEST(symbolDisplayFromConfig);
  CPPUNIT_TEST(configSellerStandsInAndCompletes);
  CPPUNIT_TEST(unknownFontFallsBack);
  CPPUNIT_TEST(rightToLeftNamesRender);
  CPPUNIT_TEST(manyLinesBreakPagesAndRepeatTheHeader);
  CPPUNIT_TEST(missingInvoiceNumberIsInvalid);
  CPPUNIT_TEST(emptyOrderIdIsInvalid);
  CPPUNIT_TEST(badConfigIsRejectedAtCreate);
  CPPUNIT_TEST_SUITE_END();

public:
  void documentIsAPdfNamedAfterTheInvoice() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create("{}").ok());
    Result<Document> doc = render(h, sampleRequest());
    CPPUNIT_ASSERT_MESSAGE(doc.ok() ? "" : doc.error().message, doc.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("application/pdf"), doc->contentType);
    CPPUNIT_ASSERT_EQUAL(std::string("invoice-INV-2026-000042.pdf"), doc->filename);
    CPPUNIT_ASSERT(doc->bytes.size() > 1000);
    CPPUNIT_ASSERT_EQUAL(std::string("%PDF-"), doc->bytes.substr(0, 5));
    CPPUNIT_ASSERT(doc->bytes.find("%%EOF") != std::string::npos);
  }
  void headerAndPartiesAreInTheText() {
    const std::string text = renderText("{}", sampleRequest());
    assertHas(text, "Invoice");
    assertHas(text, "INV-2026-000042");
    assertHas(text, "ORD-20261120-0007");
    assertHas(text, "2026-11-22"); // issue date
    assertHas(text, "2026-11-20"); // order date
    assertHas(text, "zoe@example.com");
    assertHas(text, "+34 600 000 000");
    assertHas(text, "Calle Mayor 1");
    assertHas(text, "Madrid 28013");
    assertHas(text, "Page 1 of 1");
    CPPUNIT_ASSERT_EQUAL(size_t(1), count(text, "\f"));
  }
  void unicodeTitlesAndNamesAreInTheText() {
    const std::string text = renderText("{}", sampleRequest());
    assertHas(text, "Zoë Ñúñez");
    assertHas(text, "Иван Петров");
    assertHas(text, "Καφές");
    // Without a CJK font (fonts-noto-cjk, fonts-droid-fallback...) Pango
    // draws boxes: the render must still succeed, the text cannot be found.
    if (haveFontFor("ja")) assertHas(text, "抹茶ラテ");
  }
  void linesTotalsAndPaymentAreInTheText() {
    const std::string text = renderText("{}", sampleRequest());
    const std::string mug = lineWith(text, "Ceramic mug");
    assertHas(mug, " 2 ");
    assertHas(mug, "USD 12.99");
    assertHas(mug, "USD 25.98");
    const std::string coffee = lineWith(text, "Καφές");
    assertHas(coffee, "USD 4.50");
    assertHas(text, "USD 15.75"); // 3 x 5.25
    assertHas(lineWith(text, "Subtotal"), "USD 46.23");
    assertHas(lineWith(text, "Shipping"), "USD 5.00");
    assertHas(lineWith(text, "USD 51.23"), "Total");
    assertHas(text, "Paid — reference pay_ref_123");
    assertHas(text, "Paid on 2026-11-21");
  }
  void zeroDecimalCurrencyIsGrouped() {
    InvoiceRequest r = sampleRequest();
    r.order.currency = "IDR";
    r.order.items = {item("sku-batik", "Batik shirt", 1, 150000, "IDR"), item("sku-kopi", "Kopi", 4, 25000, "IDR")};
    r.order.subtotalMinor = 250000;
    r.order.shippingMinor = 18000;
    r.order.totalMinor = 268000;
    const std::string text = renderText("{}", r);
    assertHas(lineWith(text, "Batik shirt"), "IDR 150,000");
    assertHas(lineWith(text, "Kopi"), "IDR 100,000");
    assertHas(lineWith(text, "Subtotal"), "IDR 250,000");
    assertHas(lineWith(text, "Shipping"), "IDR 18,000");
    assertHas(text, "IDR 268,000");
  }
  void symbolDisplayFromConfig() {
    const std::string text = renderText(R"({"currency_display":"symbol"})", sampleRequest());
    assertHas(lineWith(text, "Ceramic mug"), "$25.98");
    assertHas(text, "$51.23");
  }
  void configSellerStandsInAndCompletes() {
    const std::string config = R"({"seller_name":"Acme GmbH","seller_address":["Hauptstraße 1","10115 Berlin"],
                                   "seller_tax_id":"DE123456789","seller_email":"billing@acme.example"})";
    InvoiceRequest none = sampleRequest();
    none.seller.reset();
    std::string text = renderText(config, none);
    assertHas(text, "Acme GmbH");
    assertHas(text, "Hauptstraße 1");
    assertHas(text, "10115 Berlin");
    assertHas(text, "Tax ID: DE123456789");
    assertHas(text, "billing@acme.example");

    InvoiceRequest id_only = sampleRequest();
    id_only.seller = Party{"seller-9", std::nullopt, std::nullopt, std::nullopt};
    text = renderText(config, id_only);
    assertHas(text, "Acme GmbH"); // the config completes the id-only seller

    text = renderText(config, sampleRequest());
    assertHas(text, "Иван Петров"); // the request's name wins
    assertHas(text, "Tax ID: DE123456789");
  }
  void unknownFontFallsBack() {
    const std::string text = renderText(R"({"font_family":"No Such Font Family","font_size":9})", sampleRequest());
    assertHas(text, "Zoë Ñúñez");
    assertHas(text, "Иван Петров");
    assertHas(text, "USD 51.23");
  }
  void rightToLeftNamesRender() {
    // Arabic comes from DejaVu Sans; pdftotext's order of right-to-left
    // text is its own, so only the rest of the page is checked.
    InvoiceRequest r = sampleRequest();
    r.order.customer->name = "محمد علي";
    r.order.shippingAddress->name = "محمد علي";
    r.order.items.push_back(item("sku-dates", "تمر مجدول", 1, 0, "USD"));
    const std::string text = renderText("{}", r);
    assertHas(text, "INV-2026-000042");
    assertHas(text, "USD 51.23");
  }
  void manyLinesBreakPagesAndRepeatTheHeader() {
    InvoiceRequest r = sampleRequest();
    r.order.items.clear();
    for (int i = 1; i <= 60; ++i) {
      std::string title = "Product " + std::to_string(i);
      if (i % 10 == 0) title += " with a long title that has to wrap inside its column of the table, twice or more";
      r.order.items.push_back(item("sku-" + std::to_string(i), title, 1, 100, "USD"));
    }
    r.order.subtotalMinor = 6000;
    r.order.shippingMinor = 0;
    r.order.totalMinor = 6000;
    const std::string text = renderText("{}", r);
    const size_t pages = count(text, "\f");
    CPPUNIT_ASSERT_MESSAGE(text, pages > 1);
    assertHas(text, "Page 1 of " + std::to_string(pages));
    assertHas(text, "Page 2 of " + std::to_string(pages));
    assertHas(text, "(continued)");
    CPPUNIT_ASSERT_MESSAGE(text, count(text, "Unit price") >= 2); // the table header on each page with lines
    assertHas(text, "Product 1 ");
    assertHas(text, "Product 60");
    assertHas(lineWith(text, "Subtotal"), "USD 60.00");
  }
  void missingInvoiceNumberIsInvalid() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create("{}").ok());
    InvoiceRequest r = sampleRequest();
    r.invoiceNumber.clear();
    Result<Document> doc = render(h, r);
    CPPUNIT_ASSERT(!doc.ok());
    CPPUNIT_ASSERT(doc.error().code == ErrorCode::invalid_argument);
    assertHas(doc.error().message, "invoiceNumber");
  }
  void emptyOrderIdIsInvalid() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create("{}").ok());
    InvoiceRequest r = sampleRequest();
    r.order.id.clear();
    Result<Document> doc = render(h, r);
    CPPUNIT_ASSERT(!doc.ok());
    CPPUNIT_ASSERT(doc.error().code == ErrorCode::invalid_argument);
    assertHas(doc.error().message, "/order/id");
  }
  void badConfigIsRejectedAtCreate() {
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(R"({"currency_display":"fancy"})");
      CPPUNIT_ASSERT(!s.ok());
      CPPUNIT_ASSERT(s.error().code == ErrorCode::invalid_argument);
      assertHas(s.error().message, "currency_display");
    }
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(R"({"font_size":40})");
      CPPUNIT_ASSERT(!s.ok());
      assertHas(s.error().message, "font_size");
    }
    {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(R"({"currency_exponents":{"usd":2}})");
      CPPUNIT_ASSERT(!s.ok());
      assertHas(s.error().message, "currency_exponents");
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PdfInvoiceTest);
