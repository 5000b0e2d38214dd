// shipping/shipping-service through its C ABI on a FakeHost: the create
// request (URL, headers, body mapping), the answer's id/status/carrier, the
// optional confirm and cancel calls, and error mapping.
#include <cppunit/extensions/HelperMacros.h>

#include <optional>
#include <string>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kBase = "http://shipping.test";
const std::string kCreateUrl = kBase + "/shipping/v1/shipments";

HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// A config with base_url (trailing '/' on purpose) plus `extra` members.
std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://shipping.test/")") + (extra.empty() ? "" : "," + extra) + "}";
}

ShipmentRequest requestFor(std::optional<std::string> seller) {
  ShipmentRequest r;
  r.orderId = "o-1";
  r.orderNumber = "ORD-1";
  r.sellerId = std::move(seller);
  r.address.name = "Ann Lee";
  r.address.line1 = "1 Demo Street";
  r.address.city = "Dublin";
  r.address.postalCode = "D01XYZ";
  r.address.country = "IE";
  LineItem mug;
  mug.productId = "p-1";
  mug.title = "Mug";
  mug.quantity = 2;
  mug.unitPrice = Money{1299, "USD"};
  mug.lineTotal = Money{2598, "USD"};
  LineItem tee = mug;
  tee.productId = "p-2";
  tee.variantId = "red";
  tee.quantity = 1;
  r.lines = {mug, tee};
  r.idempotencyKey = "order:o-1:shipment:" + r.sellerId.value_or("house");
  return r;
}

Result<Shipment> create(PluginHarness &h, const ShipmentRequest &r) {
  return h.call<Shipment>(h.table<orders_shipping_v1_t>()->create_shipment, r);
}
Result<Shipment> confirm(PluginHarness &h, const ShipmentRef &ref) {
  return h.call<Shipment>(h.table<orders_shipping_v1_t>()->confirm_shipment, ref);
}
Result<Shipment> cancel(PluginHarness &h, const ShipmentRef &ref) {
  return h.call<Shipment>(h.table<orders_shipping_v1_t>()->cancel_shipment, ref);
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string why(const Result<Shipment> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class ShippingServiceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ShippingServiceTest);
  CPPUNIT_TEST(createPostsADraftWithAddressItemsAndHeaders);
  CPPUNIT_TEST(houseBrandShipmentSendsNoSeller);
  CPPUNIT_TEST(fieldNamesPointersAndNumericIdsAreConfigurable);
  CPPUNIT_TEST(createBodyTemplateGivesSeed002sFlatDraft);
  CPPUNIT_TEST(confirmAndCancelAreSkippedWithoutAPath);
  CPPUNIT_TEST(confirmAndCancelPostTheConfiguredPaths);
  CPPUNIT_TEST(serverErrorsAndTransportFailuresAreRetryable);
  CPPUNIT_TEST(clientErrorsAreRejectedWithStatusAndBody);
  CPPUNIT_TEST(malformedAnswersNameThePointer);
  CPPUNIT_TEST(requestIsCheckedBeforeAnyCall);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST_SUITE_END();

public:
  void createPostsADraftWithAddressItemsAndHeaders() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("SVC_INTERNAL_KEY", "k-123");
    CPPUNIT_ASSERT(h.create(config(R"("internal_key_secret":"SVC_INTERNAL_KEY")")).ok());
    h.host().onHttp("POST", kCreateUrl, answer(201, R"({"id":"shp-42","status":"PENDING_PAYMENT","order_id":"o-1"})"));
    auto r = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp-42"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("draft"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), r->sellerId.value());
    CPPUNIT_ASSERT(!r->carrier.has_value());
    CPPUNIT_ASSERT(!r->trackingNumber.has_value());

    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const HttpRequest &sent = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
    CPPUNIT_ASSERT_EQUAL(kCreateUrl, sent.url);
    CPPUNIT_ASSERT_EQUAL(std::string("k-123"), sent.headers.at("X-Internal-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-1:shipment:s-1"), sent.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), sent.headers.at("Content-Type"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), sent.headers.at("Accept"));
    CPPUNIT_ASSERT(sent.idempotent); // the key makes retries safe

    const Json::Value body = parseJson(sent.body);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["order_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), body["seller_id"].asString());
    CPPUNIT_ASSERT(!body.isMember("order_number")); // not sent by default
    const Json::Value &address = body["address"];
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee"), address["name"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("1 Demo Street"), address["address_line1"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string(""), address["address_line2"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Dublin"), address["city"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("D01XYZ"), address["postcode"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("IE"), address["country"].asString());
    CPPUNIT_ASSERT(!address.isMember("region")); // absent in the order: left out
    CPPUNIT_ASSERT(!address.isMember("phone"));
    const Json::Value &items = body["items"];
    CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(2), items.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p-1"), items[0]["product_id"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(2), items[0]["qty"].asInt64());
    CPPUNIT_ASSERT(!items[0].isMember("variant_id"));
    CPPUNIT_ASSERT_EQUAL(std::string("p-2"), items[1]["product_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("red"), items[1]["variant_id"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(1), items[1]["qty"].asInt64());
  }

  void houseBrandShipmentSendsNoSeller() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("POST", kCreateUrl, answer(200, R"({"id":7,"carrier":"DHL","tracking_number":"JD001"})"));
    auto r = create(h, requestFor(std::nullopt));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("7"), r->reference); // an integer id becomes its digits
    CPPUNIT_ASSERT(!r->sellerId.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("DHL"), r->carrier.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JD001"), r->trackingNumber.value());
    const HttpRequest sent = h.host().requests().at(0);
    CPPUNIT_ASSERT(!parseJson(sent.body).isMember("seller_id"));
    CPPUNIT_ASSERT_EQUAL(std::string("order:o-1:shipment:house"), sent.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT(sent.headers.count("X-Internal-Key") == 0); // no key configured
  }

  // Upstream seed 002 (services/shipping CreateShipment): a flat body with the
  // order's integer id and the buyer's email; "" for an absent second line.
  void createBodyTemplateGivesSeed002sFlatDraft() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(
        h.create(config(R"("create_body":{"order_id":"{orderNumericId}","user_email":"{customerEmail}",)"
                        R"("address_line1":"{addressLine1}","address_line2":"{addressLine2}",)"
                        R"("city":"{addressCity}","country":"{addressCountry}",)"
                        R"("postcode":"{addressPostalCode}","note":"order {orderNumber} x{orderNumericId}",)"
                        R"("lines":{"$eachLine":{"sku":"{productId}","n":"{quantity}","v":"{variantId}"}}})"))
            .ok());
    h.host().onHttp("POST", kCreateUrl, answer(201, R"({"id":7,"order_id":123,"status":"PENDING_PAYMENT"})"));
    ShipmentRequest request = requestFor(std::nullopt);
    request.orderNumericId = 123;
    request.customer = Party{"u-1", std::nullopt, std::string("cust@example.com"), std::nullopt};
    auto r = create(h, request);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("7"), r->reference);
    const Json::Value body = parseJson(h.host().requests().at(0).body);
    CPPUNIT_ASSERT(body["order_id"].isIntegral());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(123), body["order_id"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("cust@example.com"), body["user_email"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("1 Demo Street"), body["address_line1"].asString());
    CPPUNIT_ASSERT(body["address_line2"].isString());
    CPPUNIT_ASSERT_EQUAL(std::string(""), body["address_line2"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Dublin"), body["city"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("IE"), body["country"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("D01XYZ"), body["postcode"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("order ORD-1 x123"), body["note"].asString());
    CPPUNIT_ASSERT_EQUAL(2u, body["lines"].size());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(2), body["lines"][0]["n"].asInt64());
    CPPUNIT_ASSERT(!body["lines"][0].isMember("v")); // no variant: the key is dropped
    CPPUNIT_ASSERT_EQUAL(std::string("red"), body["lines"][1]["v"].asString());
    CPPUNIT_ASSERT_EQUAL(9u, body.size()); // nothing else is sent
    PluginHarness refused(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(!refused.create(config(R"("create_body":[1])")).ok());
  }

  void fieldNamesPointersAndNumericIdsAreConfigurable() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("KEY", "k-9");
    CPPUNIT_ASSERT(h.create(config(R"("create_path":"/v2/drafts","ids_as_numbers":true,)"
                                   R"("internal_key_secret":"KEY","internal_key_header":"X-Svc-Key",)"
                                   R"("body_fields":{"order_id":"orderId","order_number":"orderNumber",)"
                                   R"("seller_id":"","address":"shipTo","items":"lines","product_id":"sku",)"
                                   R"("quantity":"quantity"},"address_fields":{"name":"","line1":"street",)"
                                   R"("line2":"","postal_code":"zip"},)"
                                   R"("id_pointer":"/data/shipment/id","status_pointer":"",)"
                                   R"("carrier_pointer":"/data/carrier","tracking_number_pointer":"")"))
                       .ok());
    h.host().onHttp("POST", kBase + "/v2/drafts",
                    answer(201, R"({"data":{"shipment":{"id":"d-1"},"carrier":"UPS","status":42}})"));
    ShipmentRequest request = requestFor(std::string("9"));
    request.orderId = "123";
    request.lines[0].productId = "0042"; // leading zero: stays a string
    request.lines[1].productId = "17";
    auto r = create(h, request);
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("d-1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("UPS"), r->carrier.value());

    const HttpRequest sent = h.host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(kBase + "/v2/drafts", sent.url);
    CPPUNIT_ASSERT_EQUAL(std::string("k-9"), sent.headers.at("X-Svc-Key"));
    const Json::Value body = parseJson(sent.body);
    CPPUNIT_ASSERT(body["orderId"].isIntegral());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(123), body["orderId"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1"), body["orderNumber"].asString());
    CPPUNIT_ASSERT(!body.isMember("seller_id"));
    CPPUNIT_ASSERT(!body.isMember("address"));
    const Json::Value &to = body["shipTo"];
    CPPUNIT_ASSERT_EQUAL(std::string("1 Demo Street"), to["street"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("D01XYZ"), to["zip"].asString());
    CPPUNIT_ASSERT(!to.isMember("name"));
    CPPUNIT_ASSERT(!to.isMember("address_line2"));
    CPPUNIT_ASSERT_EQUAL(std::string("0042"), body["lines"][0]["sku"].asString());
    CPPUNIT_ASSERT(body["lines"][0]["sku"].isString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(17), body["lines"][1]["sku"].asInt64());
    CPPUNIT_ASSERT(body["lines"][1]["sku"].isIntegral());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(2), body["lines"][0]["quantity"].asInt64());
  }

  void confirmAndCancelAreSkippedWithoutAPath() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    const ShipmentRef ref{"shp-42", "o-1"};
    auto confirmed = confirm(h, ref);
    CPPUNIT_ASSERT_MESSAGE(why(confirmed), confirmed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp-42"), confirmed->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("draft"), confirmed->status); // unchanged at the service
    auto cancelled = cancel(h, ref);
    CPPUNIT_ASSERT_MESSAGE(why(cancelled), cancelled.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp-42"), cancelled->reference);
    CPPUNIT_ASSERT(h.host().requests().empty());

    bool confirm_logged = false, cancel_logged = false;
    for (const auto &line : h.host().logs()) {
      if (line.level != LogLevel::info) continue;
      confirm_logged = confirm_logged || contains(line.message, "confirm of shipment shp-42 (order o-1) not sent");
      cancel_logged = cancel_logged || contains(line.message, "cancel of shipment shp-42 (order o-1) not sent");
    }
    CPPUNIT_ASSERT(confirm_logged);
    CPPUNIT_ASSERT(cancel_logged);
  }

  void confirmAndCancelPostTheConfiguredPaths() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("confirm_path":"/shipping/v1/shipments/{id}/confirm",)"
                                   R"("cancel_path":"/shipping/v1/shipments/{id}/cancel")"))
                       .ok());
    h.host().onHttp("POST", kBase + "/shipping/v1/shipments/shp%2F42/confirm",
                    answer(200, R"({"status":"READY","carrier":"DHL","tracking_number":"JD014600"})"));
    h.host().onHttp("POST", kBase + "/shipping/v1/shipments/shp-43/cancel", answer(204, ""));
    h.host().onHttp("POST", kBase + "/shipping/v1/shipments/shp-44/confirm", answer(200, "OK"));

    auto confirmed = confirm(h, ShipmentRef{"shp/42", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(confirmed), confirmed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp/42"), confirmed->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("confirmed"), confirmed->status);
    CPPUNIT_ASSERT_EQUAL(std::string("DHL"), confirmed->carrier.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JD014600"), confirmed->trackingNumber.value());
    auto plain = confirm(h, ShipmentRef{"shp-44", "o-1"}); // a body that is not JSON is fine here
    CPPUNIT_ASSERT_MESSAGE(why(plain), plain.ok());
    CPPUNIT_ASSERT(!plain->carrier.has_value());

    auto cancelled = cancel(h, ShipmentRef{"shp-43", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(cancelled), cancelled.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->status);
    auto gone = cancel(h, ShipmentRef{"shp-45", "o-1"}); // unscripted: 404, nothing to cancel
    CPPUNIT_ASSERT_MESSAGE(why(gone), gone.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), gone->status);

    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(4), requests.size());
    CPPUNIT_ASSERT_EQUAL(kBase + "/shipping/v1/shipments/shp%2F42/confirm", requests[0].url);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(std::string("confirm:shp/42"), requests[0].headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), parseJson(requests[0].body)["order_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("cancel:shp-43"), requests[2].headers.at("Idempotency-Key"));

    auto refused = confirm(h, ShipmentRef{"shp-46", "o-1"}); // 404 on confirm is an error
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT(refused.error().code == ErrorCode::rejected);
  }

  void serverErrorsAndTransportFailuresAreRetryable() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("create_path":"/a")")).ok());
    h.host().onHttp("POST", kBase + "/a", answer(503, "maintenance"));
    h.host().thenHttp(answer(429, "slow down"));
    auto busy = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT(!busy.ok());
    CPPUNIT_ASSERT(busy.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(busy.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(busy.error().message, contains(busy.error().message, "shipment of order o-1 (seller s-1)"));
    CPPUNIT_ASSERT_MESSAGE(busy.error().message, contains(busy.error().message, "answered 503: maintenance"));
    auto throttled = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT(throttled.error().code == ErrorCode::unavailable);

    PluginHarness down(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(down.create(config()).ok());
    down.host().onHttpError("POST", kCreateUrl, timeoutError("POST " + kCreateUrl + ": no answer within 300 ms"));
    auto timed_out = create(down, requestFor(std::nullopt));
    CPPUNIT_ASSERT(!timed_out.ok());
    CPPUNIT_ASSERT(timed_out.error().code == ErrorCode::timeout);
    CPPUNIT_ASSERT(timed_out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(timed_out.error().message,
                           contains(timed_out.error().message, "shipment of order o-1 (house brand): POST "));
  }

  void clientErrorsAreRejectedWithStatusAndBody() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("POST", kCreateUrl, answer(422, "{\"detail\":\"postcode\n invalid\"}"));
    auto r = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::rejected);
    CPPUNIT_ASSERT(!r.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("shipment of order o-1 (seller s-1): POST " + kCreateUrl +
                                     " answered 422: {\"detail\":\"postcode  invalid\"}"),
                         r.error().message);
  }

  void malformedAnswersNameThePointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("create_path":"/s","id_pointer":"/data/id")")).ok());
    h.host().onHttp("POST", kBase + "/s", answer(201, R"({"data":{"status":"PENDING_PAYMENT"}})"));
    h.host().thenHttp(answer(201, R"({"data":{"id":["x"]}})"));
    h.host().thenHttp(answer(201, R"({"data":{"id":"x"},"carrier":7})"));
    h.host().thenHttp(answer(201, "<html>bad gateway</html>"));

    auto missing = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT(!missing.ok());
    CPPUNIT_ASSERT(missing.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!missing.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("shipment of order o-1 (seller s-1): /data/id: missing"), missing.error().message);
    auto typed = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT_EQUAL(
        std::string("shipment of order o-1 (seller s-1): /data/id: expected string or integer, got array"),
        typed.error().message);
    auto carrier = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT_EQUAL(
        std::string("shipment of order o-1 (seller s-1): /carrier: expected string or null, got number"),
        carrier.error().message);
    auto html = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT(html.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(html.error().message,
                           contains(html.error().message, "POST " + kBase + "/s: /: malformed JSON"));
  }

  void requestIsCheckedBeforeAnyCall() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    ShipmentRequest empty = requestFor(std::string("s-1"));
    empty.lines.clear();
    auto r = create(h, empty);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/lines: at least one line"), r.error().message);
    ShipmentRequest zero = requestFor(std::string("s-1"));
    zero.lines[1].quantity = 0;
    CPPUNIT_ASSERT_EQUAL(std::string("/lines/1/quantity: must be > 0"), create(h, zero).error().message);
    auto no_ref = confirm(h, ShipmentRef{"", "o-1"});
    CPPUNIT_ASSERT_EQUAL(std::string("/reference: must not be empty"), no_ref.error().message);
    CPPUNIT_ASSERT(h.host().requests().empty());
  }

  void createRejectsBadConfig() {
    const struct {
      std::string config;
      std::string message;
    } cases[] = {
        {R"({"base_url":"ftp://shipping.test"})",
         "base_url: expected an http:// or https:// URL, got 'ftp://shipping.test'"},
        {config(R"("confirm_path":"/shipments/confirm")"), "confirm_path: must contain {id}"},
        {config(R"("cancel_path":"cancel/{id}")"), "cancel_path: 'cancel/{id}' must start with /"},
        {config(R"("id_pointer":"data/id")"),
         "id_pointer: 'data/id' is not a JSON pointer to a field (\"/id\", \"/data/id\")"},
        {config(R"("body_fields":{"items":""})"), "body_fields/items: must not be empty"},
        {config(R"("internal_key_secret":"NOPE")"),
         "internal_key_secret: cannot resolve secret 'NOPE': no secret named NOPE"},
    };
    for (const auto &c : cases) {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(c.config);
      CPPUNIT_ASSERT_MESSAGE(c.config, !s.ok());
      CPPUNIT_ASSERT_MESSAGE(s.error().message, s.error().code == ErrorCode::invalid_argument);
      CPPUNIT_ASSERT_EQUAL(c.message, s.error().message);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ShippingServiceTest);
