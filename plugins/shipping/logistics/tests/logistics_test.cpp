// shipping/logistics on FakeHost: drafts, booking after payment, cancel, config.
#include "logistics_test_support.hpp"

class LogisticsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LogisticsTest);
  CPPUNIT_TEST(createRecordsADraftWithoutCallingOut);
  CPPUNIT_TEST(confirmBooksWithAddressItemsWeightAndKey);
  CPPUNIT_TEST(confirmWithoutTheDraftSendsWhatTheReferenceTells);
  CPPUNIT_TEST(weightIsLeftOutUnlessEveryLineHasIt);
  CPPUNIT_TEST(cancelPostsAndTreats404AsDone);
  CPPUNIT_TEST(bookingErrorsAreMapped);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST_SUITE_END();

public:
  void createRecordsADraftWithoutCallingOut() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    auto r = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), r->reference);
    CPPUNIT_ASSERT_EQUAL(std::string("draft"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), r->sellerId.value());
    CPPUNIT_ASSERT(!r->carrier.has_value());
    CPPUNIT_ASSERT(!r->trackingNumber.has_value());
    auto retry = create(h, requestFor(std::string("s-1")));
    CPPUNIT_ASSERT_EQUAL(r->reference, retry->reference);
    auto house = create(h, requestFor(std::nullopt));
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_house"), house->reference);
    CPPUNIT_ASSERT(!house->sellerId.has_value());
    CPPUNIT_ASSERT(h.host().requests().empty());

    ShipmentRequest empty = requestFor(std::string("s-1"));
    empty.lines.clear();
    CPPUNIT_ASSERT_EQUAL(std::string("/lines: at least one line"), create(h, empty).error().message);
  }

  void confirmBooksWithAddressItemsWeightAndKey() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    CPPUNIT_ASSERT(create(h, requestFor(std::string("s-1"))).ok());
    h.host().onHttp("POST", kBookingUrl,
                    answer(201, R"({"id":"LG-77","status":"BOOKED","carrier":"JNE","trackingNumber":"JN0012345"})"));
    auto r = confirm(h, ShipmentRef{"shp_o-1_s-1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), r->reference); // ours: the core keeps it
    CPPUNIT_ASSERT_EQUAL(std::string("confirmed"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), r->sellerId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JNE"), r->carrier.value());
    CPPUNIT_ASSERT_EQUAL(std::string("JN0012345"), r->trackingNumber.value());

    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    const HttpRequest &sent = requests[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
    CPPUNIT_ASSERT_EQUAL(kBookingUrl, sent.url);
    CPPUNIT_ASSERT_EQUAL(std::string("booking:shp_o-1_s-1"), sent.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), sent.headers.at("Content-Type"));
    CPPUNIT_ASSERT(sent.idempotent);
    const Json::Value body = parseJson(sent.body);
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), body["reference"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), body["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1"), body["orderNumber"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("s-1"), body["sellerId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Siti Rahma"), body["address"]["name"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Jl. Sudirman 1"), body["address"]["line1"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Jakarta"), body["address"]["city"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("10220"), body["address"]["postalCode"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ID"), body["address"]["country"].asString());
    CPPUNIT_ASSERT(!body["address"].isMember("line2"));
    CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex(2), body["items"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("p-1"), body["items"][0]["productId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Mug"), body["items"][0]["title"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(2), body["items"][0]["quantity"].asInt64());
    CPPUNIT_ASSERT(!body["items"][0].isMember("variantId"));
    CPPUNIT_ASSERT_EQUAL(std::string("red"), body["items"][1]["variantId"].asString());
    CPPUNIT_ASSERT_EQUAL(Json::Int64(600), body["weightGrams"].asInt64()); // 2 x 250 + 1 x 100
  }

  void confirmWithoutTheDraftSendsWhatTheReferenceTells() {
    PluginHarness h(orders_plugin_descriptor_v1()); // as after a restart: no draft in memory
    CPPUNIT_ASSERT(h.create(config(R"("booking_path":"/v2/bookings","shipment_id_pointer":"/data/id",)"
                                   R"("carrier_pointer":"/data/courier","tracking_number_pointer":"")"))
                       .ok());
    h.host().onHttp("POST", kBase + "/v2/bookings",
                    answer(200, R"({"data":{"id":9001,"courier":"SiCepat","trackingNumber":42}})"));
    auto r = confirm(h, ShipmentRef{"shp_o-9_s-2", "o-9"});
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("s-2"), r->sellerId.value());
    CPPUNIT_ASSERT_EQUAL(std::string("SiCepat"), r->carrier.value());
    CPPUNIT_ASSERT(!r->trackingNumber.has_value()); // not read: tracking_number_pointer ""
    const Json::Value body = parseJson(h.host().requests().at(0).body);
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-9_s-2"), body["reference"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("o-9"), body["orderId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("s-2"), body["sellerId"].asString());
    CPPUNIT_ASSERT(!body.isMember("address"));
    CPPUNIT_ASSERT(!body.isMember("items"));
    CPPUNIT_ASSERT(!body.isMember("weightGrams"));
    bool warned = false;
    for (const auto &line : h.host().logs())
      warned = warned || (line.level == LogLevel::warn && contains(line.message, "without address and items"));
    CPPUNIT_ASSERT(warned);

    auto house = confirm(h, ShipmentRef{"shp_o-9_house", "o-9"});
    CPPUNIT_ASSERT_MESSAGE(why(house), house.ok());
    CPPUNIT_ASSERT(!house->sellerId.has_value());
    CPPUNIT_ASSERT(!parseJson(h.host().requests().at(1).body).isMember("sellerId"));
  }

  void weightIsLeftOutUnlessEveryLineHasIt() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("POST", kBookingUrl, answer(201, R"({"id":"LG-1"})"));
    ShipmentRequest partial = requestFor(std::string("s-1"));
    partial.lines[1].attributes.clear();
    CPPUNIT_ASSERT(create(h, partial).ok());
    CPPUNIT_ASSERT(confirm(h, ShipmentRef{"shp_o-1_s-1", "o-1"}).ok());
    CPPUNIT_ASSERT(!parseJson(h.host().requests().at(0).body).isMember("weightGrams"));

    PluginHarness off(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(off.create(config(R"("weight_attribute":"")")).ok());
    off.host().onHttp("POST", kBookingUrl, answer(201, R"({"id":"LG-2"})"));
    CPPUNIT_ASSERT(create(off, requestFor(std::string("s-1"))).ok());
    CPPUNIT_ASSERT(confirm(off, ShipmentRef{"shp_o-1_s-1", "o-1"}).ok());
    CPPUNIT_ASSERT(!parseJson(off.host().requests().at(0).body).isMember("weightGrams"));
  }

  void cancelPostsAndTreats404AsDone() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("POST", kBase + "/api/shipments/shp_o-1_s-1/cancel", answer(200, R"({"status":"CANCELLED"})"));
    auto r = cancel(h, ShipmentRef{"shp_o-1_s-1", "o-1"});
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), r->status);
    CPPUNIT_ASSERT_EQUAL(std::string("shp_o-1_s-1"), r->reference);
    const HttpRequest sent = h.host().requests().at(0);
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
    CPPUNIT_ASSERT_EQUAL(std::string("cancel:shp_o-1_s-1"), sent.headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), parseJson(sent.body)["orderId"].asString());

    auto never_booked = cancel(h, ShipmentRef{"shp_o-2_house", "o-2"}); // unscripted: 404
    CPPUNIT_ASSERT_MESSAGE(why(never_booked), never_booked.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), never_booked->status);

    h.host().onHttp("POST", kBase + "/api/shipments/shp_o-3_house/cancel", answer(409, "already delivered"));
    auto late = cancel(h, ShipmentRef{"shp_o-3_house", "o-3"});
    CPPUNIT_ASSERT(!late.ok());
    CPPUNIT_ASSERT(late.error().code == ErrorCode::rejected);
    CPPUNIT_ASSERT_MESSAGE(late.error().message, contains(late.error().message, "answered 409: already delivered"));

    PluginHarness by_order(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(by_order.create(config(R"("cancel_path":"/api/orders/{order_id}/shipments/{id}/cancel")")).ok());
    CPPUNIT_ASSERT(cancel(by_order, ShipmentRef{"shp_o 4_house", "o 4"}).ok());
    CPPUNIT_ASSERT_EQUAL(kBase + "/api/orders/o%204/shipments/shp_o%204_house/cancel",
                         by_order.host().requests().at(0).url);
  }

  void bookingErrorsAreMapped() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    const ShipmentRef ref{"shp_o-1_s-1", "o-1"};
    h.host().onHttp("POST", kBookingUrl, answer(503, "maintenance"));
    h.host().thenHttp(answer(422, "{\"error\":\"address required\"}"));
    h.host().thenHttp(answer(201, R"({"status":"BOOKED"})"));
    h.host().thenHttp(answer(201, R"({"id":"LG-1","carrier":["JNE"]})"));
    h.host().thenHttp(answer(201, "<html>bad gateway</html>"));

    auto busy = confirm(h, ref);
    CPPUNIT_ASSERT(busy.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(busy.error().retryable);
    CPPUNIT_ASSERT_EQUAL(
        std::string("booking of shipment shp_o-1_s-1: POST " + kBookingUrl + " answered 503: maintenance"),
        busy.error().message);
    auto refused = confirm(h, ref);
    CPPUNIT_ASSERT(refused.error().code == ErrorCode::rejected);
    CPPUNIT_ASSERT(!refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message,
                           contains(refused.error().message, "answered 422: {\"error\":\"address required\"}"));
    auto missing = confirm(h, ref);
    CPPUNIT_ASSERT(missing.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("booking of shipment shp_o-1_s-1: /id: missing"), missing.error().message);
    auto carrier = confirm(h, ref);
    CPPUNIT_ASSERT_EQUAL(std::string("booking of shipment shp_o-1_s-1: /carrier: expected string or null, got array"),
                         carrier.error().message);
    auto html = confirm(h, ref);
    CPPUNIT_ASSERT(html.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(html.error().message, contains(html.error().message, "/: malformed JSON"));

    PluginHarness down(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(down.create(config()).ok());
    down.host().onHttpError("POST", kBookingUrl, unavailable("POST " + kBookingUrl + ": connection refused"));
    auto refused_connection = confirm(down, ref);
    CPPUNIT_ASSERT(refused_connection.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(refused_connection.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("booking of shipment shp_o-1_s-1: POST " + kBookingUrl + ": connection refused"),
                         refused_connection.error().message);
  }

  void createRejectsBadConfig() {
    const struct {
      std::string config;
      std::string message;
    } cases[] = {
        {R"({"base_url":"logistics.test"})", "base_url: expected an http:// or https:// URL, got 'logistics.test'"},
        {config(R"("cancel_path":"/api/shipments/cancel")"), "cancel_path: must contain {id} or {order_id}"},
        {config(R"("booking_path":"api/shipments")"), "booking_path: 'api/shipments' must start with /"},
        {config(R"("shipment_id_pointer":"")"),
         "shipment_id_pointer: '' is not a JSON pointer to a field (\"/id\", \"/data/id\")"},
        {config(R"("webhook":{"status_map":{"LOST":"cancelled"}})"),
         "webhook/status_map/LOST: expected \"shipped\" or \"delivered\", got 'cancelled'"},
        {config(R"("webhook":{"reference_pointer":"","order_id_pointer":""})"),
         "webhook/reference_pointer: must be set when webhook/order_id_pointer is empty"},
        {config(R"("webhook_secret":"NOPE")"), "webhook_secret: cannot resolve secret 'NOPE': no secret named NOPE"},
        {config(R"("signature_secret":"NOPE")"),
         "signature_secret: cannot resolve secret 'NOPE': no secret named NOPE"},
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

CPPUNIT_TEST_SUITE_REGISTRATION(LogisticsTest);
