// invoice/@NAME@ on the SDK's FakeHost, through its C ABI (the descriptor
// ORDERS_PLUGIN exported, linked into this test).
#include <string>

#include "orders/sdk/testing/check.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::check;
using orders::sdk::testing::checkSummary;
using orders::sdk::testing::PluginHarness;

namespace {

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

InvoiceRequest request() {
  InvoiceRequest r;
  r.invoiceNumber = "INV-2026-0001";
  r.issuedAt = "2026-12-06T10:00:00Z";
  r.order.id = "o-1";
  r.order.orderNumber = "ORD-1";
  r.order.currency = "USD";
  LineItem mug;
  mug.title = "Mug <large> & \"blue\"";
  mug.quantity = 2;
  mug.unitPrice = Money{1299, "USD"};
  mug.lineTotal = Money{2598, "USD"};
  r.order.items.push_back(mug);
  r.order.subtotalMinor = 2598;
  r.order.shippingMinor = 500;
  r.order.totalMinor = 3098;
  r.paidAt = "2026-12-06T10:05:00Z";
  r.paymentReference = "pay-1";
  return r;
}

Result<Document> render(PluginHarness &h, const InvoiceRequest &r) {
  return h.call<Document>(h.table<orders_invoice_v1_t>()->render, r);
}

void rendersExactAmountsEscaped() {
  PluginHarness h(orders_plugin_descriptor_v1());
  const Status s = h.createWithDefaults(R"({"seller_name":"Example Shop","footer":"Thank you"})");
  check(s.ok(), "create: " + (s.ok() ? std::string("ok") : s.error().message));
  auto doc = render(h, request());
  check(doc.ok(), "rendered");
  if (!doc.ok()) return;
  check(doc->contentType == "text/html; charset=utf-8" && doc->filename == "INV-2026-0001.html",
        "an HTML document named by the invoice number");
  check(contains(doc->bytes, "12.99 USD") && contains(doc->bytes, "25.98 USD") && contains(doc->bytes, "30.98 USD"),
        "unit price, line and total in major units, exactly");
  check(contains(doc->bytes, "Mug &lt;large&gt; &amp; &quot;blue&quot;") && !contains(doc->bytes, "<large>"),
        "the order's text is escaped");
  check(contains(doc->bytes, "pay-1") && contains(doc->bytes, "Thank you"), "payment reference and footer");
  auto again = render(h, request());
  check(again.ok() && again->bytes == doc->bytes, "the same request renders the same bytes");

  auto yen = request();
  yen.order.currency = "JPY";
  yen.order.totalMinor = 1500;
  auto y = render(h, yen);
  check(y.ok() && contains(y->bytes, "1500 JPY"), "a currency without decimals");
}

void refusesWhatItCannotRender() {
  PluginHarness h(orders_plugin_descriptor_v1());
  check(h.createWithDefaults(R"({"seller_name":"Example Shop"})").ok(), "create");
  auto unnumbered = request();
  unnumbered.invoiceNumber.clear();
  auto r = render(h, unnumbered);
  check(!r.ok() && r.error().code == ErrorCode::invalid_argument, "no invoice number: invalid_argument");
  auto odd = request();
  odd.order.currency = "XXQ";
  auto o = render(h, odd);
  check(!o.ok() && o.error().code == ErrorCode::internal, "an unknown currency: internal, never a guessed amount");
  PluginHarness bad(orders_plugin_descriptor_v1());
  check(!bad.createWithDefaults("{}").ok(), "a config without seller_name is refused");
}

} // namespace

int main() {
  rendersExactAmountsEscaped();
  refusesWhatItCannotRender();
  return checkSummary();
}
