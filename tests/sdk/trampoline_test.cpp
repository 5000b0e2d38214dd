// The ORDERS_PLUGIN trampolines, driven through the C ABI on a FakeHost.
#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

#include "orders/sdk/plugin.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

namespace {

class EchoPayments : public PaymentProvider {
public:
  static Result<std::unique_ptr<EchoPayments>> create(PluginContext ctx) {
    if (ctx.config.get("refuse", false).asBool()) return invalidArgument("refuse: set");
    auto p = std::make_unique<EchoPayments>();
    p->host_ = std::make_unique<Host>(ctx.host);
    p->base_ = ctx.config.get("base", "http://pay.test").asString();
    return p;
  }
  Result<PaymentResult> createPayment(const PaymentRequest &request) override {
    if (request.orderId == "throw") throw std::runtime_error("boom in createPayment");
    if (request.orderId == "throw-int") throw 42;
    HttpRequest req;
    req.method = "POST";
    req.url = base_ + "/payments";
    req.headers["Idempotency-Key"] = request.idempotencyKey;
    req.body = encode(request.amount);
    auto res = host_->http(req);
    if (!res.ok()) return res.error();
    if (res->status != 201) return rejected("payments answered " + std::to_string(res->status));
    host_->counter("payments_created_total", 1, {{"currency", request.amount.currency}});
    host_->info("created payment for " + request.orderId);
    return PaymentResult{"pay-" + request.orderId, "pending", std::string("https://pay.test/r/1"), std::nullopt};
  }
  // Answers the deadline the caller sent as the reference ("none" without).
  Result<PaymentResult> refund(const RefundRequest &) override {
    const auto deadline = callDeadlineUnixMs();
    return PaymentResult{deadline ? std::to_string(*deadline) : "none", "refunded", {}, {}};
  }
  Result<PaymentResult> cancel(const PaymentRef &p) override {
    // "bad": a misspelled status, which the host (and the harness) refuse.
    return PaymentResult{p.reference, p.reference == "bad" ? "canceled" : "cancelled", {}, {}};
  }
  Result<ParsedEvent> parseWebhook(const InboundMessage &m, std::string_view body) override {
    auto secret = host_->secret("callback_token");
    if (!secret.ok()) return secret.error();
    auto it = m.headers.find("x-callback-token");
    if (it == m.headers.end() || it->second != secret.value()) return unauthenticated("bad callback token");
    ParsedEvent e;
    e.outcome = "event";
    e.event = PaymentEvent{"echo", "evt-1", "paid", std::string(body), {}, {}, {}, {}};
    return e;
  }

private:
  std::unique_ptr<Host> host_;
  std::string base_;
};

} // namespace

ORDERS_PLUGIN(EchoPayments, "echo", "1.2.3", "trampoline test plugin", R"({"type":"object",
  "additionalProperties":false,"properties":{"refuse":{"type":"boolean","default":false},
  "base":{"type":"string","default":"http://pay.test"},
  "retry":{"type":"object","default":{},"additionalProperties":false,
           "properties":{"attempts":{"type":"integer","minimum":1,"default":3}}}}})")

class TrampolineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TrampolineTest);
  CPPUNIT_TEST(descriptorCarriesAbiVersionKindAndSizes);
  CPPUNIT_TEST(callGoesThroughHostHttpAndRecordsIt);
  CPPUNIT_TEST(exceptionBecomesInternalError);
  CPPUNIT_TEST(nonStandardExceptionBecomesInternalError);
  CPPUNIT_TEST(badRequestJsonIsInvalidArgumentNamingField);
  CPPUNIT_TEST(transportErrorFromHostPropagatesWithRetryable);
  CPPUNIT_TEST(createErrorIsReturned);
  CPPUNIT_TEST(payloadAndSecretsReachThePlugin);
  CPPUNIT_TEST(defaultOptionalMethodIsUnsupported);
  CPPUNIT_TEST(harnessValidatesAndDefaultsLikeTheHost);
  CPPUNIT_TEST(callDeadlineReachesThePlugin);
  CPPUNIT_TEST(typedCallsRefuseWordsOutsideTheContract);
  CPPUNIT_TEST_SUITE_END();

  static PaymentRequest request(const std::string &order) {
    PaymentRequest r;
    r.orderId = order;
    r.orderNumber = "ORD-1";
    r.idempotencyKey = "order:" + order + ":1";
    r.amount = Money{150000, "IDR"};
    return r;
  }

public:
  void descriptorCarriesAbiVersionKindAndSizes() {
    const orders_plugin_descriptor_t *d = orders_plugin_descriptor_v1();
    CPPUNIT_ASSERT_EQUAL(uint32_t(sizeof(orders_plugin_descriptor_t)), d->struct_size);
    CPPUNIT_ASSERT_EQUAL(uint16_t(ORDERS_ABI_MAJOR), d->abi_major);
    CPPUNIT_ASSERT_EQUAL(uint16_t(ORDERS_ABI_MINOR), d->abi_minor);
    CPPUNIT_ASSERT_EQUAL(ORDERS_KIND_PAYMENT, d->kind);
    CPPUNIT_ASSERT_EQUAL(std::string("echo"), std::string(d->name));
    CPPUNIT_ASSERT_EQUAL(uint32_t(sizeof(orders_payment_v1_t)),
                         static_cast<const orders_payment_v1_t *>(d->methods)->struct_size);
  }
  void callGoesThroughHostHttpAndRecordsIt() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().onHttp("POST", "http://pay.test/payments", HttpResponse{201, {}, "{}"});
    CPPUNIT_ASSERT(h.create("{}").ok());
    auto r = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, request("o1"));
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("pay-o1"), r->reference);
    const auto reqs = h.host().requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), reqs.size());
    CPPUNIT_ASSERT_EQUAL(std::string("order:o1:1"), reqs[0].headers.at("Idempotency-Key"));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"amountMinor\":150000,\"currency\":\"IDR\"}"), reqs[0].body);
    CPPUNIT_ASSERT_EQUAL(std::string("payments_created_total"), h.host().metrics().at(0).name);
    CPPUNIT_ASSERT_EQUAL(std::string("created payment for o1"), h.host().logs().at(0).message);
  }
  void exceptionBecomesInternalError() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create("{}").ok());
    auto r = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, request("throw"));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::internal);
    CPPUNIT_ASSERT_EQUAL(std::string("plugin threw: boom in createPayment"), r.error().message);
  }
  void nonStandardExceptionBecomesInternalError() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create("{}").ok());
    auto r = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, request("throw-int"));
    CPPUNIT_ASSERT(r.error().code == ErrorCode::internal);
  }
  void badRequestJsonIsInvalidArgumentNamingField() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create("{}").ok());
    SinkBuffer sink;
    const std::string bad =
        R"({"orderId":"o","orderNumber":"n","attempt":1,"idempotencyKey":"k","amount":{"amountMinor":"x","currency":"USD"}})";
    const orders_status_t rc =
        h.table<orders_payment_v1_t>()->create_payment(h.instance(), bytesOf(bad), bytesOf(""), sink.sink());
    CPPUNIT_ASSERT_EQUAL(ORDERS_ERR_INVALID_ARGUMENT, rc);
    CPPUNIT_ASSERT_EQUAL(std::string("/amount/amountMinor: expected integer"), sink.errorFor(rc).message);
  }
  void transportErrorFromHostPropagatesWithRetryable() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().onHttpError("POST", "http://pay.test/", unavailable("connection refused"));
    CPPUNIT_ASSERT(h.create("{}").ok());
    auto r = h.call<PaymentResult>(h.table<orders_payment_v1_t>()->create_payment, request("o2"));
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT(r.error().retryable);
    CPPUNIT_ASSERT_EQUAL(std::string("connection refused"), r.error().message);
  }
  void createErrorIsReturned() {
    PluginHarness h(orders_plugin_descriptor_v1());
    Status s = h.create("{\"refuse\":true}");
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("refuse: set"), s.error().message);
    CPPUNIT_ASSERT(h.instance() == nullptr);
  }
  void payloadAndSecretsReachThePlugin() {
    PluginHarness h(orders_plugin_descriptor_v1());
    h.host().setSecret("callback_token", "s3cret");
    CPPUNIT_ASSERT(h.create("{}").ok());
    InboundMessage m;
    m.source = "webhook";
    m.headers["x-callback-token"] = "s3cret";
    auto r = h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, m, "raw\0body");
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("raw"), r->event->orderId.value());
    m.headers["x-callback-token"] = "wrong";
    r = h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_webhook, m, "{}");
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
  }
  void defaultOptionalMethodIsUnsupported() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create("{}").ok());
    InboundMessage m;
    m.source = "kafka";
    // Not overridden: the slot is NULL (not offered), and the caller answers unsupported.
    CPPUNIT_ASSERT(h.table<orders_payment_v1_t>()->parse_event == nullptr);
    CPPUNIT_ASSERT(h.table<orders_payment_v1_t>()->status == nullptr);
    CPPUNIT_ASSERT(h.table<orders_payment_v1_t>()->parse_webhook != nullptr);
    auto r = h.call<ParsedEvent>(h.table<orders_payment_v1_t>()->parse_event, m, "{}");
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unsupported);
  }

  void callDeadlineReachesThePlugin() {
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"deadlineUnixMs":5})"), withDeadline("{}", 5));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"deadlineUnixMs":5,"a":1})"), withDeadline(R"({"a":1})", 5));
    CPPUNIT_ASSERT_EQUAL(std::string("[]"), withDeadline("[]", 5));
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.create("{}").ok());
    RefundRequest r;
    r.reference = "p-1";
    r.orderId = "o-1";
    r.amount = Money{100, "USD"};
    r.idempotencyKey = "refund:1";
    auto with = invoke<PaymentResult>(h.table<orders_payment_v1_t>()->refund, h.instance(), r, {}, 1795341600000);
    CPPUNIT_ASSERT(with.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("1795341600000"), with->reference);
    auto without = h.payment().refund(r); // no deadline sent: none seen, and none left over from the last call
    CPPUNIT_ASSERT_EQUAL(std::string("none"), without->reference);
    CPPUNIT_ASSERT(!callDeadlineUnixMs().has_value());
  }

  void harnessValidatesAndDefaultsLikeTheHost() {
    PluginHarness unknown(orders_plugin_descriptor_v1());
    auto refused = unknown.createWithDefaults(R"({"bogus": 1, "retry": {"attempts": 0}})");
    CPPUNIT_ASSERT(!refused.ok() && refused.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("config/retry/attempts: must be >= 1\nconfig/bogus: unknown key"),
                         refused.error().message);
    PluginHarness wrong(orders_plugin_descriptor_v1());
    auto typed = wrong.createWithDefaults(R"({"refuse": "yes"})");
    CPPUNIT_ASSERT_EQUAL(std::string("config/refuse: must be of type boolean"), typed.error().message);
    // Nested defaults are filled as the host fills them.
    auto filled = orders::sdk::schema::validatedConfig(orders_plugin_descriptor_v1()->config_schema, parseJson("{}"));
    CPPUNIT_ASSERT(filled.ok());
    CPPUNIT_ASSERT_EQUAL(3, filled.value()["retry"]["attempts"].asInt());
    CPPUNIT_ASSERT_EQUAL(std::string("http://pay.test"), filled.value()["base"].asString());
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.createWithDefaults().ok());
  }

  void typedCallsRefuseWordsOutsideTheContract() {
    PluginHarness h(orders_plugin_descriptor_v1());
    CPPUNIT_ASSERT(h.createWithDefaults().ok());
    auto fine = h.payment().cancel(PaymentRef{"p-1", "o-1"});
    CPPUNIT_ASSERT(fine.ok() && fine->status == "cancelled");
    auto bad = h.payment().cancel(PaymentRef{"bad", "o-1"});
    CPPUNIT_ASSERT(!bad.ok() && bad.error().code == ErrorCode::internal);
    CPPUNIT_ASSERT_EQUAL(std::string("answered outside its contract: /status: 'canceled' is not one of pending, "
                                     "captured, failed, cancelled, refunded"),
                         bad.error().message);
    CPPUNIT_ASSERT(h.payment().status(PaymentRef{"p-1", "o-1"}).error().code == ErrorCode::unsupported);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TrampolineTest);
