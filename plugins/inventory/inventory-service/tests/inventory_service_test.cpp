// inventory/inventory-service through its C ABI on a FakeHost: every request
// checked (method, URL, headers, JSON body), service replies scripted.
#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orders/sdk/testing/plugin_harness.hpp"
#include "orders_inventory_inventory_service_config_schema.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kBase = "http://inventory.test:8083";
const std::string kAllocateUrl = kBase + "/internal/inventory/allocate";
const std::string kConfirmUrl = kBase + "/internal/inventory/confirm";
const std::string kReleaseUrl = kBase + "/internal/inventory/release";
const std::string kToken = "t0ken-never-logged";
const char *kSecretName = "INVENTORY_INTERNAL_API_TOKEN"; // token_secret's default

// What the host would pass: the schema's defaults and base_url, then
// `overrides` (a JSON object).
std::string configWith(const std::string &overrides) {
  const Json::Value schema = parseJson(kConfigSchema);
  const Json::Value &properties = schema["properties"];
  Json::Value config(Json::objectValue);
  for (const std::string &key : properties.getMemberNames())
    if (properties[key].isMember("default")) config[key] = properties[key]["default"];
  config["base_url"] = kBase + "/"; // the trailing slash is dropped
  const Json::Value extra = parseJson(overrides);
  for (const std::string &key : extra.getMemberNames())
    config[key] = extra[key];
  return writeJson(config);
}

std::unique_ptr<PluginHarness> start(const std::string &overrides = "{}") {
  auto h = std::make_unique<PluginHarness>(orders_plugin_descriptor_v1());
  h->host().setSecret(kSecretName, kToken);
  const Status created = h->create(configWith(overrides), "inventory");
  CPPUNIT_ASSERT_MESSAGE(created.ok() ? "" : created.error().message, created.ok());
  return h;
}

StockLine line(const std::string &product, int64_t quantity, std::optional<std::string> variant = std::nullopt,
               std::optional<std::string> soft_reservation = std::nullopt) {
  StockLine l;
  l.productId = product;
  l.variantId = std::move(variant);
  l.quantity = quantity;
  l.reservationId = std::move(soft_reservation);
  return l;
}

ReserveRequest request(const std::string &key, std::vector<StockLine> lines, const std::string &reference = "o-1") {
  ReserveRequest r;
  r.reference = reference;
  r.idempotencyKey = key;
  r.ttlSeconds = 900;
  r.lines = std::move(lines);
  return r;
}

ReservationRef refFor(const std::string &id, const std::string &reference, std::vector<StockLine> lines) {
  ReservationRef r;
  r.reservationId = id;
  r.reference = reference;
  r.lines = std::move(lines);
  return r;
}

HttpResponse reply(int64_t status, const std::string &body) { return HttpResponse{status, {}, body}; }

Result<ReserveOutcome> reserve(PluginHarness &h, const ReserveRequest &r) {
  return h.call<ReserveOutcome>(h.table<orders_inventory_v1_t>()->reserve, r);
}
Result<Empty> commit(PluginHarness &h, const ReservationRef &r) {
  return h.call<Empty>(h.table<orders_inventory_v1_t>()->commit, r);
}
Result<Empty> release(PluginHarness &h, const ReservationRef &r) {
  return h.call<Empty>(h.table<orders_inventory_v1_t>()->release, r);
}
Result<Empty> restock(PluginHarness &h, const RestockRequest &r) {
  return h.call<Empty>(h.table<orders_inventory_v1_t>()->restock, r);
}

template <class T> std::string why(const Result<T> &r) { return r.ok() ? std::string() : r.error().message; }
template <class T> std::string codeOf(const Result<T> &r) { return r.ok() ? "ok" : errorCodeName(r.error().code); }
bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string header(const HttpRequest &r, const std::string &name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string("(absent)") : it->second;
}

// One POST to `url` with the Bearer token, JSON content type, `idempotency_key` and `body`.
void assertPost(const HttpRequest &sent, const std::string &url, const std::string &idempotency_key,
                const std::string &body) {
  CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
  CPPUNIT_ASSERT_EQUAL(url, sent.url);
  CPPUNIT_ASSERT_EQUAL("Bearer " + kToken, header(sent, "Authorization"));
  CPPUNIT_ASSERT_EQUAL(std::string("application/json"), header(sent, "Content-Type"));
  CPPUNIT_ASSERT_EQUAL(idempotency_key, header(sent, "Idempotency-Key"));
  CPPUNIT_ASSERT(!sent.idempotent); // POSTs are never retried by the host's HTTP client
  CPPUNIT_ASSERT_EQUAL(parseJson(body), parseJson(sent.body));
}

} // namespace

class InventoryServiceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InventoryServiceTest);
  CPPUNIT_TEST(allocateSendsLinesWithTheirSoftReservations);
  CPPUNIT_TEST(sameIdempotencyKeyAllocatesOnce);
  CPPUNIT_TEST(insufficientStockNamesTheProduct);
  CPPUNIT_TEST(malformedReplyNamesThePointer);
  CPPUNIT_TEST(serverErrorIsUnavailable);
  CPPUNIT_TEST(transportErrorsKeepTheirCode);
  CPPUNIT_TEST(otherClientErrorsAreRejected);
  CPPUNIT_TEST(confirmAndReleaseRebuildTheBody);
  CPPUNIT_TEST(confirmRefusedForStockIsConflict);
  CPPUNIT_TEST(emptyReleasePathSkipsTheCall);
  CPPUNIT_TEST(restockPostsThePathOrIsUnsupportedWithoutOne);
  CPPUNIT_TEST(badRequestsAreInvalidArgument);
  CPPUNIT_TEST(missingOrEmptyTokenFailsCreate);
  CPPUNIT_TEST_SUITE_END();

public:
  void allocateSendsLinesWithTheirSoftReservations() {
    auto h = start(R"({"timeout_ms":1500})");
    CPPUNIT_ASSERT_EQUAL(
        uint32_t(ORDERS_INVENTORY_THREE_PHASE | ORDERS_INVENTORY_CAN_RELEASE | ORDERS_INVENTORY_CAN_RESTOCK),
        h->table<orders_inventory_v1_t>()->capabilities);
    h->host().onHttp("POST", kAllocateUrl, reply(200, R"({"orderId":"o-1","status":"allocated"})"));
    auto out = reserve(*h, request("checkout:c-1:order:o-1",
                                   {line("p-1", 2, std::nullopt, "sr-1"), line("p-2", 1, "v-red", std::nullopt)}));
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT(out->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), out->reservationId.value());
    CPPUNIT_ASSERT(out->shortages.empty());
    const auto sent = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), sent.size());
    assertPost(sent[0], kAllocateUrl, "checkout:c-1:order:o-1",
               R"({"orderId":"o-1","items":[{"productId":"p-1","quantity":2,"reservationId":"sr-1"},
                   {"productId":"p-2","variantId":"v-red","quantity":1}]})");
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), header(sent[0], "Accept"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), sent[0].timeoutMs.value());
    for (const auto &logged : h->host().logs())
      CPPUNIT_ASSERT_MESSAGE(logged.message, !contains(logged.message, kToken));
  }

  void sameIdempotencyKeyAllocatesOnce() {
    auto h = start();
    h->host().onHttp("POST", kAllocateUrl, reply(200, "{}"));
    auto first = reserve(*h, request("k1", {line("p-1", 2)}));
    CPPUNIT_ASSERT_MESSAGE(why(first), first.ok());
    auto again = reserve(*h, request("k1", {line("p-1", 2)}));
    CPPUNIT_ASSERT_MESSAGE(why(again), again.ok());
    CPPUNIT_ASSERT(again->reserved);
    CPPUNIT_ASSERT_EQUAL(first->reservationId.value(), again->reservationId.value());
    CPPUNIT_ASSERT_EQUAL(size_t(1), h->host().requests().size());
    CPPUNIT_ASSERT(reserve(*h, request("k2", {line("p-1", 1)}, "o-2")).ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), h->host().requests().size()); // another key is another allocation
  }

  void insufficientStockNamesTheProduct() {
    auto h = start();
    h->host().onHttp("POST", kAllocateUrl, reply(409, R"({"error":"insufficient_stock","productId":"p-2"})"));
    h->host().thenHttp(reply(422, R"({"error":"insufficient_stock","productId":"p-1"})"));
    h->host().thenHttp(reply(200, R"({"error":"insufficient_stock"})"));
    const std::vector<StockLine> lines{line("p-1", 2, std::nullopt, "sr-1"), line("p-2", 3, "v-red")};

    auto by_status = reserve(*h, request("k1", lines));
    CPPUNIT_ASSERT_MESSAGE(why(by_status), by_status.ok());
    CPPUNIT_ASSERT(!by_status->reserved);
    CPPUNIT_ASSERT(!by_status->reservationId.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t(1), by_status->shortages.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p-2"), by_status->shortages[0].productId);
    CPPUNIT_ASSERT_EQUAL(std::string("v-red"), by_status->shortages[0].variantId.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(3), by_status->shortages[0].requested);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), by_status->shortages[0].available);

    auto by_body = reserve(*h, request("k2", lines));
    CPPUNIT_ASSERT_MESSAGE(why(by_body), by_body.ok());
    CPPUNIT_ASSERT(!by_body->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("p-1"), by_body->shortages.at(0).productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(2), by_body->shortages.at(0).requested);

    auto unnamed = reserve(*h, request("k3", lines));
    CPPUNIT_ASSERT_MESSAGE(why(unnamed), unnamed.ok());
    CPPUNIT_ASSERT(!unnamed->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("p-1"), unnamed->shortages.at(0).productId); // the first line
  }

  void malformedReplyNamesThePointer() {
    auto h = start();
    h->host().onHttp("POST", kAllocateUrl, reply(200, R"({"orderId": "o-1")"));
    h->host().thenHttp(reply(204, "")); // nothing to read: allocated
    auto out = reserve(*h, request("k1", {line("p-1", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), codeOf(out));
    CPPUNIT_ASSERT(!out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "inventory allocate: "));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "/error (out_of_stock_pointer)"));
    auto empty = reserve(*h, request("k2", {line("p-1", 1)}));
    CPPUNIT_ASSERT_MESSAGE(why(empty), empty.ok());
    CPPUNIT_ASSERT(empty->reserved);
  }

  void serverErrorIsUnavailable() {
    auto h = start();
    h->host().onHttp("POST", kAllocateUrl, reply(502, "bad gateway"));
    auto out = reserve(*h, request("k1", {line("p-1", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), codeOf(out));
    CPPUNIT_ASSERT(out.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("inventory allocate: the Inventory service answered HTTP 502: bad gateway"),
                         out.error().message);
    CPPUNIT_ASSERT(reserve(*h, request("k1", {line("p-1", 1)})).error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT_EQUAL(size_t(2), h->host().requests().size()); // failures are not remembered
  }

  void transportErrorsKeepTheirCode() {
    auto h = start();
    h->host().onHttpError("POST", kAllocateUrl, timeoutError("POST " + kAllocateUrl + ": no answer within 300 ms"));
    h->host().onHttpError("POST", kConfirmUrl, unavailable("POST " + kConfirmUrl + ": connection refused"));
    auto slow = reserve(*h, request("k1", {line("p-1", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("timeout"), codeOf(slow));
    CPPUNIT_ASSERT(slow.error().retryable);
    CPPUNIT_ASSERT_EQUAL("inventory allocate: POST " + kAllocateUrl + ": no answer within 300 ms",
                         slow.error().message);
    auto down = commit(*h, refFor("o-1", "o-1", {line("p-1", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), codeOf(down));
    CPPUNIT_ASSERT(down.error().retryable);
    CPPUNIT_ASSERT_EQUAL("inventory confirm: POST " + kConfirmUrl + ": connection refused", down.error().message);
  }

  void otherClientErrorsAreRejected() {
    auto h = start();
    h->host().onHttp("POST", kAllocateUrl, reply(400, R"({"error":"invalid_request"})"));
    h->host().thenHttp(reply(401, R"({"error":"unauthorized"})"));
    auto bad = reserve(*h, request("k1", {line("p-1", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), codeOf(bad));
    CPPUNIT_ASSERT(!bad.error().retryable);
    CPPUNIT_ASSERT_EQUAL(
        std::string(R"(inventory allocate: the Inventory service answered HTTP 400: {"error":"invalid_request"})"),
        bad.error().message);
    auto unauthorized = reserve(*h, request("k2", {line("p-1", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), codeOf(unauthorized));
    CPPUNIT_ASSERT_MESSAGE(unauthorized.error().message, contains(unauthorized.error().message, "HTTP 401"));
  }

  void confirmAndReleaseRebuildTheBody() {
    auto h = start();
    h->host().onHttp("POST", kConfirmUrl, reply(200, R"({"status":"confirmed"})"));
    h->host().onHttp("POST", kReleaseUrl, reply(204, ""));
    auto confirmed = commit(*h, refFor("o-9", "o-9", {line("p-1", 2, std::nullopt, "sr-1"), line("p-2", 1, "v-red")}));
    CPPUNIT_ASSERT_MESSAGE(why(confirmed), confirmed.ok());
    // Crash recovery knows the order and its lines but not the reservation id.
    auto released = release(*h, refFor("", "o-8", {line("p-3", 4)}));
    CPPUNIT_ASSERT_MESSAGE(why(released), released.ok());
    const auto sent = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), sent.size());
    assertPost(sent[0], kConfirmUrl, "confirm:o-9",
               R"({"orderId":"o-9","items":[{"productId":"p-1","quantity":2,"reservationId":"sr-1"},
                   {"productId":"p-2","variantId":"v-red","quantity":1}]})");
    assertPost(sent[1], kReleaseUrl, "release:o-8", R"({"orderId":"o-8","items":[{"productId":"p-3","quantity":4}]})");
  }

  void confirmRefusedForStockIsConflict() {
    auto h = start();
    h->host().onHttp("POST", kConfirmUrl, reply(409, R"({"error":"allocation_expired"})"));
    auto out = commit(*h, refFor("o-1", "o-1", {line("p-1", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("conflict"), codeOf(out));
    CPPUNIT_ASSERT(!out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "HTTP 409"));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "allocation_expired"));
  }

  // ABI 1.3: units of a paid order that was cancelled go back on sale.
  void restockPostsThePathOrIsUnsupportedWithoutOne() {
    auto none = start();
    CPPUNIT_ASSERT_EQUAL(
        uint32_t(ORDERS_INVENTORY_THREE_PHASE | ORDERS_INVENTORY_CAN_RELEASE | ORDERS_INVENTORY_CAN_RESTOCK),
        none->table<orders_inventory_v1_t>()->capabilities);
    RestockRequest req{"o-9", "o-9", "restock:r-1", {line("sku-mug", 2)}};
    auto refused = restock(*none, req);
    CPPUNIT_ASSERT_EQUAL(std::string("unsupported"), codeOf(refused)); // the host flags a manual restock
    CPPUNIT_ASSERT(!refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "restock_path is empty"));
    CPPUNIT_ASSERT(none->host().requests().empty());

    auto h = start(R"({"restock_path":"/internal/inventory/restock"})");
    const std::string url = kBase + "/internal/inventory/restock";
    h->host().onHttp("POST", url, reply(200, "{}"));
    auto done = restock(*h, req);
    CPPUNIT_ASSERT_MESSAGE(why(done), done.ok());
    const auto sent = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), sent.size());
    assertPost(sent[0], url, "restock:o-9", R"({"orderId":"o-9","items":[{"productId":"sku-mug","quantity":2}]})");
  }

  void emptyReleasePathSkipsTheCall() {
    auto h = start(R"({"release_path":""})");
    auto out = release(*h, refFor("o-1", "o-1", {line("p-1", 1)}));
    CPPUNIT_ASSERT(!out.ok()); // never "released" while the service still holds the units
    CPPUNIT_ASSERT_EQUAL(std::string("unsupported"), codeOf(out));
    CPPUNIT_ASSERT(!out.error().retryable);
    CPPUNIT_ASSERT(h->host().requests().empty());
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "release_path is empty"));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "o-1"));
  }

  void badRequestsAreInvalidArgument() {
    auto h = start();
    auto zero = reserve(*h, request("k1", {line("p-1", 1), line("p-2", 0)}));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument"), codeOf(zero));
    CPPUNIT_ASSERT_EQUAL(std::string("/lines/1/quantity: must be > 0"), zero.error().message);
    auto no_product = reserve(*h, request("k1", {line("", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("/lines/0/productId: must not be empty"), no_product.error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument"), codeOf(reserve(*h, request("", {line("p-1", 1)}))));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument"), codeOf(reserve(*h, request("k2", {line("p-1", 1)}, ""))));
    auto nobody = commit(*h, refFor("", "", {line("p-1", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument"), codeOf(nobody));
    CPPUNIT_ASSERT(h->host().requests().empty());
  }

  void missingOrEmptyTokenFailsCreate() {
    PluginHarness missing(orders_plugin_descriptor_v1());
    const Status s = missing.create(configWith("{}"), "inventory"); // no secret on the host
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT(s.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("token_secret: cannot resolve secret 'INVENTORY_INTERNAL_API_TOKEN': no secret "
                                     "named INVENTORY_INTERNAL_API_TOKEN"),
                         s.error().message);
    CPPUNIT_ASSERT(missing.instance() == nullptr);

    PluginHarness empty(orders_plugin_descriptor_v1());
    empty.host().setSecret("ops_token", "");
    const Status e = empty.create(configWith(R"({"token_secret":"ops_token"})"), "inventory");
    CPPUNIT_ASSERT(!e.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("token_secret: secret 'ops_token' is empty"), e.error().message);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(InventoryServiceTest);
