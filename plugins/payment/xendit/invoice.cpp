#include "invoice.hpp"

#include <utility>

#include "http_util.hpp"
#include "json_fields.hpp"
#include "json_text.hpp"
#include "money.hpp"

namespace orders::plugins::payment::xendit {

using namespace orders::sdk;
using orders::common::fillOrderText;
using orders::sdk::wire::upperAscii;

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "+62 811-2345-678" -> "+628112345678". Xendit refuses the whole invoice
// when customer.mobile_number is not E.164, so anything else is left out.
std::optional<std::string> e164(const std::string &phone) {
  std::string out;
  for (char c : phone)
    if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') out += c;
  if (out.size() < 8 || out.size() > 16 || out[0] != '+' || out[1] == '0') return std::nullopt;
  for (size_t i = 1; i < out.size(); ++i)
    if (!isDigit(out[i])) return std::nullopt;
  return out;
}

bool present(const std::optional<std::string> &text) { return text && !text->empty(); }

} // namespace

std::string externalId(const std::string &prefix, const std::string &order_id, int64_t attempt) {
  return prefix + order_id + "-" + std::to_string(attempt);
}

std::optional<std::string> orderIdFromExternalId(const std::string &prefix, const std::string &external_id) {
  if (external_id.size() <= prefix.size() || external_id.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  const size_t dash = external_id.rfind('-');
  if (dash == std::string::npos || dash <= prefix.size() || dash + 1 == external_id.size()) return std::nullopt;
  for (size_t i = dash + 1; i < external_id.size(); ++i)
    if (!isDigit(external_id[i])) return std::nullopt;
  return external_id.substr(prefix.size(), dash - prefix.size());
}

Result<int> exponentOf(const Settings &s, const std::string &currency, const std::string &pointer) {
  auto it = s.exponents.find(currency);
  if (it == s.exponents.end())
    return invalidArgument(pointer + ": no decimal places known for currency '" + currency +
                           "'; add it to currency_exponents");
  return it->second;
}

Status validatePayment(const Settings &s, const PaymentRequest &r) {
  if (r.orderId.empty()) return invalidArgument("/orderId: must not be empty");
  if (r.attempt < 1) return invalidArgument("/attempt: must be >= 1");
  if (r.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
  auto exponent = exponentOf(s, r.amount.currency, "/amount/currency");
  if (!exponent.ok()) return exponent.error();
  for (size_t i = 0; i < r.items.size(); ++i) {
    const LineItem &item = r.items[i];
    const std::string at = "/items/" + std::to_string(i);
    if (item.quantity <= 0) return invalidArgument(at + "/quantity: must be > 0");
    if (item.unitPrice.amountMinor < 0) return invalidArgument(at + "/unitPrice/amountMinor: must be >= 0");
    if (item.unitPrice.currency != r.amount.currency)
      return invalidArgument(at + "/unitPrice/currency: '" + item.unitPrice.currency +
                             "' is not the payment's currency '" + r.amount.currency + "'");
  }
  return Status();
}

std::string invoiceBody(const Settings &s, const PaymentRequest &r, const std::string &external_id) {
  const int exponent = s.exponents.at(r.amount.currency); // validatePayment() checked it
  JsonObjectText body;
  body.string("external_id", external_id);
  body.number("amount", minorToMajor(r.amount.amountMinor, exponent));
  body.string("currency", r.amount.currency);
  const std::optional<Party> &customer = r.customer;
  if (customer && present(customer->email) && customer->email->find('@') != std::string::npos)
    body.string("payer_email", *customer->email);
  body.string("description", fillOrderText(s.description_template, r.orderId, r.orderNumber, r.attempt));
  body.integer("invoice_duration", s.invoice_duration_seconds);
  if (s.success_redirect_url)
    body.string("success_redirect_url",
                fillOrderText(*s.success_redirect_url, r.orderId, r.orderNumber, r.attempt, true));
  if (s.failure_redirect_url)
    body.string("failure_redirect_url",
                fillOrderText(*s.failure_redirect_url, r.orderId, r.orderNumber, r.attempt, true));

  if (!r.items.empty()) {
    std::vector<std::string> items;
    for (const LineItem &item : r.items) {
      JsonObjectText line;
      line.string("name", item.title.empty() ? item.productId : item.title);
      line.integer("quantity", item.quantity);
      line.number("price", minorToMajor(item.unitPrice.amountMinor, exponent));
      auto category = item.attributes.find("category");
      if (category != item.attributes.end() && !category->second.empty()) line.string("category", category->second);
      items.push_back(line.text());
    }
    body.raw("items", arrayText(items));
  }

  if (customer) {
    JsonObjectText who;
    if (present(customer->name)) who.string("given_names", *customer->name);
    if (present(customer->email) && customer->email->find('@') != std::string::npos)
      who.string("email", *customer->email);
    if (customer->phone) {
      if (std::optional<std::string> mobile = e164(*customer->phone)) who.string("mobile_number", *mobile);
    }
    if (!who.empty()) body.raw("customer", who.text());
  }

  JsonObjectText metadata;
  metadata.string("order_id", r.orderId);
  if (!r.orderNumber.empty()) metadata.string("order_number", r.orderNumber);
  metadata.integer("attempt", r.attempt);
  body.raw("metadata", metadata.text());
  return body.text();
}

std::optional<PaymentStatus> paymentStatusOf(const std::string &invoice_status) {
  if (invoice_status == "PENDING") return PaymentStatus::pending;
  if (invoice_status == "PAID" || invoice_status == "SETTLED") return PaymentStatus::captured;
  if (invoice_status == "EXPIRED") return PaymentStatus::failed; // PaymentResult has no "expired"
  return std::nullopt;
}

Result<PaymentResult> invoiceResult(const Json::Value &invoice, const std::string &at, const std::string &what) {
  if (!invoice.isObject()) return invalidArgument(what + ": " + pointerLabel(at) + ": expected object");
  auto id = requiredString(invoice, "id", at);
  if (!id.ok()) return prefixed(id.error(), what);
  auto status = requiredString(invoice, "status", at);
  if (!status.ok()) return prefixed(status.error(), what);
  auto url = optionalString(invoice, "invoice_url", at);
  if (!url.ok()) return prefixed(url.error(), what);
  auto expiry = optionalString(invoice, "expiry_date", at);
  if (!expiry.ok()) return prefixed(expiry.error(), what);
  const std::optional<PaymentStatus> mapped = paymentStatusOf(status.value());
  if (!mapped)
    return invalidArgument(what + ": " + at + "/status: unknown invoice status '" + status.value() +
                           "' (expected PENDING, PAID, SETTLED or EXPIRED)");
  PaymentResult out;
  out.reference = std::move(id).value();
  out.status = wireName(*mapped);
  out.redirectUrl = std::move(url).value();
  if (*mapped == PaymentStatus::pending) out.expiresAt = std::move(expiry).value(); // nothing left to expire otherwise
  return out;
}

Result<std::optional<PaymentResult>> pickInvoice(const Json::Value &listed, const std::string &external_id,
                                                 const std::string &what) {
  std::vector<std::pair<const Json::Value *, std::string>> candidates; // invoice, its pointer
  if (listed.isArray()) {
    for (Json::ArrayIndex i = 0; i < listed.size(); ++i)
      candidates.emplace_back(&listed[i], "/" + std::to_string(i));
  } else if (listed.isObject()) {
    candidates.emplace_back(&listed, "");
  } else {
    return invalidArgument(what + ": /: expected array");
  }
  std::optional<PaymentResult> pending, first;
  for (const auto &[invoice, at] : candidates) {
    auto listed_id = optionalString(*invoice, "external_id", at);
    if (!listed_id.ok()) return prefixed(listed_id.error(), what);
    if (listed_id.value() && *listed_id.value() != external_id) continue; // not ours
    auto result = invoiceResult(*invoice, at, what);
    if (!result.ok()) return result.error();
    if (result->status == wireName(PaymentStatus::captured))
      return std::optional<PaymentResult>(std::move(result).value());
    if (result->status == wireName(PaymentStatus::pending) && !pending) pending = result.value();
    if (!first) first = result.value();
  }
  return pending ? pending : first;
}

std::string refundBody(const Settings &s, const RefundRequest &r, int exponent) {
  std::string reason = s.refund_reason;
  std::optional<std::string> detail; // free text that is not one of Xendit's reasons
  if (present(r.reason)) {
    const std::string code = replaceAll(upperAscii(*r.reason), " ", "_");
    if (isRefundReason(code))
      reason = code;
    else
      detail = *r.reason;
  }
  JsonObjectText body;
  body.string("invoice_id", r.reference);
  body.string("reason", reason);
  body.number("amount", minorToMajor(r.amount.amountMinor, exponent));
  body.string("currency", r.amount.currency);
  JsonObjectText metadata;
  metadata.string("order_id", r.orderId);
  if (detail) metadata.string("reason_detail", *detail);
  body.raw("metadata", metadata.text());
  return body.text();
}

} // namespace orders::plugins::payment::xendit
