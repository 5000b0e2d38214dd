// The conformance kit judged on plugins that break their contract: it must
// fail them on exactly the checks they break, and refuse a spec it cannot run.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/TemporaryFile.h>

#include <fstream>
#include <sstream>

#include "conformance/conformance_kit.hpp"

namespace {

const std::string kDir = ORDERS_FIXTURE_DIR;

struct KitRun {
  int code = -1;
  std::string out;
  bool has(const std::string &line) const { return out.find("\n" + line + "\n") != std::string::npos; }
};

KitRun runKit(const std::string &plugin, const std::string &spec_text) {
  Poco::TemporaryFile spec; // removed when the run is over
  std::ofstream(spec.path() + ".yaml") << spec_text;
  Poco::TemporaryFile::registerForDeletion(spec.path() + ".yaml");
  std::ostringstream out;
  KitRun run;
  run.code = orders::host::conformance::run({kDir + "/" + plugin, spec.path() + ".yaml", ""}, out);
  run.out = out.str();
  return run;
}

} // namespace

class ConformanceKitTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConformanceKitTest);
  CPPUNIT_TEST(smtpPeerFailsANotifierThatCallsEveryFailureFinal);
  CPPUNIT_TEST(redisPeerFailsACartThatTakesFailuresForAnEmptyCart);
  CPPUNIT_TEST(redisPeerTakesAMappingOfKeys);
  CPPUNIT_TEST(unknownPeerProtocolIsRefused);
  CPPUNIT_TEST(smtpPeerTakesNoRoutes);
  CPPUNIT_TEST_SUITE_END();

public:
  void smtpPeerFailsANotifierThatCallsEveryFailureFinal() {
    const KitRun run = runKit("orders-notifier-careless.so", "kind: notifier\n"
                                                             "peer_protocol: smtp\n"
                                                             "config:\n"
                                                             "  host: \"{{peer_host}}\"\n"
                                                             "  port: \"{{peer_port}}\"\n"
                                                             "  timeout_ms: 1000\n");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(run.out, 1, run.code);
    // It sends the mail, and a resend is the same mail.
    CPPUNIT_ASSERT_MESSAGE(run.out, run.has("PASS notifier.notify.answers"));
    CPPUNIT_ASSERT_MESSAGE(run.out, run.has("PASS notifier.notify.retry_is_identical"));
    CPPUNIT_ASSERT_MESSAGE(run.out, run.has("PASS notifier.notify.concurrent_calls"));
    // Where a retry cannot help it is right...
    CPPUNIT_ASSERT_MESSAGE(run.out, run.has("PASS notifier.notify.upstream_permanent_is_final"));
    CPPUNIT_ASSERT_MESSAGE(run.out, run.has("PASS notifier.notify.upstream_garbage_is_an_error"));
    // ...and where one would deliver, wrong.
    for (const char *check :
         {"upstream_transient_is_retryable", "upstream_timeout_is_retryable", "upstream_unreachable_is_retryable"})
      CPPUNIT_ASSERT_MESSAGE(run.out,
                             run.out.find(std::string("FAIL notifier.notify.") + check + "\n") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find("a 451 reply to MAIL answered rejected") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(run.out, run.has("9 passed, 3 failed, 0 skipped"));
  }

  void redisPeerFailsACartThatTakesFailuresForAnEmptyCart() {
    const KitRun run =
        runKit("orders-cart-careless.so", "kind: cart\n"
                                          "peer_protocol: redis\n"
                                          "config: {host: \"{{peer_host}}\", port: \"{{peer_port}}\"}\n"
                                          "peer:\n"
                                          "  \"cart:ada@example.com\": '[{\"product_id\":\"p-1\",\"qty\":2}]'\n");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(run.out, 1, run.code);
    CPPUNIT_ASSERT_MESSAGE(run.out, run.has("PASS cart.load.answers"));
    CPPUNIT_ASSERT_MESSAGE(run.out, run.has("PASS cart.load.retry_is_identical"));
    CPPUNIT_ASSERT_MESSAGE(run.out, run.has("PASS cart.load.concurrent_calls"));
    for (const char *check :
         {"upstream_transient_is_retryable", "upstream_timeout_is_retryable", "upstream_permanent_is_final",
          "upstream_garbage_is_an_error", "upstream_unreachable_is_retryable"})
      CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find(std::string("FAIL cart.load.") + check + "\n") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find("a -LOADING reply answered ok") != std::string::npos);
  }

  void redisPeerTakesAMappingOfKeys() {
    const KitRun run = runKit("orders-cart-careless.so", "kind: cart\npeer_protocol: redis\npeer: [GET]\n");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(run.out, 2, run.code);
    CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find("a Redis peer takes a mapping of keys") != std::string::npos);
  }

  void unknownPeerProtocolIsRefused() {
    const KitRun run = runKit("orders-notifier-careless.so", "kind: notifier\npeer_protocol: gopher\n");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(run.out, 2, run.code);
    CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find("peer_protocol: expected") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find("got 'gopher'") != std::string::npos);
  }

  void smtpPeerTakesNoRoutes() {
    const KitRun run = runKit("orders-notifier-careless.so",
                              "kind: notifier\npeer_protocol: smtp\npeer:\n  - {method: POST, path: /x}\n");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(run.out, 2, run.code);
    CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find("routes script an HTTP peer") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConformanceKitTest);
