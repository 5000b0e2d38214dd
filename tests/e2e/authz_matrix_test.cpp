// Authorization matrix: every route the server mounts (read from
// `order-service --list-routes`, so a new route without a rule here fails)
// x every kind of caller x own / someone else's order. Each (route, caller)
// is tried on an order of its own, so a call that changes an order cannot
// change what the next call sees.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "orders/sdk/json.hpp"
#include "reliability_row.hpp"
#include "server_process.hpp"

using namespace orders::e2e;

namespace {

enum class Caller { none, buyer_owner, buyer_other, seller_owner, seller_other, admin, internal };
const Caller kCallers[] = {Caller::none,         Caller::buyer_owner, Caller::buyer_other, Caller::seller_owner,
                           Caller::seller_other, Caller::admin,       Caller::internal};

const char *name(Caller c) {
  switch (c) {
  case Caller::none: return "no credentials";
  case Caller::buyer_owner: return "the buyer who owns the order";
  case Caller::buyer_other: return "another buyer";
  case Caller::seller_owner: return "the order's seller";
  case Caller::seller_other: return "another seller";
  case Caller::admin: return "an admin";
  case Caller::internal: return "an internal service";
  }
  return "?";
}

// Who may use a route. `pub`: anyone, credentials or not; `provider`: only
// the provider (a webhook secret none of these callers has).
struct Rule {
  bool pub = false;
  bool provider = false;
  std::set<Caller> allowed;
};

using C = Caller;
const std::set<Caller> kAuthenticated = {C::buyer_owner,  C::buyer_other, C::seller_owner,
                                         C::seller_other, C::admin,       C::internal};
const std::set<Caller> kOrderReaders = {C::buyer_owner, C::seller_owner, C::admin, C::internal};

const std::map<std::string, Rule> kRules = {
    {"GET /health", {true, false, {}}},
    {"GET /health/ready", {true, false, {}}},
    {"GET /v1/_info", {true, false, {}}},
    {"GET /metrics", {true, false, {}}},
    {"GET /api-docs", {true, false, {}}},
    {"GET /api-docs/openapi.yaml", {true, false, {}}},
    {"GET /api-docs/openapi.json", {true, false, {}}},
    {"GET /api-docs/redoc.standalone.js", {true, false, {}}},
    {"POST /hooks/payment/:instance", {false, true, {}}},
    {"POST /hooks/shipping/:instance", {false, true, {}}},
    {"POST /api/orders", {false, false, {C::buyer_owner, C::buyer_other, C::admin}}},
    {"GET /api/orders", {false, false, kAuthenticated}},
    {"GET /api/orders/:id", {false, false, kOrderReaders}},
    {"GET /api/orders/number/:orderNumber", {false, false, kOrderReaders}},
    {"GET /api/orders/:id/history", {false, false, kOrderReaders}},
    {"GET /api/orders/:id/invoice", {false, false, {C::buyer_owner, C::admin}}},
    {"POST /api/orders/:id/payment", {false, false, {C::buyer_owner, C::admin}}},
    // An internal service may cancel (a seed's saga does); sellers may not.
    {"POST /api/orders/:id/cancel", {false, false, {C::buyer_owner, C::admin, C::internal}}},
    {"PUT /api/orders/:id/status", {false, false, {C::admin, C::internal}}},
    {"PUT /api/orders/:id/shipping-cost", {false, false, {C::admin, C::internal}}},
    {"POST /internal/orders", {false, false, {C::admin, C::internal}}},
    {"GET /api/admin/orders", {false, false, {C::admin}}},
    {"GET /api/admin/orders/:id", {false, false, {C::admin}}},
    {"PUT /api/admin/orders/:id/status", {false, false, {C::admin}}},
    {"GET /api/admin/outbox", {false, false, {C::admin}}},
    {"POST /api/admin/reload", {false, false, {C::admin}}},
};

std::string replaceAll(std::string s, const std::string &from, const std::string &to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

} // namespace

class AuthzMatrixTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AuthzMatrixTest);
  CPPUNIT_TEST(everyRouteEveryCallerOwnAndOthersOrders);
  CPPUNIT_TEST_SUITE_END();

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<ServerProcess> server_;

  Reply call(Caller c, const std::string &method, const std::string &path, const std::string &body) {
    switch (c) {
    case Caller::none: return server_->request(method, path, body, {{"content-type", "application/json"}});
    case Caller::buyer_owner: return server_->as("u1", "buyer", method, path, body);
    case Caller::buyer_other: return server_->as("u2", "buyer", method, path, body);
    case Caller::seller_owner: return server_->as("s1", "seller", method, path, body);
    case Caller::seller_other: return server_->as("s2", "seller", method, path, body);
    case Caller::admin: return server_->as("ops", "admin", method, path, body);
    case Caller::internal:
      return server_->request(method, path, body,
                              {{"x-internal-token", "test-internal-token"}, {"content-type", "application/json"}});
    }
    return {};
  }

  std::vector<std::string> routes() {
    const std::string command =
        std::string(ORDERS_SERVER_BINARY) + " --list-routes --config '" + server_->configPath() + "'";
    FILE *p = ::popen(command.c_str(), "r");
    CPPUNIT_ASSERT(p != nullptr);
    std::string out;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
      out.append(buf, n);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, ::pclose(p));
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("GET /", 0) == 0 || line.rfind("POST /", 0) == 0 || line.rfind("PUT /", 0) == 0 ||
          line.rfind("PATCH /", 0) == 0 || line.rfind("DELETE /", 0) == 0 || line.rfind("HEAD /", 0) == 0)
        lines.push_back(line); // the routes; the start-up log lines are JSON
    return lines;
  }

public:
  void setUp() override {
    db_ = std::make_unique<TestDatabase>(Engine::sqlite);
    ServerOptions o;
    o.stock_mug = 10000;
    server_ = std::make_unique<ServerProcess>(*db_, o);
    CPPUNIT_ASSERT_MESSAGE(server_->log(), server_->waitReady());
  }
  void tearDown() override {
    server_.reset();
    db_.reset();
  }

  void everyRouteEveryCallerOwnAndOthersOrders() {
    const std::vector<std::string> mounted = routes();
    CPPUNIT_ASSERT_MESSAGE("--list-routes printed no routes", mounted.size() >= 10);
    std::string failures;
    int tried = 0, wrong = 0, answered_5xx = 0;
    for (const std::string &route : mounted) {
      const auto rule = kRules.find(route);
      if (rule == kRules.end()) {
        failures += "  " + route + ": no rule in the authorization matrix (tests/e2e/authz_matrix_test.cpp)\n";
        ++wrong;
        continue;
      }
      const std::string method = route.substr(0, route.find(' '));
      const std::string pattern = route.substr(route.find(' ') + 1);
      const bool on_order =
          pattern.find(":id") != std::string::npos || pattern.find(":orderNumber") != std::string::npos;
      for (Caller c : kCallers) {
        std::string path = pattern;
        if (on_order) { // a fresh order of u1's with a product of seller s1
          Reply made = server_->as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
          CPPUNIT_ASSERT_EQUAL_MESSAGE(made.body, 201, made.status);
          const Json::Value order = made.json()["orders"][0];
          path = replaceAll(path, ":id", order["id"].asString());
          path = replaceAll(path, ":orderNumber", order["orderNumber"].asString());
        }
        path = replaceAll(path, "/hooks/payment/:instance", "/hooks/payment/manual");
        path = replaceAll(path, "/hooks/shipping/:instance", "/hooks/shipping/ship");
        std::string body;
        if (pattern == "/api/orders" && method == "POST") body = checkoutBody({{"sku-mug", 1}});
        if (pattern == "/internal/orders") {
          Json::Value b = orders::sdk::parseJson(checkoutBody({{"sku-mug", 1}}));
          b["userId"] = "u1";
          body = orders::sdk::writeJson(b);
        }
        if (pattern.find("/status") != std::string::npos) body = R"({"newStatus":"processing"})";
        if (pattern.find("/shipping-cost") != std::string::npos) body = R"({"shippingMinor":500})";
        if (pattern.rfind("/hooks/", 0) == 0) body = "{}";
        const Reply r = call(c, method, path, body);
        ++tried;
        const int s = r.status;
        const bool denied = s == 401 || s == 403 || (on_order && s == 404);
        std::string problem;
        if (s == 0 || (s >= 500 && s != 501)) // 501: no invoice plugin here, past the authorization
          problem = "answered " + std::to_string(s);
        else if (rule->second.pub)
          problem = denied ? "a public route refused" : "";
        else if (rule->second.provider)
          problem = (s == 401 || s == 403) ? "" : "a provider route accepted a caller without the webhook secret";
        else if (c == Caller::none)
          problem = s == 401 ? "" : "no credentials, expected 401";
        else if (rule->second.allowed.count(c) != 0)
          problem = denied ? "refused a caller the matrix allows" : "";
        else
          problem = denied ? "" : "allowed a caller the matrix refuses";
        if (s >= 500 && s != 501) ++answered_5xx;
        if (!problem.empty()) {
          ++wrong;
          failures += "  " + route + " as " + name(c) + ": " + problem + " (" + std::to_string(s) + " " +
                      r.body.substr(0, 160) + ")\n";
        }
      }
    }
    orders::testing::reliabilityRow("authorization (`e2e_authz_matrix_tests`)",
                                    std::to_string(mounted.size()) + " routes x " +
                                        std::to_string(std::size(kCallers)) + " callers, own and another's order (" +
                                        std::to_string(tried) + " calls)",
                                    "answers the matrix does not allow " + std::to_string(wrong) + ", 5xx " +
                                        std::to_string(answered_5xx) + " (501 without an invoice plugin aside)");
    CPPUNIT_ASSERT_MESSAGE("authorization matrix (" + std::to_string(tried) + " calls):\n" + failures,
                           failures.empty());
    // Every rule is a route: a rule left for a removed route fails too.
    for (const auto &[route, rule] : kRules)
      CPPUNIT_ASSERT_MESSAGE(route + " has a rule but is not mounted",
                             std::find(mounted.begin(), mounted.end(), route) != mounted.end());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthzMatrixTest);
