// Live reload end to end: the real binary on SQLite under checkout and read
// load. Its config file is rewritten (a catalog price, a payment plugin's
// setting) and the process gets SIGHUP: later checkouts see the new price
// and the new setting, and no request fails across the swap. A config that
// does not validate, or that changes what only a restart applies, is
// refused by POST /api/admin/reload with the messages --check-config
// prints, and by SIGHUP with a log line; the running set is kept.
#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "eventually.hpp"
#include "server_process.hpp"

using namespace orders::e2e;
using orders::testing::eventually;

namespace {

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces the file whole (a reader never sees half of it).
void rewrite(const std::string &path, const std::string &text) {
  const std::string tmp = path + ".new";
  std::ofstream(tmp) << text;
  CPPUNIT_ASSERT_EQUAL(0, std::rename(tmp.c_str(), path.c_str()));
}

std::string replaced(std::string text, const std::string &from, const std::string &to) {
  const size_t at = text.find(from);
  CPPUNIT_ASSERT_MESSAGE("config lacks: " + from, at != std::string::npos);
  CPPUNIT_ASSERT_MESSAGE("config has twice: " + from, text.find(from, at + 1) == std::string::npos);
  return text.replace(at, from.size(), to);
}

// --check-config --offline on `config`: its output.
std::string checkConfig(const std::string &config) {
  const std::string cmd = std::string(ORDERS_SERVER_BINARY) + " --check-config --offline --config " + config + " 2>&1";
  std::string out;
  if (FILE *p = ::popen(cmd.c_str(), "r")) {
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, p)) > 0;)
      out.append(buffer, n);
    ::pclose(p);
  }
  return out;
}

struct Sample {
  int64_t price = 0;
  std::string status;
};

} // namespace

class ReloadTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ReloadTest);
  CPPUNIT_TEST(reloadUnderLoadChangesPriceAndPaymentSettingWithNoFailedRequest);
  CPPUNIT_TEST(badConfigsAreRefusedAndTheRunningSetKept);
  CPPUNIT_TEST_SUITE_END();

public:
  void reloadUnderLoadChangesPriceAndPaymentSettingWithNoFailedRequest() {
    TestDatabase db(Engine::sqlite);
    ServerOptions o;
    o.stock_mug = 1000000;
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    const std::string original = slurp(server.configPath());

    std::atomic<bool> stop{false};
    std::atomic<int> requests{0};
    std::mutex mutex;
    std::vector<std::string> failures;
    std::vector<Sample> samples; // checkouts in the order they were answered
    auto worker = [&](int n) {
      for (int i = 0; !stop.load(); ++i) {
        Reply r = server.as("u" + std::to_string(n), "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}),
                            {{"Idempotency-Key", "reload-" + std::to_string(n) + "-" + std::to_string(i)}});
        requests.fetch_add(1);
        std::lock_guard lock(mutex);
        if (r.status != 201) {
          failures.push_back("checkout " + std::to_string(r.status) + ": " + r.body);
          continue;
        }
        const Json::Value order = r.json()["orders"][0];
        samples.push_back({order["items"][0]["unitPriceMinor"].asInt64(), order["status"].asString()});
        Reply g = server.as("u" + std::to_string(n), "buyer", "GET", "/api/orders/" + order["id"].asString());
        requests.fetch_add(1);
        if (g.status != 200) failures.push_back("GET " + std::to_string(g.status) + ": " + g.body);
      }
    };
    std::vector<std::thread> threads;
    for (int n = 0; n < 4; ++n)
      threads.emplace_back(worker, n);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));

    std::string next = replaced(original, "priceMinor: 1299", "priceMinor: 1500");
    next = replaced(next, "config: { webhook_secret: PAYMENT_WEBHOOK_SECRET }",
                    "config: { webhook_secret: PAYMENT_WEBHOOK_SECRET, auto_capture: true }");
    rewrite(server.configPath(), next);
    CPPUNIT_ASSERT_EQUAL(0, ::kill(server.pid(), SIGHUP));
    auto newSeen = [&] {
      std::lock_guard lock(mutex);
      return !samples.empty() && samples.back().price == 1500;
    };
    const bool switched = eventually(newSeen, 15000);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    stop = true;
    for (auto &t : threads)
      t.join();

    std::string first_failures;
    for (size_t i = 0; i < failures.size() && i < 5; ++i)
      first_failures += failures[i] + "\n";
    CPPUNIT_ASSERT_MESSAGE(server.log(), switched);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(failures.size()) + " of " + std::to_string(requests.load()) +
                               " requests failed:\n" + first_failures,
                           failures.empty());
    CPPUNIT_ASSERT(server.alive());
    // Before: the old price, payments waiting; after: the new price, captured at once (auto_capture).
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), samples.front().price);
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_payment"), samples.front().status);
    CPPUNIT_ASSERT_EQUAL(int64_t(1500), samples.back().price);
    CPPUNIT_ASSERT_EQUAL(std::string("paid"), samples.back().status);
    size_t old_price = 0, new_price = 0;
    for (const Sample &s : samples)
      (s.price == 1299 ? old_price : new_price) += 1;
    CPPUNIT_ASSERT_MESSAGE("too few checkouts on either side", old_price >= 10 && new_price >= 10);
    const std::string log = server.log();
    CPPUNIT_ASSERT_MESSAGE(log, log.find("\"msg\":\"config reloaded\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(log, log.find("catalog/catalog, payment/manual") != std::string::npos);
    std::printf("\n  reload under load: %d requests, %zu checkouts at 1299, %zu at 1500, 0 failed\n", requests.load(),
                old_price, new_price);
  }

  void badConfigsAreRefusedAndTheRunningSetKept() {
    TestDatabase db(Engine::sqlite);
    ServerProcess server(db, ServerOptions{});
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());
    const std::string path = server.configPath();
    const std::string original = slurp(path);
    auto price = [&] {
      Reply r = server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}}));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
      return r.json()["orders"][0]["items"][0]["unitPriceMinor"].asInt64();
    };
    auto reload = [&](const std::string &role) { return server.as("ops", role, "POST", "/api/admin/reload"); };

    // Admins only.
    CPPUNIT_ASSERT_EQUAL(403, reload("buyer").status);
    CPPUNIT_ASSERT_EQUAL(401, server.request("POST", "/api/admin/reload").status);

    // Nothing changed: applied, nothing replaced.
    Reply same = reload("admin");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(same.body, 200, same.status);
    CPPUNIT_ASSERT_EQUAL(0u, same.json()["replaced"].size());

    // An invalid plugin config: refused with --check-config's words; the price stays.
    rewrite(path, replaced(original, "priceMinor: 1299", "priceMinor: -5"));
    const std::string checked = checkConfig(path);
    CPPUNIT_ASSERT_MESSAGE(checked,
                           checked.find("/plugins/catalog/0/config/products/0/priceMinor") != std::string::npos);
    Reply bad = reload("admin");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.body, 422, bad.status);
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), bad.json()["code"].asString());
    const std::string detail = bad.json()["detail"].asString();
    // --check-config's own line (stdout/stderr also carry JSON log lines).
    std::string first_line;
    std::istringstream lines(checked);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty() && line[0] != '{' && line.find("priceMinor") != std::string::npos) first_line = line;
    CPPUNIT_ASSERT_MESSAGE(checked, !first_line.empty());
    CPPUNIT_ASSERT_MESSAGE(detail + "\n--check-config: " + checked, detail.find(first_line) != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), price());

    // A file that is not a config at all, and an unknown key: refused the same way.
    rewrite(path, original + "colour: blue\n");
    Reply unknown = reload("admin");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(unknown.body, 422, unknown.status);
    CPPUNIT_ASSERT_MESSAGE(unknown.body, unknown.json()["detail"].asString().find("/colour") != std::string::npos);

    // What only a restart applies: refused with the section named.
    rewrite(path, replaced(original, "threads: 96", "threads: 97"));
    Reply restart = reload("admin");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(restart.body, 422, restart.status);
    CPPUNIT_ASSERT_MESSAGE(restart.body, restart.json()["detail"].asString().find(
                                             "/http: changed; a restart applies it") != std::string::npos);

    // SIGHUP with a bad file: logged, the server goes on with its config.
    rewrite(path, replaced(original, "priceMinor: 1299", "priceMinor: -5"));
    CPPUNIT_ASSERT_EQUAL(0, ::kill(server.pid(), SIGHUP));
    CPPUNIT_ASSERT_MESSAGE(server.log(),
                           eventually([&] { return server.log().find("config reload refused") != std::string::npos; }));
    CPPUNIT_ASSERT(server.alive());
    CPPUNIT_ASSERT_EQUAL(int64_t(1299), price());

    // A good change by the route: applied, the catalog replaced, the log level too.
    std::string good = replaced(original, "priceMinor: 1299", "priceMinor: 1400");
    good = replaced(good, "log: { level: info", "log: { level: warn");
    rewrite(path, good);
    Reply ok = reload("admin");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 200, ok.status);
    CPPUNIT_ASSERT_EQUAL(1u, ok.json()["replaced"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("catalog/catalog"), ok.json()["replaced"][0].asString());
    CPPUNIT_ASSERT(ok.json()["logLevelChanged"].asBool());
    CPPUNIT_ASSERT_EQUAL(int64_t(1400), price());
    // A second reload of the same file changes nothing more.
    Reply again = reload("admin");
    CPPUNIT_ASSERT_EQUAL(0u, again.json()["replaced"].size());
    CPPUNIT_ASSERT(again.json()["generation"].asUInt64() > ok.json()["generation"].asUInt64());

    // A rotated secret plugins read: every instance created anew. One the inbound auth reads: refused.
    rewrite(path, replaced(good, "PAYMENT_WEBHOOK_SECRET: { value: test-webhook-secret }",
                           "PAYMENT_WEBHOOK_SECRET: { value: rotated-webhook-secret }"));
    Reply rotated = reload("admin");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(rotated.body, 200, rotated.status);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(rotated.body, 4u, rotated.json()["replaced"].size());
    rewrite(path, replaced(slurp(path), "GATEWAY_KEY: { value: test-gateway-key }", "GATEWAY_KEY: { value: new-key }"));
    Reply gateway = reload("admin");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(gateway.body, 422, gateway.status);
    CPPUNIT_ASSERT_MESSAGE(gateway.body,
                           gateway.json()["detail"].asString().find("secret GATEWAY_KEY changed") != std::string::npos);
    // Another library for an instance: refused.
    rewrite(path,
            replaced(good, "    - name: static\n      id: catalog\n",
                     "    - name: static\n      id: catalog\n      path: /nonexistent/orders-catalog-static.so\n"));
    Reply library = reload("admin");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(library.body, 422, library.status);
    CPPUNIT_ASSERT_MESSAGE(library.body, library.json()["detail"].asString().find("/path") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t(1400), price());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReloadTest);
