#include <cppunit/extensions/HelperMacros.h>

#include "http/api_error.hpp"
#include "http/router.hpp"

using namespace orders::host::http;

namespace {
Handler named(std::string name) {
  return [name](Request &) { return Response::text(200, name); };
}
std::string run(const Router::Match &m) {
  Request r;
  return m.route->handler(r).body;
}
} // namespace

class RouterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RouterTest);
  CPPUNIT_TEST(matchesLiteralRoutes);
  CPPUNIT_TEST(capturesParameters);
  CPPUNIT_TEST(prefersMoreLiteralSegments);
  CPPUNIT_TEST(reportsAllowedMethodsForKnownPath);
  CPPUNIT_TEST(unknownPathHasNoMatchAndNoAllowed);
  CPPUNIT_TEST(trailingSlashIsTheSamePath);
  CPPUNIT_TEST(errorCodesMapToStatusesInOnePlace);
  CPPUNIT_TEST(problemJsonHasRfc9457Fields);
  CPPUNIT_TEST_SUITE_END();

  Router router_;

public:
  void setUp() override {
    router_ = Router();
    router_.add("GET", "/api/orders/:id", named("get"));
    router_.add("POST", "/api/orders/:id/cancel", named("cancel"));
    router_.add("GET", "/api/orders/number/:orderNumber", named("by-number"));
    router_.add("PUT", "/api/orders/:id/status", named("status"));
    router_.add("GET", "/health", named("health"));
  }
  void matchesLiteralRoutes() { CPPUNIT_ASSERT_EQUAL(std::string("health"), run(router_.match("GET", "/health"))); }
  void capturesParameters() {
    auto m = router_.match("POST", "/api/orders/ord-7/cancel");
    CPPUNIT_ASSERT_EQUAL(std::string("cancel"), run(m));
    CPPUNIT_ASSERT_EQUAL(std::string("ord-7"), m.params["id"]);
  }
  void prefersMoreLiteralSegments() {
    router_.add("GET", "/api/orders/:id/:sub", named("generic"));
    auto m = router_.match("GET", "/api/orders/number/ORD-1");
    CPPUNIT_ASSERT_EQUAL(std::string("by-number"), run(m));
    CPPUNIT_ASSERT_EQUAL(std::string("ORD-1"), m.params["orderNumber"]);
  }
  void reportsAllowedMethodsForKnownPath() {
    auto m = router_.match("DELETE", "/api/orders/1/status");
    CPPUNIT_ASSERT(m.route == nullptr);
    CPPUNIT_ASSERT_EQUAL(size_t(1), m.allowed.size());
    CPPUNIT_ASSERT_EQUAL(std::string("PUT"), m.allowed[0]);
  }
  void unknownPathHasNoMatchAndNoAllowed() {
    auto m = router_.match("GET", "/api/nothing");
    CPPUNIT_ASSERT(m.route == nullptr);
    CPPUNIT_ASSERT(m.allowed.empty());
  }
  void trailingSlashIsTheSamePath() {
    CPPUNIT_ASSERT_EQUAL(std::string("health"), run(router_.match("GET", "/health/")));
  }
  void errorCodesMapToStatusesInOnePlace() {
    CPPUNIT_ASSERT_EQUAL(400, httpStatusFor("invalid_argument"));
    CPPUNIT_ASSERT_EQUAL(401, httpStatusFor("unauthenticated"));
    CPPUNIT_ASSERT_EQUAL(403, httpStatusFor("forbidden"));
    CPPUNIT_ASSERT_EQUAL(404, httpStatusFor("not_found"));
    CPPUNIT_ASSERT_EQUAL(409, httpStatusFor("conflict"));
    CPPUNIT_ASSERT_EQUAL(422, httpStatusFor("rejected"));
    CPPUNIT_ASSERT_EQUAL(503, httpStatusFor("unavailable"));
    CPPUNIT_ASSERT_EQUAL(504, httpStatusFor("timeout"));
    CPPUNIT_ASSERT_EQUAL(500, httpStatusFor("internal"));
    CPPUNIT_ASSERT_EQUAL(500, httpStatusFor("no-such-code"));
    CPPUNIT_ASSERT_EQUAL(409, toApiError(orders::sdk::conflict("x")).status());
  }
  void problemJsonHasRfc9457Fields() {
    ApiError e("invalid_argument", "bad body", {{"/items/0/quantity", "must be >= 1"}});
    Json::Value p = problemJson(e, "/api/orders", "rid-1");
    CPPUNIT_ASSERT_EQUAL(std::string("about:blank"), p["type"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Bad Request"), p["title"].asString());
    CPPUNIT_ASSERT_EQUAL(400, p["status"].asInt());
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument"), p["code"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("bad body"), p["detail"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("/api/orders"), p["instance"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("rid-1"), p["requestId"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("/items/0/quantity"), p["errors"][0]["pointer"].asString());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RouterTest);
