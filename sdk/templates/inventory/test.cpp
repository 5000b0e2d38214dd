// inventory/@NAME@ on the SDK's FakeHost, through its C ABI (the descriptor
// ORDERS_PLUGIN exported, linked into this test). No sockets, no server.
// h.inventory() calls each slot as the host does. FakeHost answers the first
// rule whose URL prefix matches: script /v1/reservations/{id}/... before
// /v1/reservations when one test needs both.
#include <string>

#include "orders/sdk/testing/check.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::check;
using orders::sdk::testing::checkSummary;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kReservations = "https://stock.test/v1/reservations";

void create(PluginHarness &h) {
  h.host().setSecret("api_key", "sk_test");
  const Status s = h.createWithDefaults(R"({"base_url":"https://stock.test/","api_key_secret":"api_key"})");
  check(s.ok(), "create: " + (s.ok() ? std::string("ok") : s.error().message));
}

// A request header as sent, or "" when absent.
std::string header(const HttpRequest &r, const std::string &name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

ReserveRequest reservation() {
  ReserveRequest r;
  r.reference = "o-1";
  r.idempotencyKey = "reserve:o-1";
  r.ttlSeconds = 900;
  StockLine mug;
  mug.productId = "sku-1";
  mug.quantity = 2;
  r.lines.push_back(mug);
  StockLine shirt;
  shirt.productId = "sku-2";
  shirt.variantId = "L";
  shirt.quantity = 1;
  r.lines.push_back(shirt);
  return r;
}

ReservationRef held() {
  ReservationRef r;
  r.reservationId = "res_1";
  r.reference = "o-1";
  r.lines = reservation().lines;
  return r;
}

void declaresItsCapabilities() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  check(h.table<orders_inventory_v1_t>()->capabilities == ORDERS_INVENTORY_CAN_RELEASE,
        "capabilities: release, no restock, not three-phase");
  RestockRequest back;
  back.reservationId = "res_1";
  back.reference = "o-1";
  back.idempotencyKey = "restock:1";
  auto r = h.inventory().restock(back);
  check(!r.ok() && r.error().code == ErrorCode::unsupported && h.host().requests().empty(),
        "restock is not offered (unsupported, nothing sent)");
}

void reservesWithTheHostsKey() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("POST", kReservations,
                  HttpResponse{201, {}, R"({"id":"res_1","status":"held","expires_at":"2026-09-21T13:48:20Z"})"});
  auto r = h.inventory().reserve(reservation());
  check(r.ok() && r->reserved && r->reservationId == "res_1" && r->expiresAt == "2026-09-21T13:48:20Z" &&
            r->shortages.empty(),
        "a held reservation res_1 with its expiry");
  const auto sent = h.host().requests();
  check(sent.size() == 1 && sent[0].url == kReservations && header(sent[0], "Idempotency-Key") == "reserve:o-1",
        "the host's idempotency key goes out as Idempotency-Key");
  check(sent.size() == 1 && header(sent[0], "Authorization") == "Bearer sk_test", "the API key is a Bearer token");
  const Json::Value body = sent.size() == 1 ? parseJson(sent[0].body) : Json::Value();
  check(body["reference"].asString() == "o-1" && body["ttl_seconds"].asInt64() == 900 &&
            body["items"][0]["sku"].asString() == "sku-1" && body["items"][0]["quantity"].asInt64() == 2 &&
            body["items"][1]["variant"].asString() == "L",
        "the reference, ttl and items are sent");
}

void shortageIsAnOutcomeNotAnError() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("POST", kReservations,
                  HttpResponse{409, {}, R"({"error":"insufficient_stock","shortages":[)"
                                        R"({"sku":"sku-2","variant":"L","requested":1,"available":0}]})"});
  auto r = h.inventory().reserve(reservation());
  check(r.ok() && !r->reserved && !r->reservationId && r->shortages.size() == 1 &&
            r->shortages[0].productId == "sku-2" && r->shortages[0].variantId == "L" &&
            r->shortages[0].requested == 1 && r->shortages[0].available == 0,
        "a 409 with shortages is reserved=false with them, not an error");

  PluginHarness reused(orders_plugin_descriptor_v1());
  create(reused);
  reused.host().onHttp("POST", kReservations,
                       HttpResponse{409, {}, R"({"error":"idempotency key reused with another body"})"});
  auto conflicting = reused.inventory().reserve(reservation());
  check(!conflicting.ok() && conflicting.error().code == ErrorCode::conflict && !conflicting.error().retryable,
        "a 409 without shortages is a conflict error");
}

void commitsAndReleases() {
  PluginHarness h(orders_plugin_descriptor_v1());
  create(h);
  h.host().onHttp("POST", kReservations + "/res_1/commit", HttpResponse{200, {}, R"({"id":"res_1"})"});
  h.host().onHttp("POST", kReservations + "/res_1/release", HttpResponse{200, {}, R"({"id":"res_1"})"});
  auto committed = h.inventory().commit(held());
  check(committed.ok(), "a commit is done");
  auto released = h.inventory().release(held());
  check(released.ok(), "a release is done");
  const auto sent = h.host().requests();
  check(sent.size() == 2 && header(sent[0], "Idempotency-Key") == "commit:res_1" &&
            header(sent[1], "Idempotency-Key") == "release:res_1",
        "commit and release are keyed by the reservation");

  PluginHarness sold(orders_plugin_descriptor_v1());
  create(sold);
  sold.host().onHttp("POST", kReservations + "/res_1/release",
                     HttpResponse{409, {}, R"({"error":"already committed"})"});
  auto refused = sold.inventory().release(held());
  check(!refused.ok() && refused.error().code == ErrorCode::conflict && !refused.error().retryable,
        "releasing a committed reservation is a final conflict");

  PluginHarness expired(orders_plugin_descriptor_v1());
  create(expired);
  expired.host().onHttp("POST", kReservations + "/res_1/release", HttpResponse{404, {}, "no such reservation"});
  auto gone = expired.inventory().release(held());
  check(gone.ok(), "a release answered 404 (expired, nothing held) is done");

  ReservationRef nameless = held();
  nameless.reservationId.clear();
  auto bad = h.inventory().commit(nameless);
  check(!bad.ok() && bad.error().code == ErrorCode::invalid_argument, "a commit without a reservation id is refused");
}

void outageIsRetryableAndRefusalIsFinal() {
  PluginHarness down(orders_plugin_descriptor_v1());
  create(down);
  down.host().onHttp("POST", kReservations, HttpResponse{503, {}, "busy"});
  auto outage = down.inventory().reserve(reservation());
  check(!outage.ok() && outage.error().retryable, "a 503 is a retryable error");

  PluginHarness cut(orders_plugin_descriptor_v1());
  create(cut);
  cut.host().onHttpError("POST", kReservations, unavailable("connection refused"));
  auto unreachable = cut.inventory().reserve(reservation());
  check(!unreachable.ok() && unreachable.error().retryable, "a transport failure stays retryable");

  PluginHarness refused(orders_plugin_descriptor_v1());
  create(refused);
  refused.host().onHttp("POST", kReservations, HttpResponse{400, {}, R"({"error":"unknown sku"})"});
  auto bad = refused.inventory().reserve(reservation());
  check(!bad.ok() && !bad.error().retryable && bad.error().code == ErrorCode::invalid_argument,
        "a 400 is a final invalid_argument");

  PluginHarness garbled(orders_plugin_descriptor_v1());
  create(garbled);
  garbled.host().onHttp("POST", kReservations, HttpResponse{200, {}, "<html>oops</html>"});
  auto unreadable = garbled.inventory().reserve(reservation());
  check(!unreadable.ok(), "an answer that is not JSON is an error");

  PluginHarness anonymous(orders_plugin_descriptor_v1());
  create(anonymous);
  anonymous.host().onHttp("POST", kReservations, HttpResponse{201, {}, R"({"status":"held"})"});
  auto idless = anonymous.inventory().reserve(reservation());
  check(!idless.ok(), "a reservation answered without an id is an error");

  ReserveRequest empty = reservation();
  empty.lines.clear();
  auto nothing = down.inventory().reserve(empty);
  check(!nothing.ok() && nothing.error().code == ErrorCode::invalid_argument, "a reserve without lines is refused");
}

} // namespace

int main() {
  declaresItsCapabilities();
  reservesWithTheHostsKey();
  shortageIsAnOutcomeNotAnError();
  commitsAndReleases();
  outageIsRetryableAndRefusalIsFinal();
  return checkSummary();
}
