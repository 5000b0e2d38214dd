// The plugin load pipeline, one fixture library per failure path, each
// asserted by its exact message.
#include <cppunit/extensions/HelperMacros.h>

#include <thread>

#include "config/config_loader.hpp"
#include "config/schema_validator.hpp"
#include "conformance/standalone_plugin.hpp"
#include "http_peer.hpp"
#include "orders/sdk/abi_hash.h"
#include "orders/sdk/json.hpp"
#include "orders/sdk/plugin.hpp"
#include "plugins/plugin_registry.hpp"

using namespace orders::host;

namespace {

const std::string kDir = ORDERS_FIXTURE_DIR;
// This host's ABI version as its messages spell it.
const std::string kAbi = std::to_string(ORDERS_ABI_MAJOR) + "." + std::to_string(ORDERS_ABI_MINOR);

std::string lib(const std::string &name) { return kDir + "/orders-catalog-" + name + ".so"; }

// A validated config with the given catalog instances (YAML/JSON text).
Json::Value configWith(const std::string &catalog_entries) {
  const std::string text = "plugin_paths: [\"" + kDir + "\"]\nplugins:\n  catalog: " + catalog_entries + "\n";
  auto parsed = config::parseConfigText(text, "test.yaml", [](const std::string &) { return std::nullopt; });
  CPPUNIT_ASSERT_MESSAGE(parsed.ok() ? "" : parsed.error().message, parsed.ok());
  Json::Value doc = parsed.value();
  auto v = config::SchemaValidator::compile(config::configSchema());
  const auto violations = v.value()->validate(doc);
  CPPUNIT_ASSERT_MESSAGE(config::formatViolations("test.yaml: ", violations), violations.empty());
  v.value()->applyDefaults(doc);
  return doc;
}

struct Loaded {
  orders::sdk::Result<std::unique_ptr<plugins::PluginRegistry>> registry;
  std::string message() const { return registry.ok() ? "" : registry.error().message; }
};

Loaded load(const Json::Value &config, metrics::MetricsRegistry &metrics,
            plugins::CircuitBreaker::Clock breaker_clock = {}) {
  auto secrets = std::make_shared<plugins::SecretStore>(Json::Value(Json::objectValue),
                                                        [](const std::string &) { return std::nullopt; });
  return Loaded{plugins::PluginRegistry::load(config, "test.yaml", metrics, secrets, std::move(breaker_clock))};
}

std::string loadError(const std::string &entries) {
  metrics::MetricsRegistry metrics;
  Loaded l = load(configWith(entries), metrics);
  CPPUNIT_ASSERT_MESSAGE("expected the load to fail", !l.registry.ok());
  return l.message();
}

std::string byPath(const std::string &name, const std::string &extra = "") {
  return "[{name: " + name + ", path: \"" + lib(name) + "\"" + extra + "}]";
}

} // namespace

class LoaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LoaderTest);
  CPPUNIT_TEST(goodPluginLoadsFromSearchPathWithDefaultsApplied);
  CPPUNIT_TEST(missingFileIsReportedWithSearchedPaths);
  CPPUNIT_TEST(missingExplicitFileIsReported);
  CPPUNIT_TEST(missingEntrySymbolIsReported);
  CPPUNIT_TEST(nullDescriptorIsReported);
  CPPUNIT_TEST(structTooSmallIsReported);
  CPPUNIT_TEST(structTooLargeIsReported);
  CPPUNIT_TEST(abiMajorMismatchIsReported);
  CPPUNIT_TEST(newerMinorIsReported);
  CPPUNIT_TEST(unknownKindIsReported);
  CPPUNIT_TEST(kindNewerThanDeclaredMinorIsReported);
  CPPUNIT_TEST(foreignAbiHeaderIsRefusedAtTheHandshake);
  CPPUNIT_TEST(missingAbiHashIsRefusedFromMinorSix);
  CPPUNIT_TEST(pluginsBeforeTheHandshakeLoadWithoutAHash);
  CPPUNIT_TEST(buildInfoIsReported);
  CPPUNIT_TEST(duplicateInstanceIdIsReported);
  CPPUNIT_TEST(unknownConfigKeyIsReportedWithPointer);
  CPPUNIT_TEST(wrongConfigTypeIsReportedWithPointer);
  CPPUNIT_TEST(createReturningErrorIsReported);
  CPPUNIT_TEST(createThrowingIsReported);
  CPPUNIT_TEST(olderMinorPluginLoadsAndIsNotAskedForNewFields);
  CPPUNIT_TEST(cPluginsBuiltAgainstOlderHeadersLoadAndLackNewerSlots);
  CPPUNIT_TEST(everyFailureIsReportedNotJustTheFirst);
  CPPUNIT_TEST(exceptionInPluginMethodBecomesInternalError);
  CPPUNIT_TEST(answersOutsideTheContractAreErrorsNeverIgnored);
  CPPUNIT_TEST(breakerOpensOnFailingPeerAndClosesAfterRecovery);
  CPPUNIT_TEST(libraryOutlivesRegistryHandleUntilLastInstanceGoes);
  CPPUNIT_TEST_SUITE_END();

public:
  void goodPluginLoadsFromSearchPathWithDefaultsApplied() {
    metrics::MetricsRegistry metrics;
    Loaded l = load(configWith("[{name: good, id: first}, {name: good, id: second, config: {greeting: hi}}]"), metrics);
    CPPUNIT_ASSERT_MESSAGE(l.message(), l.registry.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), l.registry.value()->all().size());
    auto *first = l.registry.value()->find("catalog", "first");
    CPPUNIT_ASSERT(first != nullptr);
    orders::sdk::LookupRequest req;
    req.items.push_back({"p1", std::nullopt});
    auto res = first->call<orders::sdk::LookupResult>("lookup", first->methods<orders_catalog_v1_t>().lookup, req);
    CPPUNIT_ASSERT(res.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("hello p1"), res->products.at(0).title); // schema default
    auto *second = l.registry.value()->find("catalog", "second");
    res = second->call<orders::sdk::LookupResult>("lookup", second->methods<orders_catalog_v1_t>().lookup, req);
    CPPUNIT_ASSERT_EQUAL(std::string("hi p1"), res->products.at(0).title);
    CPPUNIT_ASSERT_EQUAL(
        1.0, metrics.value("orders_plugin_calls_total",
                           {{"instance", "first"}, {"kind", "catalog"}, {"method", "lookup"}, {"outcome", "ok"}}));
  }

  void missingFileIsReportedWithSearchedPaths() {
    CPPUNIT_ASSERT_EQUAL("plugin catalog/absent: orders-catalog-absent.so not found in plugin_paths [" + kDir + "]",
                         loadError("[{name: absent}]"));
  }

  void missingExplicitFileIsReported() {
    CPPUNIT_ASSERT_EQUAL(std::string("plugin catalog/absent: /nonexistent/orders-catalog-absent.so does not exist"),
                         loadError("[{name: absent, path: /nonexistent/orders-catalog-absent.so}]"));
  }

  void missingEntrySymbolIsReported() {
    CPPUNIT_ASSERT_EQUAL("plugin catalog/no-entry: " + lib("no-entry") + " does not export orders_plugin_descriptor_v1",
                         loadError(byPath("no-entry")));
  }

  void nullDescriptorIsReported() {
    CPPUNIT_ASSERT_EQUAL(std::string("plugin catalog/null-descriptor: orders_plugin_descriptor_v1() returned NULL"),
                         loadError(byPath("null-descriptor")));
  }

  void structTooSmallIsReported() {
    CPPUNIT_ASSERT_EQUAL("plugin catalog/struct-too-small: descriptor struct_size 24 is smaller than ABI " + kAbi +
                             " requires (" + std::to_string(sizeof(orders_plugin_descriptor_t)) + ")",
                         loadError(byPath("struct-too-small")));
  }

  void structTooLargeIsReported() {
    CPPUNIT_ASSERT_EQUAL("plugin catalog/struct-too-large: descriptor struct_size " +
                             std::to_string(sizeof(orders_plugin_descriptor_t) + 16) + " is larger than ABI " + kAbi +
                             " defines (" + std::to_string(sizeof(orders_plugin_descriptor_t)) + ")",
                         loadError(byPath("struct-too-large")));
  }

  void abiMajorMismatchIsReported() {
    CPPUNIT_ASSERT_EQUAL("plugin catalog/abi-major: built for ABI 2." + std::to_string(ORDERS_ABI_MINOR) +
                             ", host speaks ABI " + kAbi + " (major versions differ)",
                         loadError(byPath("abi-major")));
  }

  void newerMinorIsReported() {
    CPPUNIT_ASSERT_EQUAL("plugin catalog/newer-minor: built for ABI 1." + std::to_string(ORDERS_ABI_MINOR + 1) +
                             ", newer than the host's ABI " + kAbi,
                         loadError(byPath("newer-minor")));
  }

  void kindNewerThanDeclaredMinorIsReported() {
    CPPUNIT_ASSERT_EQUAL(std::string("plugin catalog/kind-newer-than-minor: kind customer needs ABI 1.2, the plugin "
                                     "declares ABI 1.1"),
                         loadError(byPath("kind-newer-than-minor")));
  }

  void foreignAbiHeaderIsRefusedAtTheHandshake() {
    const std::string error = loadError(byPath("foreign-abi-hash"));
    const std::string expected = "plugin catalog/foreign-abi-hash: was compiled with an abi.h whose SHA-256 is "
                                 "0123456789ab..., not ABI " +
                                 kAbi + "'s " + std::string(ORDERS_ABI_HASH).substr(0, 12) +
                                 "...: the header was edited without a version bump or comes from another SDK; "
                                 "rebuild it against the installed SDK (built with " ORDERS_SDK_BUILD_INFO ")";
    CPPUNIT_ASSERT_EQUAL(expected, error);
  }

  void missingAbiHashIsRefusedFromMinorSix() {
    CPPUNIT_ASSERT_EQUAL("plugin catalog/no-abi-hash: declares ABI " + kAbi +
                             " but its descriptor has no abi_hash (built with " ORDERS_SDK_BUILD_INFO ")",
                         loadError(byPath("no-abi-hash")));
  }

  void pluginsBeforeTheHandshakeLoadWithoutAHash() {
    metrics::MetricsRegistry metrics;
    Loaded l = load(configWith(byPath("v1-5")), metrics);
    CPPUNIT_ASSERT_MESSAGE(l.message(), l.registry.ok());
    auto *p = l.registry.value()->find("catalog", "v1-5");
    CPPUNIT_ASSERT(p != nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string(""), p->library().buildInfo()); // 0x1 beyond struct_size never read
    CPPUNIT_ASSERT_EQUAL(std::string(""), p->library().abiHash());
    CPPUNIT_ASSERT_EQUAL(std::string("loader fixture"), p->library().description());
  }

  void buildInfoIsReported() {
    metrics::MetricsRegistry metrics;
    Loaded l = load(configWith("[{name: good}]"), metrics);
    CPPUNIT_ASSERT_MESSAGE(l.message(), l.registry.ok());
    const auto &library = l.registry.value()->find("catalog", "good")->library();
    CPPUNIT_ASSERT_EQUAL(std::string(ORDERS_ABI_HASH), library.abiHash());
    const std::string info = library.buildInfo();
    CPPUNIT_ASSERT_EQUAL(std::string(ORDERS_SDK_BUILD_INFO), info);
    CPPUNIT_ASSERT_MESSAGE(info, info.rfind("gcc ", 0) == 0 || info.rfind("clang ", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(info, info.find(", SDK " + kAbi) != std::string::npos);
  }

  void unknownKindIsReported() {
    CPPUNIT_ASSERT_EQUAL(std::string("plugin catalog/unknown-kind: unknown plugin kind 99"),
                         loadError(byPath("unknown-kind")));
  }

  void duplicateInstanceIdIsReported() {
    CPPUNIT_ASSERT_EQUAL(std::string("test.yaml: /plugins/catalog/1/id: duplicate instance id 'cat' (already used at "
                                     "/plugins/catalog/0)"),
                         loadError("[{name: good, id: cat}, {name: good, id: cat}]"));
  }

  void unknownConfigKeyIsReportedWithPointer() {
    CPPUNIT_ASSERT_EQUAL(std::string("test.yaml: /plugins/catalog/0/config/colour: unknown key"),
                         loadError("[{name: good, config: {colour: blue}}]"));
  }

  void wrongConfigTypeIsReportedWithPointer() {
    CPPUNIT_ASSERT_EQUAL(std::string("test.yaml: /plugins/catalog/0/config/limit: must be of type integer"),
                         loadError("[{name: good, config: {limit: \"ten\"}}]"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.yaml: /plugins/catalog/0/config/limit: must be >= 1"),
                         loadError("[{name: good, config: {limit: 0}}]"));
  }

  void createReturningErrorIsReported() {
    CPPUNIT_ASSERT_EQUAL(std::string("plugin catalog/create-error (id create-error): create() failed: "
                                     "invalid_argument: fixture refuses to start: api_key is missing"),
                         loadError(byPath("create-error")));
  }

  void createThrowingIsReported() {
    CPPUNIT_ASSERT_EQUAL(std::string("plugin catalog/create-throws (id create-throws): create() failed: internal: "
                                     "plugin threw: fixture exploded in its constructor"),
                         loadError(byPath("create-throws")));
  }

  void olderMinorPluginLoadsAndIsNotAskedForNewFields() {
    metrics::MetricsRegistry metrics;
    Loaded l = load(configWith(byPath("older-minor")), metrics);
    CPPUNIT_ASSERT_MESSAGE(l.message(), l.registry.ok());
    auto *p = l.registry.value()->find("catalog", "older-minor");
    CPPUNIT_ASSERT_EQUAL(std::string(""), p->library().description()); // not read beyond struct_size
    CPPUNIT_ASSERT(!p->library().hasReady());
    CPPUNIT_ASSERT(p->ready().ok());
  }

  // Plugins written in C against the ABI 1.0, 1.2 and 1.3 headers (test
  // fixture copies): the first two tables end before `restock` (1.3), the
  // 1.3 one leaves it NULL, and 1.3 predates the dialect kind (1.4). The host
  // loads them, their own slots work, and restock is `unsupported`: the
  // loader's zero-filled copy of the table, not memory past its end.
  void cPluginsBuiltAgainstOlderHeadersLoadAndLackNewerSlots() {
    for (const std::string name : {"c-v1-0", "c-v1-2", "c-v1-3", "c-v1-current"}) {
      const std::string text = "plugins:\n  inventory: [{name: " + name + ", path: \"" + kDir + "/orders-inventory-" +
                               name + ".so\"}]\n  catalog: [{name: good, path: \"" + lib("good") + "\"}]\n";
      auto parsed = config::parseConfigText(text, "test.yaml", [](const std::string &) { return std::nullopt; });
      CPPUNIT_ASSERT(parsed.ok());
      Json::Value doc = parsed.value();
      config::SchemaValidator::compile(config::configSchema()).value()->applyDefaults(doc);
      metrics::MetricsRegistry metrics;
      Loaded l = load(doc, metrics);
      CPPUNIT_ASSERT_MESSAGE(l.message(), l.registry.ok());
      auto *p = l.registry.value()->find("inventory", name);
      CPPUNIT_ASSERT(p != nullptr);
      const auto &table = p->methods<orders_inventory_v1_t>();
      if (name == "c-v1-current") CPPUNIT_ASSERT_EQUAL(std::string("cc, C99 fixture"), p->library().buildInfo());
      if (name == "c-v1-0" || name == "c-v1-2") // the plugin's own size; 1.3 on the table has restock (left NULL)
        CPPUNIT_ASSERT_EQUAL(uint32_t(ORDERS_INVENTORY_V1_0_SIZE), table.struct_size);
      CPPUNIT_ASSERT(table.restock == nullptr);
      orders::sdk::ReserveRequest reserve{"o-1", "k-1", 60, {{"sku", std::nullopt, std::nullopt, 1, {}}}};
      auto held = p->call<orders::sdk::ReserveOutcome>("reserve", table.reserve, reserve);
      CPPUNIT_ASSERT_MESSAGE(held.ok() ? "" : held.error().message, held.ok() && held->reserved);
      CPPUNIT_ASSERT_EQUAL(std::string("c-1"), held->reservationId.value_or(""));
      orders::sdk::RestockRequest restock{"c-1", "o-1", "restock:r", {}};
      auto refused = p->call<orders::sdk::Empty>("restock", table.restock, restock);
      CPPUNIT_ASSERT(!refused.ok());
      CPPUNIT_ASSERT(refused.error().code == orders::sdk::ErrorCode::unsupported);
    }
  }

  void everyFailureIsReportedNotJustTheFirst() {
    const std::string message = loadError("[{name: absent}, {name: good, config: {colour: 1}}]");
    CPPUNIT_ASSERT(message.find("orders-catalog-absent.so not found") != std::string::npos);
    CPPUNIT_ASSERT(message.find("/plugins/catalog/1/config/colour: unknown key") != std::string::npos);
  }

  void exceptionInPluginMethodBecomesInternalError() {
    metrics::MetricsRegistry metrics;
    Loaded l = load(configWith("[{name: good}]"), metrics);
    auto *p = l.registry.value()->find("catalog", "good");
    orders::sdk::LookupRequest req;
    req.items.push_back({"boom", std::nullopt});
    auto res = p->call<orders::sdk::LookupResult>("lookup", p->methods<orders_catalog_v1_t>().lookup, req);
    CPPUNIT_ASSERT(!res.ok());
    CPPUNIT_ASSERT(res.error().code == orders::sdk::ErrorCode::internal);
    CPPUNIT_ASSERT_EQUAL(std::string("plugin threw: lookup blew up"), res.error().message);
  }

  void answersOutsideTheContractAreErrorsNeverIgnored() {
    auto loaded = orders::host::conformance::StandalonePlugin::load(
        "payment", orders::sdk::parseJson(R"({"name":"misspelled"})"), Json::Value(Json::objectValue), {kDir});
    CPPUNIT_ASSERT_MESSAGE(loaded.ok() ? "" : loaded.error().message, loaded.ok());
    plugins::PluginInstance &p = loaded.value()->instance();
    orders::sdk::PaymentRequest req;
    req.orderId = "o-1";
    req.amount = {100, "USD"};
    req.description = "captured";
    auto good =
        p.call<orders::sdk::PaymentResult>("create_payment", p.methods<orders_payment_v1_t>().create_payment, req);
    CPPUNIT_ASSERT(good.ok());
    req.description = "deadline"; // the plugin sees when the host gives up: now + the instance's timeout_ms
    const int64_t before =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    auto seen =
        p.call<orders::sdk::PaymentResult>("create_payment", p.methods<orders_payment_v1_t>().create_payment, req);
    CPPUNIT_ASSERT(seen.ok());
    const int64_t deadline = std::stoll(seen->reference);
    CPPUNIT_ASSERT_MESSAGE(seen->reference,
                           deadline >= before + 9000 && deadline <= before + 11000); // timeout_ms 10000
    req.description = "capturd";
    auto bad =
        p.call<orders::sdk::PaymentResult>("create_payment", p.methods<orders_payment_v1_t>().create_payment, req);
    CPPUNIT_ASSERT(!bad.ok() && bad.error().code == orders::sdk::ErrorCode::internal && !bad.error().retryable);
    CPPUNIT_ASSERT_EQUAL(
        std::string("plugin misspelled create_payment answered outside its contract: /status: 'capturd' "
                    "is not one of pending, captured, failed, cancelled, refunded"),
        bad.error().message);
    // Known words, but fields the published schema refuses.
    req.description = "bad-expiry";
    auto expiry =
        p.call<orders::sdk::PaymentResult>("create_payment", p.methods<orders_payment_v1_t>().create_payment, req);
    CPPUNIT_ASSERT(!expiry.ok() && expiry.error().code == orders::sdk::ErrorCode::internal);
    CPPUNIT_ASSERT_MESSAGE(expiry.error().message,
                           expiry.error().message.rfind("plugin misspelled create_payment answered outside its "
                                                        "contract: PaymentResult /expiresAt: ",
                                                        0) == 0);
    req.description = "bad-amount";
    auto amount =
        p.call<orders::sdk::PaymentResult>("create_payment", p.methods<orders_payment_v1_t>().create_payment, req);
    CPPUNIT_ASSERT(!amount.ok() && amount.error().code == orders::sdk::ErrorCode::internal);
    CPPUNIT_ASSERT_MESSAGE(amount.error().message, amount.error().message.find("/amount") != std::string::npos);
    orders::sdk::InboundMessage m;
    m.source = "webhook";
    auto ignored = p.call<orders::sdk::ParsedEvent>("parse_webhook", p.methods<orders_payment_v1_t>().parse_webhook, m,
                                                    std::string_view("ignored"));
    CPPUNIT_ASSERT(ignored.ok());
    // A misspelled outcome would have been read as "not an event" = ignored:
    // a lost payment. It is an internal error instead (a 5xx to the provider).
    auto misspelled = p.call<orders::sdk::ParsedEvent>("parse_webhook", p.methods<orders_payment_v1_t>().parse_webhook,
                                                       m, std::string_view("evnt"));
    CPPUNIT_ASSERT(!misspelled.ok() && misspelled.error().code == orders::sdk::ErrorCode::internal);
    const std::string text = loaded.value()->metrics().renderPrometheus();
    CPPUNIT_ASSERT_MESSAGE(text,
                           text.find("orders_plugin_contract_violations_total{instance=\"misspelled\","
                                     "method=\"create_payment\"} 3") != std::string::npos); // word, expiry, amount
    CPPUNIT_ASSERT_MESSAGE(text, text.find("orders_plugin_contract_violations_total{instance=\"misspelled\","
                                           "method=\"parse_webhook\"} 1") != std::string::npos);
  }

  void breakerOpensOnFailingPeerAndClosesAfterRecovery() {
    orders::testing::HttpPeer peer;
    peer.on("GET", "/products/p1", {503, "{}"});
    metrics::MetricsRegistry metrics;
    auto now = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    Loaded l = load(configWith("[{name: good, breaker: {failure_threshold: 3, open_ms: 200}, "
                               "http: {retries: 0}, config: {peer_url: \"" +
                               peer.baseUrl() + "\"}}]"),
                    metrics, [now] { return *now; });
    CPPUNIT_ASSERT_MESSAGE(l.message(), l.registry.ok());
    auto *p = l.registry.value()->find("catalog", "good");
    orders::sdk::LookupRequest req;
    req.items.push_back({"p1", std::nullopt});
    auto call = [&] {
      return p->call<orders::sdk::LookupResult>("lookup", p->methods<orders_catalog_v1_t>().lookup, req);
    };
    for (int i = 0; i < 3; ++i)
      CPPUNIT_ASSERT(call().error().code == orders::sdk::ErrorCode::unavailable);
    CPPUNIT_ASSERT_EQUAL(size_t(3), peer.count("GET", "/products/p1"));
    auto refused = call();
    CPPUNIT_ASSERT(refused.error().message.find("circuit breaker open") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(size_t(3), peer.count("GET", "/products/p1")); // not attempted
    CPPUNIT_ASSERT_EQUAL(1.0, metrics.value("orders_plugin_breaker_open", {{"instance", "good"}}));

    peer.on("GET", "/products/p1", {200, "{}"});
    *now += std::chrono::milliseconds(199);
    CPPUNIT_ASSERT(call().error().message.find("circuit breaker open") != std::string::npos); // not yet
    *now += std::chrono::milliseconds(2); // open_ms passed on the breaker's clock
    CPPUNIT_ASSERT(call().ok());          // trial call closes it
    CPPUNIT_ASSERT(p->breakerState() == plugins::CircuitBreaker::State::closed);
    CPPUNIT_ASSERT(call().ok());
  }

  void libraryOutlivesRegistryHandleUntilLastInstanceGoes() {
    metrics::MetricsRegistry metrics;
    Loaded l = load(configWith("[{name: good, id: a}, {name: good, id: b}]"), metrics);
    const auto &all = l.registry.value()->all();
    // Both instances share one library handle (opened once).
    CPPUNIT_ASSERT(&all[0]->library() == &all[1]->library());
    l.registry.value().reset(); // destroys instances, then unmaps: must not crash
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoaderTest);
