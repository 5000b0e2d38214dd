#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/schema_validator.hpp"
#include "orders/sdk/host.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/messages.hpp"

using namespace orders::sdk;
using orders::host::config::formatViolations;
using orders::host::config::SchemaValidator;
using orders::host::config::Violation;

namespace {

const std::string kTypes = "types.v1.schema.json";
const std::string kMessages = "plugin-messages.v1.schema.json";

Json::Value loadSchemaFile(const std::string &file) {
  const std::string path = std::string(ORDERS_SCHEMA_DIR) + "/" + file;
  std::ifstream in(path);
  CPPUNIT_ASSERT_MESSAGE("cannot open " + path, in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return parseJson(text.str());
}

// Validates `document` against definition `name` of schema file `file`, i.e.
// against {"$ref": "#/definitions/<name>", "definitions": <the file's definitions>}.
std::vector<Violation> violationsOf(const std::string &file, const std::string &name, const Json::Value &document) {
  const Json::Value root = loadSchemaFile(file);
  CPPUNIT_ASSERT_MESSAGE(file + " has no definition " + name, root["definitions"].isMember(name));
  Json::Value schema(Json::objectValue);
  schema["$ref"] = "#/definitions/" + name;
  schema["definitions"] = root["definitions"];
  auto compiled = SchemaValidator::compile(schema);
  CPPUNIT_ASSERT_MESSAGE(compiled.ok() ? "" : compiled.error().message, compiled.ok());
  return compiled.value()->validate(document);
}

void assertMatches(const std::string &file, const std::string &name, const Json::Value &document) {
  const std::vector<Violation> v = violationsOf(file, name, document);
  CPPUNIT_ASSERT_MESSAGE(
      file + "#/definitions/" + name + " rejects " + writeJson(document) + ":\n" + formatViolations("", v), v.empty());
}

// The encoder's output for `value` matches definition `name` of plugin-messages.
template <class T> void assertEncodedMatches(const std::string &name, const T &value) {
  assertMatches(kMessages, name, toJson(value));
}

// Exactly one violation, at `pointer`.
void assertRejectedAt(const std::string &pointer, const std::vector<Violation> &v) {
  CPPUNIT_ASSERT_EQUAL_MESSAGE(formatViolations("", v), size_t(1), v.size());
  CPPUNIT_ASSERT_EQUAL(pointer, v[0].pointer);
}

Address sampleAddress() {
  Address a;
  a.name = "Ana";
  a.line1 = "Jl. Sudirman 1";
  a.line2 = "Lantai 3";
  a.city = "Jakarta";
  a.region = "DKI Jakarta";
  a.postalCode = "10210";
  a.country = "ID";
  a.phone = "+62 21 555 0100";
  return a;
}

Party sampleParty(const std::string &id) {
  return Party{id, std::string("Ana"), std::string("ana@example.com"), std::string("+62 812 555 0100")};
}

LineItem sampleLineItem() {
  LineItem li;
  li.productId = "p-1";
  li.variantId = "p-1-250g";
  li.sellerId = "s-1";
  li.title = "Kopi Luwak 250 g — café";
  li.quantity = 2;
  li.unitPrice = Money{150000, "IDR"};
  li.lineTotal = Money{300000, "IDR"};
  li.attributes["type"] = "merch";
  return li;
}

StockLine sampleStockLine() {
  return StockLine{"p-1", std::string("p-1-250g"), std::string("s-1"), 2, std::string("soft-1")};
}

OrderSnapshot sampleOrder() {
  OrderSnapshot o;
  o.id = "o-1";
  o.orderNumber = "ORD-20261122-0001";
  o.userId = "u-1";
  o.sellerId = "s-1";
  o.status = "awaiting_payment";
  o.currency = "IDR";
  o.items = {sampleLineItem(), sampleLineItem()};
  o.subtotalMinor = 600000;
  o.shippingMinor = 20000;
  o.totalMinor = 620000;
  o.shippingAddress = sampleAddress();
  o.customer = sampleParty("u-1");
  o.createdAt = "2026-11-22T10:00:00Z";
  return o;
}

PaymentEvent samplePaymentEvent() {
  PaymentEvent e;
  e.source = "xendit-main";
  e.eventId = "evt-1";
  e.type = "paid";
  e.orderId = "o-1";
  e.orderNumber = "ORD-20261122-0001";
  e.paymentReference = "pay-1";
  e.amount = Money{620000, "IDR"};
  e.occurredAt = "2026-11-22T10:05:00.123Z";
  return e;
}

} // namespace

class WireSchemaTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WireSchemaTest);
  CPPUNIT_TEST(encodedOrderSnapshotMatchesSchema);
  CPPUNIT_TEST(encodedInventoryMessagesMatchSchema);
  CPPUNIT_TEST(encodedReserveOutcomeWithShortagesMatchesSchema);
  CPPUNIT_TEST(encodedCatalogMessagesMatchSchema);
  CPPUNIT_TEST(encodedCartMessagesMatchSchema);
  CPPUNIT_TEST(encodedPaymentRequestMatchesSchema);
  CPPUNIT_TEST(encodedPaymentResultAndRefundMatchSchema);
  CPPUNIT_TEST(encodedParsedEventWithEventMatchesSchema);
  CPPUNIT_TEST(encodedShipmentRequestMatchesSchema);
  CPPUNIT_TEST(encodedShipmentMatchesSchema);
  CPPUNIT_TEST(encodedShipmentUpdateMatchesSchema);
  CPPUNIT_TEST(encodedInvoiceRequestAndDocumentMatchSchema);
  CPPUNIT_TEST(encodedNotificationMatchesSchema);
  CPPUNIT_TEST(encodedHttpRequestAndResponseMatchSchema);
  CPPUNIT_TEST(nullOptionalFieldsAreAccepted);
  CPPUNIT_TEST(lowerCaseCurrencyIsRejectedAtItsPointer);
  CPPUNIT_TEST(unknownPaymentStatusIsRejectedAtItsPointer);
  CPPUNIT_TEST(eventOutcomeWithoutEventIsRejected);
  CPPUNIT_TEST(copiedTypeDefinitionsEqualTypesFile);
  CPPUNIT_TEST_SUITE_END();

public:
  void encodedOrderSnapshotMatchesSchema() {
    assertMatches(kTypes, "OrderSnapshot", toJson(sampleOrder()));
    assertEncodedMatches("OrderSnapshot", sampleOrder());
  }
  void encodedInventoryMessagesMatchSchema() {
    ReserveRequest r{"checkout-1", "reserve-checkout-1", 900, {sampleStockLine(), StockLine{"p-2", {}, {}, 1, {}}}};
    assertEncodedMatches("ReserveRequest", r);
    assertEncodedMatches("ReservationRef", ReservationRef{"res-1", "checkout-1", r.lines});
    assertEncodedMatches("Empty", Empty{});
  }
  void encodedReserveOutcomeWithShortagesMatchesSchema() {
    ReserveOutcome out;
    out.reserved = false;
    out.shortages = {Shortage{"p-1", std::string("p-1-250g"), 2, 1}, Shortage{"p-2", {}, 1, 0}};
    assertEncodedMatches("ReserveOutcome", out);
    ReserveOutcome held{true, std::string("res-1"), std::string("2026-11-22T10:15:00Z"), {}};
    assertEncodedMatches("ReserveOutcome", held);
  }
  void encodedCatalogMessagesMatchSchema() {
    LookupRequest request;
    request.items = {ProductRef{"p-1", std::string("p-1-250g")}, ProductRef{"p-2"}};
    assertEncodedMatches("LookupRequest", request);
    Product p;
    p.productId = "p-1";
    p.variantId = "p-1-250g";
    p.title = "Kopi Luwak 250 g";
    p.unitPrice = Money{150000, "IDR"};
    p.sellerId = "s-1";
    p.imageUrl = "https://cdn.example/p-1.jpg";
    p.attributes["type"] = "merch";
    LookupResult result;
    result.products = {p};
    assertEncodedMatches("LookupResult", result);
  }
  void encodedCartMessagesMatchSchema() {
    assertEncodedMatches("CartRef", CartRef{"u-1", std::string("ana@example.com")});
    assertEncodedMatches("CustomerRef", CustomerRef{"u-1", std::string("ana@example.com")});
    Cart cart;
    cart.lines = {sampleStockLine(), StockLine{"p-2", {}, {}, 3, {}}};
    assertEncodedMatches("Cart", cart);
  }
  void encodedPaymentRequestMatchesSchema() {
    PaymentRequest r;
    r.orderId = "o-1";
    r.orderNumber = "ORD-20261122-0001";
    r.attempt = 2;
    r.idempotencyKey = "o-1:2";
    r.amount = Money{620000, "IDR"};
    r.customer = sampleParty("u-1");
    r.description = "Order ORD-20261122-0001";
    r.items = {sampleLineItem()};
    assertEncodedMatches("PaymentRequest", r);
  }
  void encodedPaymentResultAndRefundMatchSchema() {
    assertEncodedMatches("PaymentResult", PaymentResult{"pay-1", "pending", std::string("https://pay.example/p/1"),
                                                        std::string("2026-11-23T10:00:00Z")});
    assertEncodedMatches("PaymentRef", PaymentRef{"pay-1", "o-1"});
    assertEncodedMatches("RefundRequest",
                         RefundRequest{"pay-1", "o-1", Money{1999, "USD"}, std::string("damaged"), "refund-o-1-1"});
  }
  void encodedParsedEventWithEventMatchesSchema() {
    InboundMessage m{"kafka", std::string("payments.v1"), std::string("o-1"), {{"content-type", "application/json"}}};
    assertEncodedMatches("InboundMessage", m);
    assertEncodedMatches("ParsedEvent", ParsedEvent{"event", samplePaymentEvent(), {}});
    assertEncodedMatches("ParsedEvent", ParsedEvent{"ignored", {}, std::string("other merchant")});
  }
  void encodedShipmentRequestMatchesSchema() {
    ShipmentRequest r{"o-1", "ORD-20261122-0001", std::string("s-1"), sampleAddress(), {sampleLineItem()}, "ship-o-1"};
    assertEncodedMatches("ShipmentRequest", r);
    assertEncodedMatches("ShipmentRef", ShipmentRef{"shp-1", "o-1"});
    assertEncodedMatches("Quote", Quote{Money{20000, "IDR"}, std::string("REG")});
  }
  void encodedShipmentMatchesSchema() {
    Shipment s{"shp-1", std::string("s-1"), "shipped", std::string("JNE"), std::string("JNE123456789")};
    assertMatches(kTypes, "Shipment", toJson(s));
    assertEncodedMatches("Shipment", s);
  }
  void encodedShipmentUpdateMatchesSchema() {
    ShipmentUpdate u;
    u.outcome = "event";
    u.eventId = "trk-1";
    u.reference = "shp-1";
    u.orderId = "o-1";
    u.status = "delivered";
    u.carrier = "JNE";
    u.trackingNumber = "JNE123456789";
    assertEncodedMatches("ShipmentUpdate", u);
    assertEncodedMatches("ShipmentUpdate", ShipmentUpdate{"ignored"});
  }
  void encodedInvoiceRequestAndDocumentMatchSchema() {
    InvoiceRequest r{sampleOrder(), "INV-2026-0001", "2026-11-22T11:00:00Z", sampleParty("s-1")};
    assertEncodedMatches("InvoiceRequest", r);
    Document d{"application/pdf", "INV-2026-0001.pdf", "%PDF-1.7"};
    assertMatches(kTypes, "Document", toJson(d));
    assertEncodedMatches("Document", d);
  }
  void encodedNotificationMatchesSchema() {
    assertEncodedMatches("Notification", Notification{"order.paid", sampleOrder(), sampleParty("u-1")});
  }
  void encodedHttpRequestAndResponseMatchSchema() {
    HttpRequest r;
    r.method = "POST";
    r.url = "https://api.example/v1/charges";
    r.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", "o-1:2"}};
    r.timeoutMs = 5000;
    r.idempotent = true;
    r.body = "{}";
    assertEncodedMatches("HttpRequest", r);
    HttpResponse resp;
    resp.status = 201;
    resp.headers = {{"content-type", "application/json"}};
    assertEncodedMatches("HttpResponse", resp);
  }
  void nullOptionalFieldsAreAccepted() {
    assertMatches(kTypes, "Party", parseJson(R"({"id":"u-1","name":null,"email":null,"phone":null})"));
    assertMatches(kMessages, "ParsedEvent", parseJson(R"({"outcome":"ignored","event":null,"reason":null})"));
  }
  void lowerCaseCurrencyIsRejectedAtItsPointer() {
    assertRejectedAt("/currency", violationsOf(kTypes, "Money", toJson(Money{1999, "usd"})));
    assertRejectedAt("/currency", violationsOf(kMessages, "Money", toJson(Money{1999, "usd"})));
  }
  void unknownPaymentStatusIsRejectedAtItsPointer() {
    assertRejectedAt("/status",
                     violationsOf(kMessages, "PaymentResult", parseJson(R"({"reference":"pay-1","status":"weird"})")));
  }
  void eventOutcomeWithoutEventIsRejected() {
    assertRejectedAt("/event", violationsOf(kMessages, "ParsedEvent", parseJson(R"({"outcome":"event"})")));
  }
  void copiedTypeDefinitionsEqualTypesFile() {
    const Json::Value types = loadSchemaFile(kTypes)["definitions"];
    const Json::Value messages = loadSchemaFile(kMessages)["definitions"];
    CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(9), types.size());
    for (const std::string &name : types.getMemberNames())
      CPPUNIT_ASSERT_MESSAGE(name + " differs between " + kTypes + " and " + kMessages, types[name] == messages[name]);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WireSchemaTest);
