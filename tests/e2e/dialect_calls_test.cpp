// A dialect's core calls from every thread (SQLite): host services may be
// called from any thread, so a core call made from a thread of the
// dialect's own finds its request's caller like one made on the thread that
// runs handle(), with the same rights and no more; a call id that names no
// request in progress, or one whose request has ended, is refused. The
// dialect is tests/e2e/fixtures/calls_dialect.cpp.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <string>

#include "server_process.hpp"

using namespace orders::e2e;

namespace {

ServerOptions withCallsDialect() {
  ServerOptions o;
  o.plugin_paths_extra = std::string(", \"") + ORDERS_FIXTURE_PLUGIN_DIR + "\"";
  o.extra_yaml = "  dialect:\n    - name: calls\n      mount: /calls\n      auth: { user: [gateway] }\n";
  return o;
}

// The core's answers a route reported: statuses of the calls it made, and
// the error code words of the ones refused, each list joined by commas.
struct Seen {
  std::string statuses;
  std::string errors;
};

std::string joined(const Json::Value &list) {
  std::string out;
  for (const Json::Value &v : list)
    out += (out.empty() ? "" : ",") + (v.isString() ? v.asString() : std::to_string(v.asInt64()));
  return out;
}

// `n` times `word`, joined.
std::string times(int n, const std::string &word) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += (i ? "," : "") + word;
  return out;
}

Seen seen(const Reply &r) {
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
  const Json::Value body = r.json();
  return Seen{joined(body["statuses"]), joined(body["errors"])};
}

} // namespace

class DialectCallsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DialectCallsTest);
  CPPUNIT_TEST(coreCallsFromAnyThreadActAsTheRequestsCaller);
  CPPUNIT_TEST_SUITE_END();

public:
  void coreCallsFromAnyThreadActAsTheRequestsCaller() {
    TestDatabase db(Engine::sqlite);
    ServerProcess server(db, withCallsDialect());
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    const Reply created = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
    const std::string id = created.json()["orders"][0]["id"].asString();

    // On handle()'s thread, from one thread of the dialect's, from eight at once.
    for (const std::string route : {"same", "thread"}) {
      const Seen s = seen(server.as("u1", "buyer", "GET", "/calls/" + route + "/" + id));
      CPPUNIT_ASSERT_MESSAGE(route, s.errors.empty());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(route, std::string("200"), s.statuses);
    }
    const Seen parallel = seen(server.as("u1", "buyer", "GET", "/calls/parallel/" + id));
    CPPUNIT_ASSERT(parallel.errors.empty());
    CPPUNIT_ASSERT_EQUAL(times(40, "200"), parallel.statuses);

    // Another buyer's request reads nothing of u1's, from any thread.
    for (const auto &[route, calls] : std::map<std::string, int>{{"same", 1}, {"thread", 1}, {"parallel", 40}}) {
      const Seen s = seen(server.as("u2", "buyer", "GET", "/calls/" + route + "/" + id));
      CPPUNIT_ASSERT_MESSAGE(route, s.errors.empty());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(route, times(calls, "404"), s.statuses);
    }

    // A call id of no request in progress: refused.
    const Seen forged = seen(server.as("u1", "buyer", "GET", "/calls/forged/" + id));
    CPPUNIT_ASSERT(forged.statuses.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("unauthenticated"), forged.errors);

    // The request's own id once it has been answered: refused too.
    const Seen started = seen(server.as("u1", "buyer", "GET", "/calls/late/" + id));
    CPPUNIT_ASSERT(started.statuses.empty() && started.errors.empty());
    const Seen late = seen(server.as("u1", "buyer", "GET", "/calls/late-result"));
    CPPUNIT_ASSERT(late.statuses.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("unauthenticated"), late.errors);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DialectCallsTest);
