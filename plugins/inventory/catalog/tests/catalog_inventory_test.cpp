// inventory/catalog through its C ABI on a FakeHost: every request checked
// (method, URL, headers, JSON body), Catalog replies scripted.
#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orders/sdk/testing/plugin_harness.hpp"
#include "orders_inventory_catalog_config_schema.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kBase = "http://catalog.test:8000";
const std::string kReserveUrl = kBase + "/catalog/v1/inventory/reserve";
const std::string kCommitUrl = kBase + "/catalog/v1/inventory/commit";
const std::string kReleaseUrl = kBase + "/catalog/v1/inventory/release";
const std::string kKey = "k3y-never-logged";

// What the host would pass: the schema's defaults, base_url and the secret
// name, then `overrides` (a JSON object).
std::string configWith(const std::string &overrides) {
  const Json::Value schema = parseJson(kConfigSchema);
  const Json::Value &properties = schema["properties"];
  Json::Value config(Json::objectValue);
  for (const std::string &key : properties.getMemberNames())
    if (properties[key].isMember("default")) config[key] = properties[key]["default"];
  config["base_url"] = kBase + "/"; // the trailing slash is dropped
  config["internal_key_secret"] = "CATALOG_KEY";
  const Json::Value extra = parseJson(overrides);
  for (const std::string &key : extra.getMemberNames())
    config[key] = extra[key];
  return writeJson(config);
}

std::unique_ptr<PluginHarness> start(const std::string &overrides = "{}") {
  auto h = std::make_unique<PluginHarness>(orders_plugin_descriptor_v1());
  h->host().setSecret("CATALOG_KEY", kKey);
  const Status created = h->create(configWith(overrides), "cat");
  CPPUNIT_ASSERT_MESSAGE(created.ok() ? "" : created.error().message, created.ok());
  return h;
}

StockLine line(const std::string &product, int64_t quantity, std::optional<std::string> variant = std::nullopt) {
  StockLine l;
  l.productId = product;
  l.variantId = std::move(variant);
  l.quantity = quantity;
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

// One POST to `url` with the key, JSON content type, `idempotency_key` and `body`.
void assertPost(const HttpRequest &sent, const std::string &url, const std::string &idempotency_key,
                const std::string &body) {
  CPPUNIT_ASSERT_EQUAL(std::string("POST"), sent.method);
  CPPUNIT_ASSERT_EQUAL(url, sent.url);
  CPPUNIT_ASSERT_EQUAL(kKey, header(sent, "X-Internal-Key"));
  CPPUNIT_ASSERT_EQUAL(std::string("application/json"), header(sent, "Content-Type"));
  CPPUNIT_ASSERT_EQUAL(idempotency_key, header(sent, "Idempotency-Key"));
  CPPUNIT_ASSERT(!sent.idempotent); // POSTs are never retried by the host's HTTP client
  CPPUNIT_ASSERT_EQUAL(parseJson(body), parseJson(sent.body));
}

} // namespace

class CatalogInventoryTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CatalogInventoryTest);
  CPPUNIT_TEST(reserveSendsOrderAndLines);
  CPPUNIT_TEST(sameIdempotencyKeyAsksTheCatalogOnce);
  CPPUNIT_TEST(conflictStatusIsOutOfStockNamingTheProduct);
  CPPUNIT_TEST(bodyFlagMeansOutOfStock);
  CPPUNIT_TEST(malformedReplyNamesThePointer);
  CPPUNIT_TEST(serverErrorIsUnavailable);
  CPPUNIT_TEST(transportErrorsKeepTheirCode);
  CPPUNIT_TEST(otherClientErrorsAreRejected);
  CPPUNIT_TEST(commitAndReleaseRebuildTheBody);
  CPPUNIT_TEST(commitRefusedForStockIsConflict);
  CPPUNIT_TEST(emptyReleasePathSkipsTheCall);
  CPPUNIT_TEST(restockPostsThePathOrIsUnsupportedWithoutOne);
  CPPUNIT_TEST(badRequestsAreInvalidArgument);
  CPPUNIT_TEST(missingSecretFailsCreate);
  CPPUNIT_TEST_SUITE_END();

public:
  void reserveSendsOrderAndLines() {
    auto h = start(R"({"timeout_ms":1500})");
    h->host().onHttp("POST", kReserveUrl, reply(200, R"({"ok":true})"));
    auto out = reserve(*h, request("checkout:c-1:order:o-1", {line("sku-mug", 2), line("sku-tee", 1, "red")}));
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT(out->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("o-1"), out->reservationId.value());
    CPPUNIT_ASSERT(out->shortages.empty());
    const auto sent = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), sent.size());
    assertPost(sent[0], kReserveUrl, "checkout:c-1:order:o-1",
               R"({"order_id":"o-1","items":[{"product_id":"sku-mug","qty":2},
                   {"product_id":"sku-tee","variant_id":"red","qty":1}]})");
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), header(sent[0], "Accept"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), sent[0].timeoutMs.value());
    for (const auto &logged : h->host().logs())
      CPPUNIT_ASSERT_MESSAGE(logged.message, !contains(logged.message, kKey));
  }

  void sameIdempotencyKeyAsksTheCatalogOnce() {
    auto h = start();
    h->host().onHttp("POST", kReserveUrl, reply(200, "{}"));
    auto first = reserve(*h, request("k1", {line("sku-mug", 2)}));
    CPPUNIT_ASSERT_MESSAGE(why(first), first.ok());
    auto again = reserve(*h, request("k1", {line("sku-mug", 2)}));
    CPPUNIT_ASSERT_MESSAGE(why(again), again.ok());
    CPPUNIT_ASSERT(again->reserved);
    CPPUNIT_ASSERT_EQUAL(first->reservationId.value(), again->reservationId.value());
    CPPUNIT_ASSERT_EQUAL(size_t(1), h->host().requests().size());
    CPPUNIT_ASSERT(reserve(*h, request("k2", {line("sku-mug", 1)}, "o-2")).ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), h->host().requests().size()); // another key is another reservation
  }

  void conflictStatusIsOutOfStockNamingTheProduct() {
    auto h = start();
    h->host().onHttp("POST", kReserveUrl, reply(409, R"({"detail":"insufficient stock","product_id":"sku-tee"})"));
    h->host().thenHttp(reply(409, "out of stock"));
    auto out = reserve(*h, request("k1", {line("sku-mug", 2), line("sku-tee", 3, "red")}));
    CPPUNIT_ASSERT_MESSAGE(why(out), out.ok());
    CPPUNIT_ASSERT(!out->reserved);
    CPPUNIT_ASSERT(!out->reservationId.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t(1), out->shortages.size());
    CPPUNIT_ASSERT_EQUAL(std::string("sku-tee"), out->shortages[0].productId);
    CPPUNIT_ASSERT_EQUAL(std::string("red"), out->shortages[0].variantId.value());
    CPPUNIT_ASSERT_EQUAL(int64_t(3), out->shortages[0].requested);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), out->shortages[0].available);

    auto unnamed = reserve(*h, request("k2", {line("sku-mug", 2), line("sku-tee", 3)}));
    CPPUNIT_ASSERT_MESSAGE(why(unnamed), unnamed.ok());
    CPPUNIT_ASSERT(!unnamed->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("sku-mug"), unnamed->shortages.at(0).productId); // the first line
    CPPUNIT_ASSERT_EQUAL(int64_t(2), unnamed->shortages.at(0).requested);
  }

  void bodyFlagMeansOutOfStock() {
    auto h = start(R"({"out_of_stock_pointer":"/ok","out_of_stock_value":false,"numeric_ids":true})");
    h->host().onHttp("POST", kReserveUrl, reply(200, R"({"ok":false,"product_id":8})"));
    h->host().thenHttp(reply(422, R"({"ok":false})"));
    h->host().thenHttp(reply(200, R"({"ok":true})"));
    auto flagged = reserve(*h, request("k1", {line("7", 2), line("8", 1)}, "123"));
    CPPUNIT_ASSERT_MESSAGE(why(flagged), flagged.ok());
    CPPUNIT_ASSERT(!flagged->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("8"), flagged->shortages.at(0).productId);
    CPPUNIT_ASSERT_EQUAL(int64_t(1), flagged->shortages.at(0).requested);
    assertPost(h->host().requests().at(0), kReserveUrl, "k1",
               R"({"order_id":123,"items":[{"product_id":7,"qty":2},{"product_id":8,"qty":1}]})");

    auto client_error = reserve(*h, request("k2", {line("7", 2)}, "123"));
    CPPUNIT_ASSERT_MESSAGE(why(client_error), client_error.ok());
    CPPUNIT_ASSERT(!client_error->reserved);
    CPPUNIT_ASSERT_EQUAL(std::string("7"), client_error->shortages.at(0).productId);

    auto granted = reserve(*h, request("k3", {line("sku-007", 1)}, "o-3"));
    CPPUNIT_ASSERT_MESSAGE(why(granted), granted.ok());
    CPPUNIT_ASSERT(granted->reserved);
    assertPost(h->host().requests().at(2), kReserveUrl, "k3",
               R"({"order_id":"o-3","items":[{"product_id":"sku-007","qty":1}]})"); // not numbers: strings
  }

  void malformedReplyNamesThePointer() {
    auto h = start(R"({"out_of_stock_pointer":"/ok"})");
    h->host().onHttp("POST", kReserveUrl, reply(200, R"({"ok": tru)"));
    auto out = reserve(*h, request("k1", {line("sku-mug", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), codeOf(out));
    CPPUNIT_ASSERT(!out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "catalog reserve: "));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "/ok (out_of_stock_pointer)"));
  }

  void serverErrorIsUnavailable() {
    auto h = start();
    h->host().onHttp("POST", kReserveUrl, reply(503, "upstream down\n"));
    auto out = reserve(*h, request("k1", {line("sku-mug", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), codeOf(out));
    CPPUNIT_ASSERT(out.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("catalog reserve: the Catalog answered HTTP 503: upstream down "),
                         out.error().message);
    CPPUNIT_ASSERT(reserve(*h, request("k1", {line("sku-mug", 1)})).error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT_EQUAL(size_t(2), h->host().requests().size()); // failures are not remembered
  }

  void transportErrorsKeepTheirCode() {
    auto h = start();
    h->host().onHttpError("POST", kReserveUrl, timeoutError("POST " + kReserveUrl + ": no answer within 300 ms"));
    h->host().onHttpError("POST", kCommitUrl, unavailable("POST " + kCommitUrl + ": connection refused"));
    auto slow = reserve(*h, request("k1", {line("sku-mug", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("timeout"), codeOf(slow));
    CPPUNIT_ASSERT(slow.error().retryable);
    CPPUNIT_ASSERT_EQUAL("catalog reserve: POST " + kReserveUrl + ": no answer within 300 ms", slow.error().message);
    auto down = commit(*h, refFor("o-1", "o-1", {line("sku-mug", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), codeOf(down));
    CPPUNIT_ASSERT(down.error().retryable);
    CPPUNIT_ASSERT_EQUAL("catalog commit: POST " + kCommitUrl + ": connection refused", down.error().message);
  }

  void otherClientErrorsAreRejected() {
    auto h = start();
    h->host().onHttp("POST", kReserveUrl, reply(422, R"({"detail":"qty must be positive"})"));
    h->host().thenHttp(reply(400, std::string(300, 'x')));
    h->host().thenHttp(reply(429, "slow down"));
    auto bad = reserve(*h, request("k1", {line("sku-mug", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), codeOf(bad));
    CPPUNIT_ASSERT(!bad.error().retryable);
    CPPUNIT_ASSERT_EQUAL(
        std::string(R"(catalog reserve: the Catalog answered HTTP 422: {"detail":"qty must be positive"})"),
        bad.error().message);
    auto long_body = reserve(*h, request("k2", {line("sku-mug", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), codeOf(long_body));
    CPPUNIT_ASSERT_EQUAL("catalog reserve: the Catalog answered HTTP 400: " + std::string(200, 'x') + "...",
                         long_body.error().message);
    auto throttled = reserve(*h, request("k3", {line("sku-mug", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), codeOf(throttled)); // 429: try again later
  }

  void commitAndReleaseRebuildTheBody() {
    auto h = start();
    h->host().onHttp("POST", kCommitUrl, reply(200, "{}"));
    h->host().onHttp("POST", kReleaseUrl, reply(204, ""));
    auto committed = commit(*h, refFor("o-9", "o-9", {line("sku-mug", 2), line("sku-tee", 1, "red")}));
    CPPUNIT_ASSERT_MESSAGE(why(committed), committed.ok());
    // Crash recovery knows the order and its lines but not the reservation id.
    auto released = release(*h, refFor("", "o-8", {line("sku-beans", 4)}));
    CPPUNIT_ASSERT_MESSAGE(why(released), released.ok());
    const auto sent = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(2), sent.size());
    assertPost(sent[0], kCommitUrl, "commit:o-9",
               R"({"order_id":"o-9","items":[{"product_id":"sku-mug","qty":2},
                   {"product_id":"sku-tee","variant_id":"red","qty":1}]})");
    assertPost(sent[1], kReleaseUrl, "release:o-8",
               R"({"order_id":"o-8","items":[{"product_id":"sku-beans","qty":4}]})");
  }

  void commitRefusedForStockIsConflict() {
    auto h = start();
    h->host().onHttp("POST", kCommitUrl, reply(409, R"({"detail":"reservation expired"})"));
    auto out = commit(*h, refFor("o-1", "o-1", {line("sku-mug", 1)}));
    CPPUNIT_ASSERT_EQUAL(std::string("conflict"), codeOf(out));
    CPPUNIT_ASSERT(!out.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "HTTP 409"));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "reservation expired"));
  }

  // ABI 1.3: units of a paid order that was cancelled go back on sale.
  void restockPostsThePathOrIsUnsupportedWithoutOne() {
    auto none = start();
    CPPUNIT_ASSERT_EQUAL(uint32_t(ORDERS_INVENTORY_CAN_RELEASE | ORDERS_INVENTORY_CAN_RESTOCK),
                         none->table<orders_inventory_v1_t>()->capabilities);
    RestockRequest req{"o-9", "o-9", "restock:r-1", {line("sku-mug", 2)}};
    auto refused = restock(*none, req);
    CPPUNIT_ASSERT_EQUAL(std::string("unsupported"), codeOf(refused)); // the host flags a manual restock
    CPPUNIT_ASSERT(!refused.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, contains(refused.error().message, "restock_path is empty"));
    CPPUNIT_ASSERT(none->host().requests().empty());

    auto h = start(R"({"restock_path":"/catalog/v1/inventory/restock"})");
    const std::string url = kBase + "/catalog/v1/inventory/restock";
    h->host().onHttp("POST", url, reply(200, "{}"));
    auto done = restock(*h, req);
    CPPUNIT_ASSERT_MESSAGE(why(done), done.ok());
    const auto sent = h->host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), sent.size());
    assertPost(sent[0], url, "restock:o-9", R"({"order_id":"o-9","items":[{"product_id":"sku-mug","qty":2}]})");
  }

  void emptyReleasePathSkipsTheCall() {
    auto h = start(R"({"release_path":""})");

    auto out = release(*h, refFor("o-1", "o-1", {line("sku-mug", 1)}));
    CPPUNIT_ASSERT(!out.ok()); // never "released" while the Catalog still holds the units
    CPPUNIT_ASSERT_EQUAL(std::string("unsupported"), codeOf(out));
    CPPUNIT_ASSERT(!out.error().retryable);
    CPPUNIT_ASSERT(h->host().requests().empty());
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "release_path is empty"));
    CPPUNIT_ASSERT_MESSAGE(out.error().message, contains(out.error().message, "o-1"));
  }

  void badRequestsAreInvalidArgument() {
    auto h = start();
    auto zero = reserve(*h, request("k1", {line("sku-mug", 1), line("sku-tee", 0)}));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument"), codeOf(zero));
    CPPUNIT_ASSERT_EQUAL(std::string("/lines/1/quantity: must be > 0"), zero.error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument"), codeOf(reserve(*h, request("", {line("sku-mug", 1)}))));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument"), codeOf(reserve(*h, request("k2", {line("sku-mug", 1)}, ""))));
    auto no_lines = commit(*h, refFor("o-1", "o-1", {}));
    CPPUNIT_ASSERT_EQUAL(std::string("/lines: at least one line is required"), no_lines.error().message);
    CPPUNIT_ASSERT(h->host().requests().empty());
  }

  void missingSecretFailsCreate() {
    PluginHarness h(orders_plugin_descriptor_v1());
    const Status s = h.create(configWith("{}"), "cat"); // no secret named CATALOG_KEY on the host
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT(s.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(
        std::string("internal_key_secret: cannot resolve secret 'CATALOG_KEY': no secret named CATALOG_KEY"),
        s.error().message);
    CPPUNIT_ASSERT(h.instance() == nullptr);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CatalogInventoryTest);
