#include "callback.hpp"

#include "invoice.hpp"
#include "json_fields.hpp"
#include "money.hpp"
#include "orders/sdk/contract.hpp"

namespace orders::plugins::payment::xendit {

using namespace orders::sdk;

namespace {

// The paid (or invoiced) amount at `pointer` in minor units of `currency`.
Result<int64_t> amountAt(const Json::Value &value, const std::string &pointer, std::string_view body,
                         const std::string &currency, int exponent) {
  if (!value.isNumeric() || value.isBool()) return invalidArgument(pointer + ": expected number");
  const std::string text = numberText(value, body);
  int64_t minor = 0;
  switch (decimalToMinor(text, exponent, minor)) {
  case DecimalError::none: return minor;
  case DecimalError::malformed: return invalidArgument(pointer + ": '" + text + "' is not a decimal number");
  case DecimalError::negative: return invalidArgument(pointer + ": '" + text + "' is negative");
  case DecimalError::too_large: return invalidArgument(pointer + ": '" + text + "' is too large");
  case DecimalError::too_precise:
    return invalidArgument(pointer + ": '" + text + "' has more decimal places than " + currency + " allows (" +
                           std::to_string(exponent) + ")");
  }
  return invalidArgument(pointer + ": unreadable amount '" + text + "'");
}

} // namespace

Result<Money> invoiceAmount(const Settings &s, const Json::Value &root, std::string_view body) {
  auto currency = requiredString(root, "currency", "");
  if (!currency.ok()) return currency.error();
  auto exponent = exponentOf(s, currency.value(), "/currency");
  if (!exponent.ok()) return exponent.error();
  const Json::Value *paid_amount = memberOf(root, "paid_amount");
  const Json::Value *amount = paid_amount != nullptr ? paid_amount : memberOf(root, "amount");
  if (amount == nullptr) return invalidArgument("/amount: is required");
  auto minor =
      amountAt(*amount, paid_amount != nullptr ? "/paid_amount" : "/amount", body, currency.value(), exponent.value());
  if (!minor.ok()) return minor.error();
  return Money{minor.value(), currency.value()};
}

Result<ParsedEvent> parseInvoiceCallback(const Settings &s, const std::string &source, std::string_view body) {
  auto parsed = orders::common::parseObjectBody(body);
  if (!parsed.ok()) return parsed.error();
  const Json::Value root = std::move(parsed).value();

  auto id = requiredString(root, "id", "");
  if (!id.ok()) return id.error();
  auto status = requiredString(root, "status", "");
  if (!status.ok()) return status.error();
  const std::string &st = status.value();
  const bool paid = st == "PAID" || st == "SETTLED";
  if (!paid && st != "EXPIRED")
    return ignoredEvent("invoice " + id.value() + " status '" + st + "' is not PAID, SETTLED or EXPIRED");

  auto external_id = requiredString(root, "external_id", "");
  if (!external_id.ok()) return external_id.error();
  const Json::Value *metadata = memberOf(root, "metadata");
  if (metadata != nullptr && !metadata->isObject()) return invalidArgument("/metadata: expected object");
  const Json::Value no_metadata(Json::objectValue);
  const Json::Value &meta = metadata != nullptr ? *metadata : no_metadata;
  auto meta_order = optionalString(meta, "order_id", "/metadata");
  if (!meta_order.ok()) return meta_order.error();
  auto meta_number = optionalString(meta, "order_number", "/metadata");
  if (!meta_number.ok()) return meta_number.error();

  std::optional<std::string> order_id = meta_order.value();
  if (!order_id || order_id->empty()) order_id = orderIdFromExternalId(s.external_id_prefix, external_id.value());
  if (!order_id)
    return ignoredEvent("invoice " + id.value() + ": external_id '" + external_id.value() + "' is not of the form '" +
                        s.external_id_prefix + "<orderId>-<attempt>' and metadata has no order_id (another system's?)");

  auto money = invoiceAmount(s, root, body);
  if (!money.ok()) return money.error();

  // When it happened: paid_at for a payment, updated for an expiry.
  auto occurred = optionalString(root, paid ? "paid_at" : "updated", "");
  if (!occurred.ok()) return occurred.error();

  PaymentEvent event;
  event.source = source;
  event.eventId = id.value() + ":" + st;
  event.type = wireName(paid ? PaymentEventType::paid : PaymentEventType::expired);
  event.orderId = std::move(order_id);
  if (meta_number.value() && !meta_number.value()->empty()) event.orderNumber = meta_number.value();
  event.paymentReference = id.value();
  event.amount = std::move(money).value();
  event.occurredAt = std::move(occurred).value();
  ParsedEvent out;
  out.outcome = wireName(EventOutcome::event);
  out.event = std::move(event);
  return out;
}

} // namespace orders::plugins::payment::xendit
