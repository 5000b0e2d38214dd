// payment/xendit: payments through Xendit's Invoice API (seed 004's
// payment-service gateway): an invoice per order attempt, whose hosted page
// (invoice_url) the buyer pays on; Xendit reports the outcome by callback
// (POST /hooks/payment/<instance>, verified by x-callback-token). All HTTP
// goes through the host (timeouts, retries of idempotent requests, breaker).
#include "callback.hpp"
#include "http_util.hpp"
#include "invoice.hpp"
#include "json_fields.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders_payment_xendit_config_schema.hpp"
#include "settings.hpp"

namespace orders::plugins::payment::xendit {

using namespace orders::sdk;

namespace {

// After these the POST's outcome is unknown: the invoice may exist.
bool outcomeUnknown(const Result<HttpResponse> &r) {
  if (!r.ok()) return r.error().retryable; // timeout, connection lost (a bad URL is not retryable)
  return r->status == 502 || r->status == 503 || r->status == 504;
}

// "POST <url> answered 504", or the transport error (which names the request).
std::string failureText(const Result<HttpResponse> &r, const std::string &request_line) {
  if (r.ok()) return request_line + " answered " + std::to_string(r->status);
  const std::string &message = r.error().message;
  return message.find(request_line) != std::string::npos ? message : request_line + ": " + message;
}

} // namespace

class XenditPayment final : public PaymentProvider {
public:
  XenditPayment(Host host, std::string source, Settings settings)
      : host_(host), source_(std::move(source)), s_(std::move(settings)) {}

  static Result<std::unique_ptr<XenditPayment>> create(PluginContext ctx) {
    auto settings = settingsFrom(ctx.host, ctx.config);
    if (!settings.ok()) return settings.error();
    ctx.host.info("xendit invoices at " + settings->base_url + ", external_id " + settings->external_id_prefix +
                  "<orderId>-<attempt>" + (settings->lookup_first ? ", looked up before every create" : ""));
    return std::make_unique<XenditPayment>(ctx.host, ctx.instanceId, std::move(settings).value());
  }

  // POST /v2/invoices. external_id is deterministic per order attempt; when
  // the POST's outcome is unknown (timeout, connection lost, 502/503/504)
  // the invoice is looked up by external_id, and posted once more only when
  // Xendit has none.
  Result<PaymentResult> createPayment(const PaymentRequest &r) override {
    if (Status valid = validatePayment(s_, r); !valid.ok()) return valid.error();
    const std::string external_id = externalId(s_.external_id_prefix, r.orderId, r.attempt);
    const std::string what = "invoice " + external_id;
    const std::string url = s_.base_url + "/v2/invoices";
    const HttpRequest post = request("POST", url, invoiceBody(s_, r, external_id), false);

    if (s_.lookup_first) {
      auto found = findInvoice(external_id, what);
      if (!found.ok()) return found.error();
      if (found.value()) return std::move(*found.value());
    }
    auto first = host_.http(post);
    if (!outcomeUnknown(first)) return invoiceAnswer(first, what, "POST " + url);

    const std::string failure = what + ": " + failureText(first, "POST " + url);
    host_.warn(failure + "; looking the invoice up by external_id");
    auto found = findInvoice(external_id, what);
    if (!found.ok()) {
      const Error &e = found.error();
      return Error{e.code, failure + "; then " + e.message, e.retryable};
    }
    if (found.value()) {
      host_.counter("xendit_invoice_lookups_total", 1.0, {{"found", "true"}});
      return std::move(*found.value());
    }
    host_.counter("xendit_invoice_lookups_total", 1.0, {{"found", "false"}});
    return invoiceAnswer(host_.http(post), what, "POST " + url);
  }

  // POST /refunds with Idempotency-key (so the host may repeat it safely).
  Result<PaymentResult> refund(const RefundRequest &r) override {
    if (r.reference.empty()) return invalidArgument("/reference: must not be empty");
    if (r.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
    if (r.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
    auto exponent = exponentOf(s_, r.amount.currency, "/amount/currency");
    if (!exponent.ok()) return exponent.error();
    const std::string what = "refund of invoice " + r.reference;
    const std::string url = s_.base_url + "/refunds";
    HttpRequest post = request("POST", url, refundBody(s_, r, exponent.value()), true);
    post.headers["Idempotency-key"] = r.idempotencyKey;
    auto response = host_.http(post);
    if (!response.ok()) return transportError(response.error(), what);
    if (!response->isSuccess()) return statusError(*response, what, "POST " + url);
    auto root = parseAnswer(response->body, what, "POST " + url);
    if (!root.ok()) return root.error();
    auto status = requiredString(root.value(), "status", "");
    if (!status.ok()) return prefixed(status.error(), what);
    if (status.value() == "SUCCEEDED")
      return PaymentResult{r.reference, wireName(PaymentStatus::refunded), std::nullopt, std::nullopt};
    if (status.value() == "PENDING")
      return PaymentResult{r.reference, wireName(PaymentStatus::pending), std::nullopt, std::nullopt};
    if (status.value() == "FAILED") {
      auto code = optionalString(root.value(), "failure_code", "");
      const std::string reason = code.ok() && code.value() ? *code.value() : "no failure_code";
      // An error, not a value: the core records any successful refund() as refunded.
      return rejected(what + ": Xendit refused the refund (" + reason + ")");
    }
    return invalidArgument(what + ": /status: unknown refund status '" + status.value() +
                           "' (expected SUCCEEDED, PENDING or FAILED)");
  }

  // POST /invoices/{id}/expire!. An invoice Xendit no longer knows (404) has
  // nothing left to cancel.
  Result<PaymentResult> cancel(const PaymentRef &payment) override {
    if (payment.reference.empty()) return invalidArgument("/reference: must not be empty");
    const std::string what = "invoice " + payment.reference;
    const std::string url = s_.base_url + "/invoices/" + percentEncode(payment.reference) + "/expire!";
    auto response = host_.http(request("POST", url, "", true));
    if (response.ok() && response->status == 404) {
      host_.info(what + ": Xendit has no such invoice (404); nothing to cancel");
      return PaymentResult{payment.reference, wireName(PaymentStatus::cancelled), std::nullopt, std::nullopt};
    }
    auto result = invoiceAnswer(response, what, "POST " + url);
    if (result.ok() && result->status == wireName(PaymentStatus::failed)) // EXPIRED, as asked
      result->status = wireName(PaymentStatus::cancelled);
    return result;
  }

  // GET /v2/invoices/{id}, for the host's reconciliation.
  Result<PaymentResult> status(const PaymentRef &payment) override {
    if (payment.reference.empty()) return invalidArgument("/reference: must not be empty");
    const std::string url = s_.base_url + "/v2/invoices/" + percentEncode(payment.reference);
    const std::string what = "invoice " + payment.reference;
    auto response = host_.http(request("GET", url, "", true));
    auto result = invoiceAnswer(response, what, "GET " + url);
    if (!result.ok()) return result;
    // What was paid, so the host can check it against what it asked for.
    auto root = parseAnswer(response->body, what, "GET " + url);
    if (!root.ok()) return root.error();
    auto amount = invoiceAmount(s_, root.value(), response->body);
    if (!amount.ok()) return Error{amount.error().code, what + ": " + amount.error().message, false};
    result->amount = std::move(amount).value();
    return result;
  }

  Result<ParsedEvent> parseWebhook(const InboundMessage &message, std::string_view body) override {
    auto header = message.headers.find("x-callback-token");
    if (header == message.headers.end()) return unauthenticated("missing x-callback-token");
    if (!orders::sdk::crypto::constantTimeEquals(header->second, s_.callback_token))
      return unauthenticated("wrong x-callback-token");
    return parseInvoiceCallback(s_, source_, body);
  }

private:
  HttpRequest request(const char *method, const std::string &url, std::string body, bool idempotent) const {
    HttpRequest r;
    r.method = method;
    r.url = url;
    r.headers["Authorization"] = s_.authorization;
    r.headers["Accept"] = "application/json";
    if (!body.empty()) r.headers["Content-Type"] = "application/json";
    r.idempotent = idempotent;
    r.body = std::move(body);
    return r;
  }

  // One invoice answer (create, get, expire) -> PaymentResult.
  static Result<PaymentResult> invoiceAnswer(const Result<HttpResponse> &response, const std::string &what,
                                             const std::string &request_line) {
    if (!response.ok()) return transportError(response.error(), what);
    if (!response->isSuccess()) return statusError(*response, what, request_line);
    auto root = parseAnswer(response->body, what, request_line);
    if (!root.ok()) return root.error();
    return invoiceResult(root.value(), "", what);
  }

  // GET /v2/invoices?external_id=...: the invoice of that external_id, or
  // nullopt when Xendit has none (an empty list, or 404).
  Result<std::optional<PaymentResult>> findInvoice(const std::string &external_id, const std::string &what) const {
    const std::string url = s_.base_url + "/v2/invoices?external_id=" + percentEncode(external_id);
    auto response = host_.http(request("GET", url, "", true));
    if (!response.ok()) return transportError(response.error(), "lookup of " + what);
    if (response->status == 404) return std::optional<PaymentResult>();
    if (!response->isSuccess()) return statusError(*response, "lookup of " + what, "GET " + url);
    auto root = parseAnswer(response->body, "lookup of " + what, "GET " + url);
    if (!root.ok()) return root.error();
    return pickInvoice(root.value(), external_id, "lookup of " + what);
  }

  // All immutable after create(): safe to read from concurrent calls.
  Host host_;
  std::string source_; // the instance id: the source of payment events
  const Settings s_;
};

} // namespace orders::plugins::payment::xendit

ORDERS_PLUGIN(orders::plugins::payment::xendit::XenditPayment, "xendit", "1.0.0",
              "Payments through Xendit invoices (hosted payment page, callbacks, refunds)", kConfigSchema)
