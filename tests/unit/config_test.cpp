#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <unistd.h>

#include "config/config_loader.hpp"
#include "config/env_subst.hpp"
#include "config/schema_validator.hpp"
#include "orders/sdk/config_schema.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host::config;

namespace {

EnvLookup envOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string &name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// Writes `text` to a temp file removed at scope exit.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string &text, const std::string &suffix = ".yaml") {
    char name[] = "/tmp/orders-config-XXXXXX";
    const int fd = mkstemp(name);
    CPPUNIT_ASSERT(fd >= 0);
    close(fd);
    path = std::string(name) + suffix;
    std::rename(name, path.c_str());
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

std::string loadError(const std::string &text, const EnvLookup &env = envOf({})) {
  TempFile f(text);
  auto r = loadConfigFile(f.path, env);
  CPPUNIT_ASSERT_MESSAGE("expected a config error", !r.ok());
  const std::string prefix = f.path + ": ";
  const std::string &m = r.error().message;
  CPPUNIT_ASSERT_MESSAGE(m, m.rfind(prefix, 0) == 0);
  return m.substr(prefix.size());
}

} // namespace

class ConfigTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConfigTest);
  CPPUNIT_TEST(envVariablesAreSubstituted);
  CPPUNIT_TEST(envDefaultIsUsedWhenUnsetOrEmpty);
  CPPUNIT_TEST(unsetVariableWithoutDefaultIsAnErrorNamingIt);
  CPPUNIT_TEST(dollarDollarIsALiteralDollar);
  CPPUNIT_TEST(plainScalarsAreTypedAfterSubstitution);
  CPPUNIT_TEST(aliasesCannotRecurseOrExplode);
  CPPUNIT_TEST(quotedScalarsStayStrings);
  CPPUNIT_TEST(duplicateKeysAreRejected);
  CPPUNIT_TEST(yamlSyntaxErrorNamesTheLine);
  CPPUNIT_TEST(jsonConfigFilesAreAccepted);
  CPPUNIT_TEST(defaultsAreAppliedFromTheSchema);
  CPPUNIT_TEST(outOfRangeValueNamesPointerAndRule);
  CPPUNIT_TEST(unknownKeyNamesPointer);
  CPPUNIT_TEST(wrongTypeNamesExpectedType);
  CPPUNIT_TEST(enumViolationListsAllowedValues);
  CPPUNIT_TEST(missingRequiredFieldNamesIt);
  CPPUNIT_TEST(everyViolationIsReported);
  CPPUNIT_TEST(missingFileIsNotFound);
  CPPUNIT_TEST(envErrorInsideDocumentNamesPointer);
  CPPUNIT_TEST(textThatIsNotUtf8IsRefusedBeforeValijson);
  CPPUNIT_TEST_SUITE_END();

public:
  // tests/fuzz found valijson reading past a table on such text (minLength).
  void textThatIsNotUtf8IsRefusedBeforeValijson() {
    using orders::sdk::schema::detail::validUtf8;
    CPPUNIT_ASSERT(validUtf8("plain") && validUtf8("caf\xc3\xa9") && validUtf8("\xf0\x9f\x98\x80"));
    for (const char *bad : {"\x9c\x9c\x9c", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ab\xff"})
      CPPUNIT_ASSERT_MESSAGE(bad, !validUtf8(bad));
    auto v = SchemaValidator::compile(orders::sdk::parseJson(
        R"({"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":5}}})"));
    CPPUNIT_ASSERT(v.ok());
    Json::Value doc(Json::objectValue);
    doc["name"] = std::string(40, '\x9c');
    const auto violations = v.value()->validate(doc);
    CPPUNIT_ASSERT_EQUAL(size_t(1), violations.size());
    CPPUNIT_ASSERT_EQUAL(std::string("/name"), violations[0].pointer);
    CPPUNIT_ASSERT_EQUAL(std::string("must be valid UTF-8"), violations[0].message);
    Json::Value key(Json::objectValue);
    key["ok"][std::string("\xff")] = 1;
    CPPUNIT_ASSERT_EQUAL(std::string("/ok"), v.value()->validate(key).at(0).pointer);
  }

  void envVariablesAreSubstituted() {
    auto r = substituteEnv("http://${HOST}:${PORT}/x", envOf({{"HOST", "cat"}, {"PORT", "8000"}}));
    CPPUNIT_ASSERT_EQUAL(std::string("http://cat:8000/x"), r.value());
  }
  void envDefaultIsUsedWhenUnsetOrEmpty() {
    CPPUNIT_ASSERT_EQUAL(std::string("8084"), substituteEnv("${PORT:-8084}", envOf({})).value());
    CPPUNIT_ASSERT_EQUAL(std::string("8084"), substituteEnv("${PORT:-8084}", envOf({{"PORT", ""}})).value());
    CPPUNIT_ASSERT_EQUAL(std::string("9"), substituteEnv("${PORT:-8084}", envOf({{"PORT", "9"}})).value());
    CPPUNIT_ASSERT_EQUAL(std::string("a"), substituteEnv("a${EMPTY:-}", envOf({})).value());
    // A default may use variables itself, evaluated only when it is used.
    const std::string jwks = "${JWKS_URL:-https://${DOMAIN}/.well-known/jwks.json}";
    CPPUNIT_ASSERT_EQUAL(std::string("https://tenant.auth0.com/.well-known/jwks.json"),
                         substituteEnv(jwks, envOf({{"DOMAIN", "tenant.auth0.com"}})).value());
    CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:9/k"),
                         substituteEnv(jwks, envOf({{"JWKS_URL", "http://127.0.0.1:9/k"}})).value());
    CPPUNIT_ASSERT_EQUAL(std::string("environment variable DOMAIN is not set"),
                         substituteEnv(jwks, envOf({})).error().message);
    CPPUNIT_ASSERT(!substituteEnv("${A:-${B:-x}", envOf({})).ok()); // unterminated
  }
  void unsetVariableWithoutDefaultIsAnErrorNamingIt() {
    auto r = substituteEnv("${SERVICE_SECRET}", envOf({}));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("environment variable SERVICE_SECRET is not set"), r.error().message);
    CPPUNIT_ASSERT(!substituteEnv("${UNTERMINATED", envOf({})).ok());
    CPPUNIT_ASSERT(!substituteEnv("${1BAD}", envOf({})).ok());
  }
  void dollarDollarIsALiteralDollar() {
    CPPUNIT_ASSERT_EQUAL(std::string("cost $5 ${X}"), substituteEnv("cost $5 $${X}", envOf({})).value());
  }
  void plainScalarsAreTypedAfterSubstitution() {
    auto r = parseConfigText("a: ${P:-8084}\nb: true\nc: ~\nd: 1.5\ne: text\n", "t", envOf({}));
    const Json::Value &v = r.value();
    CPPUNIT_ASSERT(v["a"].isInt64() && v["a"].asInt64() == 8084);
    CPPUNIT_ASSERT(v["b"].isBool() && v["b"].asBool());
    CPPUNIT_ASSERT(v["c"].isNull());
    CPPUNIT_ASSERT(v["d"].isDouble());
    CPPUNIT_ASSERT(v["e"].isString());
    // Numbers a double cannot hold stay text, as integers beyond int64 do (found by fuzz.config_yaml: they threw).
    auto big = parseConfigText("a: 1e999\nb: -2.5e-400\nc: 99999999999999999999\n", "t", envOf({}));
    CPPUNIT_ASSERT_MESSAGE(big.ok() ? "" : big.error().message, big.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("1e999"), big.value()["a"].asString());
    CPPUNIT_ASSERT(big.value()["b"].isString() && big.value()["c"].isString());
    CPPUNIT_ASSERT_EQUAL(std::string("/http/port: must be of type integer"), loadError("http:\n  port: 1e999\n"));
  }
  // An alias inside the node it names recursed until the stack overflowed
  // (found by fuzz.config_yaml); aliases repeating aliases grow exponentially.
  void aliasesCannotRecurseOrExplode() {
    auto loop = parseConfigText("service: &s {name: x, log: *s}\n", "t", envOf({}));
    CPPUNIT_ASSERT(!loop.ok());
    CPPUNIT_ASSERT_MESSAGE(loop.error().message,
                           loop.error().message.find("nested more than 64 levels deep") != std::string::npos);
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"; // 10^8 values by h
    for (char c = 'b'; c <= 'h'; ++c) {
      const std::string previous = std::string("*") + static_cast<char>(c - 1);
      bomb += std::string(1, c) + ": &" + c + " [" + previous;
      for (int i = 1; i < 10; ++i)
        bomb += ", " + previous;
      bomb += "]\n";
    }
    auto exploded = parseConfigText(bomb, "t", envOf({}));
    CPPUNIT_ASSERT(!exploded.ok());
    CPPUNIT_ASSERT_MESSAGE(exploded.error().message,
                           exploded.error().message.find("once aliases are expanded") != std::string::npos);
  }
  void quotedScalarsStayStrings() {
    auto r = parseConfigText("a: \"8084\"\nb: 'true'\nc: \"${P:-1}\"\n", "t", envOf({}));
    CPPUNIT_ASSERT(r.value()["a"].isString());
    CPPUNIT_ASSERT(r.value()["b"].isString());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), r.value()["c"].asString());
  }
  void duplicateKeysAreRejected() {
    auto r = parseConfigText("http:\n  port: 1\n  port: 2\n", "c.yaml", envOf({}));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("c.yaml: /http/port: duplicate key (line 3)"), r.error().message);
  }
  void yamlSyntaxErrorNamesTheLine() {
    auto r = parseConfigText("http:\n  port: [1, 2\n", "c.yaml", envOf({}));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().message.rfind("c.yaml: line ", 0) == 0);
  }
  void jsonConfigFilesAreAccepted() {
    TempFile f("{\"http\": {\"port\": 9000}, \"service\": {\"name\": \"${N:-json}\"}}", ".json");
    auto r = loadConfigFile(f.path, envOf({}));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(9000, r.value()["http"]["port"].asInt());
    CPPUNIT_ASSERT_EQUAL(std::string("json"), r.value()["service"]["name"].asString());
  }
  void defaultsAreAppliedFromTheSchema() {
    TempFile f("plugins:\n  catalog:\n    - name: static\n");
    auto r = loadConfigFile(f.path, envOf({}));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    const Json::Value &v = r.value();
    CPPUNIT_ASSERT_EQUAL(8080, v["http"]["port"].asInt());
    CPPUNIT_ASSERT_EQUAL(64, v["http"]["threads"].asInt());
    CPPUNIT_ASSERT_EQUAL(std::string("info"), v["log"]["level"].asString());
    const Json::Value &inst = v["plugins"]["catalog"][0];
    CPPUNIT_ASSERT_EQUAL(10000, inst["timeout_ms"].asInt());
    CPPUNIT_ASSERT_EQUAL(5, inst["breaker"]["failure_threshold"].asInt());
    CPPUNIT_ASSERT_EQUAL(2, inst["http"]["retries"].asInt());
    CPPUNIT_ASSERT(inst["config"].isObject());
  }
  void outOfRangeValueNamesPointerAndRule() {
    CPPUNIT_ASSERT_EQUAL(std::string("/http/port: must be <= 65535"), loadError("http:\n  port: 70000\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("/plugins/payment/0/timeout_ms: must be >= 10"),
                         loadError("plugins:\n  payment:\n    - {name: manual, timeout_ms: 5}\n"));
  }
  void unknownKeyNamesPointer() {
    CPPUNIT_ASSERT_EQUAL(std::string("/http/prot: unknown key"), loadError("http:\n  prot: 80\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("/plugins/shiping: unknown key"), loadError("plugins:\n  shiping: []\n"));
  }
  void wrongTypeNamesExpectedType() {
    CPPUNIT_ASSERT_EQUAL(std::string("/http/threads: must be of type integer"), loadError("http:\n  threads: many\n"));
  }
  void enumViolationListsAllowedValues() {
    CPPUNIT_ASSERT_EQUAL(std::string("/log/level: must be one of: debug, info, warn, error"),
                         loadError("log:\n  level: loud\n"));
  }
  void missingRequiredFieldNamesIt() {
    CPPUNIT_ASSERT_EQUAL(std::string("/plugins/cart/0/name: is required"),
                         loadError("plugins:\n  cart:\n    - {id: c1}\n"));
  }
  void everyViolationIsReported() {
    TempFile f("http:\n  port: -1\nlog:\n  level: loud\n");
    auto r = loadConfigFile(f.path, envOf({}));
    CPPUNIT_ASSERT(r.error().message.find("/http/port: must be >= 0") != std::string::npos);
    CPPUNIT_ASSERT(r.error().message.find("/log/level: must be one of") != std::string::npos);
  }
  void missingFileIsNotFound() {
    auto r = loadConfigFile("/nonexistent/config.yaml", envOf({}));
    CPPUNIT_ASSERT(r.error().code == orders::sdk::ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(std::string("/nonexistent/config.yaml: cannot open config file"), r.error().message);
  }
  void envErrorInsideDocumentNamesPointer() {
    CPPUNIT_ASSERT_EQUAL(std::string("/secrets/key/value: environment variable XENDIT_KEY is not set"),
                         loadError("secrets:\n  key: {value: \"${XENDIT_KEY}\"}\n"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
