// customer/http through its C ABI on a FakeHost: the request, field mapping
// (flat, wrapped, first + last name), the cache, and error mapping.
#include <cppunit/extensions/HelperMacros.h>

#include <thread>
#include <vector>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

const std::string kBase = "http://users.test";
const int64_t kT0 = 1'790'000'000'000;

// Pointers into seed 004's wrapped answer {"success": true, "data": {...}}.
const std::string kWrapped = R"("name_pointer":"/data/name","email_pointer":"/data/email",)"
                             R"("phone_pointer":"/data/phoneNumber","first_name_pointer":"/data/firstName",)"
                             R"("last_name_pointer":"/data/lastName")";

HttpResponse answer(int64_t status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// A config with base_url (trailing '/' on purpose) plus `extra` members.
std::string config(const std::string &extra = "") {
  return std::string(R"({"base_url":"http://users.test/")") + (extra.empty() ? "" : "," + extra) + "}";
}

Result<Party> lookup(PluginHarness &h, const std::string &user_id, std::optional<std::string> email = std::nullopt) {
  return h.call<Party>(h.table<orders_customer_v1_t>()->lookup, CustomerRef{user_id, std::move(email)});
}

// FakeHost matches rules by URL prefix: ids in one test never prefix each other.
std::string userUrl(const std::string &id) { return kBase + "/api/users/" + id; }

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string why(const Result<Party> &r) { return r.ok() ? std::string() : r.error().message; }

} // namespace

class HttpCustomerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpCustomerTest);
  CPPUNIT_TEST(getsTheUserAndMapsTheDefaultPointers);
  CPPUNIT_TEST(urlEncodesTheIdIntoTheConfiguredPath);
  CPPUNIT_TEST(mapsAWrappedAnswer);
  CPPUNIT_TEST(joinsFirstAndLastNameWhenTheNameIsAbsent);
  CPPUNIT_TEST(missingOptionalFieldsAreAbsent);
  CPPUNIT_TEST(cacheAnswersRepeatLookupsUntilTheTtlPasses);
  CPPUNIT_TEST(defaultCacheTtlIsOneMinute);
  CPPUNIT_TEST(zeroTtlDisablesTheCache);
  CPPUNIT_TEST(cacheIsBoundedBySize);
  CPPUNIT_TEST(failuresAreNotCached);
  CPPUNIT_TEST(concurrentLookupsShareTheCache);
  CPPUNIT_TEST(notFoundNamesTheUser);
  CPPUNIT_TEST(serverErrorsAreRetryableUnavailable);
  CPPUNIT_TEST(rejectedCredentialsAreUnauthenticated);
  CPPUNIT_TEST(transportErrorKeepsItsCodeAndRetryability);
  CPPUNIT_TEST(malformedJsonNamesTheRootPointer);
  CPPUNIT_TEST(wrongTypedFieldNamesThePointer);
  CPPUNIT_TEST(emptyUserIdIsInvalid);
  CPPUNIT_TEST(createRejectsBadConfig);
  CPPUNIT_TEST_SUITE_END();

public:
  void getsTheUserAndMapsTheDefaultPointers() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", userUrl("u-1"), answer(200, R"({"id":"someone-else","name":"Ann Lee",
        "email":"ann@example.com","phone":"+62 811 000","role":"buyer"})"));
    auto r = lookup(h, "u-1", std::string("gateway@example.com"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());

    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), requests[0].method);
    CPPUNIT_ASSERT_EQUAL(userUrl("u-1"), requests[0].url);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), requests[0].headers.at("Accept"));
    CPPUNIT_ASSERT(requests[0].body.empty());
    // Service authentication is the host's (http.auth): the plugin signs nothing.
    CPPUNIT_ASSERT(requests[0].headers.count("X-Service-Auth") == 0);
    CPPUNIT_ASSERT(requests[0].headers.count("X-Service-Name") == 0);

    CPPUNIT_ASSERT_EQUAL(std::string("u-1"), r->id); // the id asked for, not the answer's
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee"), r->name.value());
    CPPUNIT_ASSERT_EQUAL(std::string("ann@example.com"), r->email.value()); // the directory's, not the gateway's
    CPPUNIT_ASSERT_EQUAL(std::string("+62 811 000"), r->phone.value());
  }

  void urlEncodesTheIdIntoTheConfiguredPath() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("user_path":"v1/users/{id}/profile")")).ok());
    auto r = lookup(h, "a b/\xC3\xBC?"); // unscripted: the FakeHost answers 404
    CPPUNIT_ASSERT_EQUAL(size_t(1), h.host().requests().size());
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), h.host().requests().at(0).method);
    CPPUNIT_ASSERT_EQUAL(kBase + "/v1/users/a%20b%2F%C3%BC%3F/profile", h.host().requests().at(0).url);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::not_found);
  }

  void mapsAWrappedAnswer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(kWrapped)).ok());
    h.host().onHttp("GET", userUrl("u-2"), answer(200, R"({"success":true,"data":{"id":"u-2","name":"Budi Santoso",
        "email":"budi@example.com","phoneNumber":"+6281234567","firstName":"Budi","lastName":"S."}})"));
    auto r = lookup(h, "u-2");
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("u-2"), r->id);
    CPPUNIT_ASSERT_EQUAL(std::string("Budi Santoso"), r->name.value()); // name wins over first + last
    CPPUNIT_ASSERT_EQUAL(std::string("budi@example.com"), r->email.value());
    CPPUNIT_ASSERT_EQUAL(std::string("+6281234567"), r->phone.value());
  }

  void joinsFirstAndLastNameWhenTheNameIsAbsent() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(kWrapped)).ok());
    h.host().onHttp("GET", userUrl("both"), answer(200, R"({"data":{"firstName":"Siti","lastName":"Rahma"}})"));
    h.host().onHttp("GET", userUrl("first"), answer(200, R"({"data":{"firstName":"Siti","lastName":null}})"));
    h.host().onHttp("GET", userUrl("last"), answer(200, R"({"data":{"lastName":"Rahma"}})"));
    h.host().onHttp("GET", userUrl("blank"), answer(200, R"({"data":{"name":"","firstName":"Ann","lastName":"Lee"}})"));
    h.host().onHttp("GET", userUrl("nameless"), answer(200, R"({"data":{"email":"n@example.com"}})"));

    auto both = lookup(h, "both");
    CPPUNIT_ASSERT_MESSAGE(why(both), both.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("Siti Rahma"), both->name.value());
    auto first = lookup(h, "first");
    CPPUNIT_ASSERT_EQUAL(std::string("Siti"), first->name.value());
    auto last = lookup(h, "last");
    CPPUNIT_ASSERT_EQUAL(std::string("Rahma"), last->name.value());
    auto blank = lookup(h, "blank"); // an empty name counts as absent
    CPPUNIT_ASSERT_EQUAL(std::string("Ann Lee"), blank->name.value());
    auto nameless = lookup(h, "nameless");
    CPPUNIT_ASSERT_MESSAGE(why(nameless), nameless.ok());
    CPPUNIT_ASSERT(!nameless->name.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("n@example.com"), nameless->email.value());

    // Without first/last pointers configured, a missing name stays missing.
    PluginHarness plain(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(plain.create(config()).ok());
    plain.host().onHttp("GET", userUrl("u-5"), answer(200, R"({"firstName":"Ann","lastName":"Lee"})"));
    auto r = lookup(plain, "u-5");
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT(!r->name.has_value());
  }

  void missingOptionalFieldsAreAbsent() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", userUrl("u-3"), answer(200, R"({"id":"u-3","name":"Ann","email":null,"phone":""})"));
    h.host().onHttp("GET", userUrl("bare"), answer(200, "{}"));
    auto r = lookup(h, "u-3", std::string("gateway@example.com"));
    CPPUNIT_ASSERT_MESSAGE(why(r), r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("Ann"), r->name.value());
    CPPUNIT_ASSERT(!r->email.has_value()); // null: absent (the core keeps the gateway's email)
    CPPUNIT_ASSERT(!r->phone.has_value()); // "": absent
    auto bare = lookup(h, "bare");
    CPPUNIT_ASSERT_MESSAGE(why(bare), bare.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("bare"), bare->id);
    CPPUNIT_ASSERT(!bare->name.has_value());
    CPPUNIT_ASSERT(!bare->email.has_value());
    CPPUNIT_ASSERT(!bare->phone.has_value());
  }

  void cacheAnswersRepeatLookupsUntilTheTtlPasses() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setNowUnixMs(kT0);
    CPPUNIT_ASSERT(h.create(config(R"("cache_ttl_ms":1000)")).ok());
    h.host().onHttp("GET", userUrl("u-1"), answer(200, R"({"name":"Ann","email":"ann@example.com"})"));
    CPPUNIT_ASSERT(lookup(h, "u-1").ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), h.host().requests().size());

    h.host().setNowUnixMs(kT0 + 999);
    auto cached = lookup(h, "u-1");
    CPPUNIT_ASSERT_MESSAGE(why(cached), cached.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), h.host().requests().size()); // answered from the cache
    CPPUNIT_ASSERT_EQUAL(std::string("u-1"), cached->id);
    CPPUNIT_ASSERT_EQUAL(std::string("Ann"), cached->name.value());
    CPPUNIT_ASSERT_EQUAL(std::string("ann@example.com"), cached->email.value());
    CPPUNIT_ASSERT(!cached->phone.has_value());

    h.host().setNowUnixMs(kT0 + 1000);
    CPPUNIT_ASSERT(lookup(h, "u-1").ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), h.host().requests().size()); // expired: asked again
  }

  void defaultCacheTtlIsOneMinute() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setNowUnixMs(kT0);
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", userUrl("u-1"), answer(200, R"({"name":"Ann"})"));
    CPPUNIT_ASSERT(lookup(h, "u-1").ok());
    h.host().setNowUnixMs(kT0 + 59'999);
    CPPUNIT_ASSERT(lookup(h, "u-1").ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), h.host().requests().size());
    h.host().setNowUnixMs(kT0 + 60'000);
    CPPUNIT_ASSERT(lookup(h, "u-1").ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), h.host().requests().size());
  }

  void zeroTtlDisablesTheCache() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("cache_ttl_ms":0)")).ok());
    h.host().onHttp("GET", userUrl("u-1"), answer(200, R"({"name":"Ann"})"));
    CPPUNIT_ASSERT(lookup(h, "u-1").ok());
    CPPUNIT_ASSERT(lookup(h, "u-1").ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), h.host().requests().size());
  }

  void cacheIsBoundedBySize() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(R"("cache_max_entries":1)")).ok());
    h.host().onHttp("GET", userUrl("ca"), answer(200, R"({"name":"A"})"));
    h.host().onHttp("GET", userUrl("cb"), answer(200, R"({"name":"B"})"));
    CPPUNIT_ASSERT(lookup(h, "ca").ok());
    CPPUNIT_ASSERT(lookup(h, "cb").ok()); // evicts ca
    CPPUNIT_ASSERT(lookup(h, "cb").ok()); // hit
    auto again = lookup(h, "ca");         // miss again
    CPPUNIT_ASSERT_MESSAGE(why(again), again.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("A"), again->name.value());
    const auto requests = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(3), requests.size());
    CPPUNIT_ASSERT_EQUAL(userUrl("ca"), requests[2].url);
  }

  void failuresAreNotCached() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", userUrl("u-4"), answer(503, "busy"));
    h.host().thenHttp(answer(200, R"({"name":"Dewi"})"));
    CPPUNIT_ASSERT(lookup(h, "u-4").error().code == ErrorCode::unavailable);
    auto second = lookup(h, "u-4"); // asked again, and now cached
    CPPUNIT_ASSERT_MESSAGE(why(second), second.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("Dewi"), second->name.value());
    CPPUNIT_ASSERT(lookup(h, "u-4").ok());
    CPPUNIT_ASSERT_EQUAL(size_t(2), h.host().requests().size());
  }

  void concurrentLookupsShareTheCache() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", userUrl("c-1"), answer(200, R"({"name":"Ann"})"));
    h.host().onHttp("GET", userUrl("c-2"), answer(200, R"({"name":"Budi"})"));
    constexpr int kThreads = 8;
    constexpr int kCalls = 50;
    std::vector<int> good(kThreads, 0);
    std::vector<std::thread> callers;
    for (int t = 0; t < kThreads; ++t) {
      callers.emplace_back([&h, &good, t] {
        for (int i = 0; i < kCalls; ++i) {
          const bool even = (t + i) % 2 == 0;
          auto r = lookup(h, even ? "c-1" : "c-2");
          if (r.ok() && r->name == std::string(even ? "Ann" : "Budi")) ++good[static_cast<size_t>(t)];
        }
      });
    }
    for (std::thread &caller : callers)
      caller.join();
    for (int t = 0; t < kThreads; ++t)
      CPPUNIT_ASSERT_EQUAL(kCalls, good[static_cast<size_t>(t)]);
    // At most one miss per user per thread racing the first answer.
    const size_t asked = h.host().requests().size();
    CPPUNIT_ASSERT(asked >= 2);
    CPPUNIT_ASSERT(asked <= size_t(2 * kThreads));
  }

  void notFoundNamesTheUser() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", userUrl("gone-1"), answer(404, R"({"success":false,"error":"User not found"})"));
    auto r = lookup(h, "gone-1");
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT(!r.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("user gone-1 not found (GET " + userUrl("gone-1") + " answered 404)"),
                         r.error().message);
  }

  void serverErrorsAreRetryableUnavailable() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", userUrl("s503"), answer(503, "maintenance"));
    auto r = lookup(h, "s503");
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("user s503: GET " + userUrl("s503") + " answered 503: maintenance"),
                         r.error().message);

    for (int status : {500, 502, 504, 408, 429}) {
      const std::string id = "x" + std::to_string(status);
      h.host().onHttp("GET", userUrl(id), answer(status, R"({"error":"later"})"));
      auto e = lookup(h, id);
      CPPUNIT_ASSERT_MESSAGE(id, !e.ok());
      CPPUNIT_ASSERT_MESSAGE(e.error().message, e.error().code == ErrorCode::unavailable);
      CPPUNIT_ASSERT_MESSAGE(e.error().message, e.error().retryable);
      CPPUNIT_ASSERT_MESSAGE(e.error().message, contains(e.error().message, "user " + id + ": "));
    }
  }

  void rejectedCredentialsAreUnauthenticated() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", userUrl("a401"), answer(401, R"({"error":"Invalid service signature"})"));
    h.host().onHttp("GET", userUrl("a403"), answer(403, R"({"error":"Forbidden"})"));
    for (const char *user : {"a401", "a403"}) {
      const std::string id = user;
      auto r = lookup(h, id);
      CPPUNIT_ASSERT_MESSAGE(id, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().code == ErrorCode::unauthenticated);
      CPPUNIT_ASSERT(!r.error().retryable);
      CPPUNIT_ASSERT_MESSAGE(r.error().message, contains(r.error().message, "user " + id + ": GET "));
    }
  }

  void transportErrorKeepsItsCodeAndRetryability() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttpError("GET", userUrl("t1"), timeoutError("no answer within 300 ms"));
    h.host().onHttpError("GET", userUrl("t2"), Error{ErrorCode::unavailable, "connection refused", false});
    auto timeout = lookup(h, "t1");
    CPPUNIT_ASSERT(timeout.error().code == ErrorCode::timeout);
    CPPUNIT_ASSERT(timeout.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("user t1: no answer within 300 ms"), timeout.error().message);
    auto refused = lookup(h, "t2");
    CPPUNIT_ASSERT(refused.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(!refused.error().retryable); // the host's flag, as given
    CPPUNIT_ASSERT_EQUAL(std::string("user t2: connection refused"), refused.error().message);
  }

  void malformedJsonNamesTheRootPointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    h.host().onHttp("GET", userUrl("m-html"), answer(200, "<html>oops</html>"));
    h.host().onHttp("GET", userUrl("m-str"), answer(200, R"("just text")")); // strict: the root is an object or array
    auto html = lookup(h, "m-html");
    CPPUNIT_ASSERT(html.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!html.error().retryable);
    CPPUNIT_ASSERT_MESSAGE(
        html.error().message,
        contains(html.error().message, "user m-html: GET " + userUrl("m-html") + ": /: malformed JSON"));
    auto text = lookup(h, "m-str");
    CPPUNIT_ASSERT(text.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_MESSAGE(text.error().message, contains(text.error().message, "user m-str: GET " + userUrl("m-str") +
                                                                                    ": /: malformed JSON"));
  }

  void wrongTypedFieldNamesThePointer() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config(kWrapped)).ok());
    h.host().onHttp("GET", userUrl("w-name"), answer(200, R"({"data":{"name":42,"email":"a@example.com"}})"));
    h.host().onHttp("GET", userUrl("w-email"), answer(200, R"({"data":{"name":"A","email":{"primary":"a@x"}}})"));
    h.host().onHttp("GET", userUrl("w-phone"), answer(200, R"({"data":{"name":"A","phoneNumber":[62811]}})"));
    h.host().onHttp("GET", userUrl("w-first"), answer(200, R"({"data":{"firstName":true,"lastName":"Lee"}})"));
    h.host().onHttp("GET", userUrl("w-last"), answer(200, R"({"data":{"firstName":"Ann","lastName":7.5}})"));

    auto name = lookup(h, "w-name");
    CPPUNIT_ASSERT(name.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(!name.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("user w-name: /data/name: expected string or null, got number"),
                         name.error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("user w-email: /data/email: expected string or null, got object"),
                         lookup(h, "w-email").error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("user w-phone: /data/phoneNumber: expected string or null, got array"),
                         lookup(h, "w-phone").error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("user w-first: /data/firstName: expected string or null, got boolean"),
                         lookup(h, "w-first").error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("user w-last: /data/lastName: expected string or null, got number"),
                         lookup(h, "w-last").error().message);
    CPPUNIT_ASSERT_EQUAL(size_t(5), h.host().requests().size());
    CPPUNIT_ASSERT(lookup(h, "w-name").error().code == ErrorCode::invalid_argument); // not cached
    CPPUNIT_ASSERT_EQUAL(size_t(6), h.host().requests().size());
  }

  void emptyUserIdIsInvalid() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create(config()).ok());
    auto r = lookup(h, "");
    CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("/userId: must not be empty"), r.error().message);
    CPPUNIT_ASSERT(h.host().requests().empty());
  }

  void createRejectsBadConfig() {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {config(R"("user_path":"/api/users")"), "user_path: must contain {id}"},
        {config(R"("name_pointer":"name")"), "name_pointer: 'name' is not a JSON pointer"},
        {config(R"("email_pointer":"")"), "email_pointer: '' is not a JSON pointer"},
        {config(R"("first_name_pointer":"/a~2")"), "first_name_pointer: '/a~2' is not a JSON pointer"},
        {config(R"("cache_ttl_ms":-1)"), "cache_ttl_ms: must be >= 0"},
        {config(R"("cache_max_entries":0)"), "cache_max_entries: must be >= 1"},
        {R"({"base_url":"users.test"})", "base_url: expected an http:// or https:// URL"},
        {"{}", "base_url"},
    };
    for (const auto &[text, expected] : cases) {
      PluginHarness h(orders_plugin_descriptor_v1());
      Status s = h.create(text);
      CPPUNIT_ASSERT_MESSAGE(text, !s.ok());
      CPPUNIT_ASSERT_MESSAGE(text, s.error().code == ErrorCode::invalid_argument);
      CPPUNIT_ASSERT_MESSAGE(s.error().message, contains(s.error().message, expected));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpCustomerTest);
