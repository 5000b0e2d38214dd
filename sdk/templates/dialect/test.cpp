// dialect/@NAME@ on the SDK's FakeHost, through its C ABI: the core's
// answers are scripted (FakeHost::onCore), the dialect's are checked in the
// replaced service's words.
#include <string>

#include "orders/sdk/testing/check.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::check;
using orders::sdk::testing::checkSummary;
using orders::sdk::testing::dialectRequest;
using orders::sdk::testing::PluginHarness;

namespace {

const char *kOrder = R"({"id":"o-1","orderNumber":"ORD-1","status":"awaiting_payment","totalMinor":1999,)"
                     R"("currency":"USD","items":[]})";
const char *kCancelled = R"({"id":"o-1","orderNumber":"ORD-1","status":"cancelled","totalMinor":1999,)"
                         R"("currency":"USD","items":[]})";

CoreAnswer answer(int64_t status, const std::string &body) {
  CoreAnswer a;
  a.status = status;
  a.headers["content-type"] = status < 400 ? "application/json" : "application/problem+json";
  a.body = body;
  return a;
}

DialectRequest request(const std::string &method, const std::string &route, const std::string &id) {
  DialectRequest r = dialectRequest(method, route, CallerPrincipal{"u-1", "buyer", {}, {}, "gateway"});
  r.params["id"] = id;
  r.path = "/orders/" + id + (route.find("cancel") != std::string::npos ? "/cancel" : "");
  return r;
}

void readsAnOrderInItsOwnWords() {
  PluginHarness h(orders_plugin_descriptor_v1());
  const Status s = h.createWithDefaults();
  check(s.ok(), "create: " + (s.ok() ? std::string("ok") : s.error().message));
  h.host().onCore("get", answer(200, kOrder));
  auto r = h.call<DialectResponse>(h.table<orders_dialect_v1_t>()->handle, request("GET", "/orders/:id", "o-1"));
  check(r.ok() && r->status == 200, "GET /orders/o-1 answers 200");
  const Json::Value order = r.ok() ? parseJson(r->body)["order"] : Json::Value();
  check(order["state"] == "PENDING_PAYMENT", "the status in the replaced service's word");
  check(order["total"] == "19.99" && order["currency"] == "USD", "the total in major units, exactly");
  const auto calls = h.host().coreCalls();
  check(calls.size() == 1 && calls[0].first.op == "get" && calls[0].first.params.at("id") == "o-1" &&
            calls[0].first.call == "c-1",
        "one core get for the request's call id");
}

void errorsInItsOwnWords() {
  PluginHarness h(orders_plugin_descriptor_v1());
  check(h.createWithDefaults().ok(), "create with the defaults");
  const orders_dialect_v1_t *t = h.table<orders_dialect_v1_t>();
  h.host().onCore("get", answer(404, R"({"code":"not_found","detail":"order o-9 not found"})"));
  auto missing = h.call<DialectResponse>(t->handle, request("GET", "/orders/:id", "o-9"));
  check(missing.ok() && missing->status == 404 && parseJson(missing->body)["error"]["code"] == "NOT_FOUND",
        "a missing order is NOT_FOUND");
  auto anonymous = request("GET", "/orders/:id", "o-1");
  anonymous.principal.reset();
  anonymous.authError = "credentials required";
  auto refused = h.call<DialectResponse>(t->handle, anonymous);
  check(refused.ok() && refused->status == 401, "no credentials: 401 in its words");
  auto garbage = h.call<DialectResponse>(t->handle, request("POST", "/orders/:id/cancel", "o-1"), "{not json");
  check(garbage.ok() && garbage->status == 400, "a body that is not JSON: 400");
}

void cancelsWithTheClientsKey() {
  PluginHarness h(orders_plugin_descriptor_v1());
  check(h.createWithDefaults(R"({"status_words":{"cancelled":"VOIDED"}})").ok(), "create with status words");
  h.host().onCore("cancel", answer(200, kCancelled));
  auto r = request("POST", "/orders/:id/cancel", "o-1");
  r.headers["idempotency-key"] = "k-1";
  auto done = h.call<DialectResponse>(h.table<orders_dialect_v1_t>()->handle, r, R"({"reason":"changed my mind"})");
  check(done.ok() && parseJson(done->body)["order"]["state"] == "VOIDED", "a configured status word");
  const auto calls = h.host().coreCalls();
  check(calls.size() == 1 && calls[0].first.headers.count("idempotency-key") == 1 &&
            calls[0].first.headers.at("idempotency-key") == "k-1",
        "the client's Idempotency-Key reaches the core");
  check(calls.size() == 1 && parseJson(calls[0].second)["reason"] == "changed my mind", "the reason is passed on");
}

} // namespace

int main() {
  readsAnOrderInItsOwnWords();
  errorsInItsOwnWords();
  cancelsWithTheClientsKey();
  return checkSummary();
}
