#include "paypal_api.hpp"

#include <ctime>
#include <limits>

#include "orders/sdk/contract.hpp"
#include "orders/sdk/money.hpp"
#include "provider_wire.hpp"

namespace orders::plugins::payment::paypal {

using namespace orders::sdk;
using orders::common::fillOrderText;
using orders::common::ignoredEvent;
using orders::common::memberOf;
using orders::common::optionalObject;
using orders::common::optionalString;
using orders::common::prefixed;
using orders::common::replaceAll;
using orders::common::requiredString;

namespace {

// `units` (already in `decimals` places) as a fixed-point string: 1999,2 -> "19.99"; 5,2 -> "0.05".
std::string fixedPoint(int64_t units, int decimals) {
  std::string digits = std::to_string(units);
  if (decimals == 0) return digits;
  const size_t places = static_cast<size_t>(decimals);
  if (digits.size() <= places) digits.insert(0, places + 1 - digits.size(), '0');
  return digits.substr(0, digits.size() - places) + "." + digits.substr(digits.size() - places);
}

} // namespace

std::optional<int> paypalDecimals(const Settings &s, const std::string &currency) {
  if (currency == "HUF" || currency == "JPY" || currency == "TWD") return 0;
  auto it = s.exponents.find(currency);
  if (it == s.exponents.end()) return std::nullopt;
  return it->second;
}

Result<std::string> amountValue(const Settings &s, const Money &money, const std::string &pointer) {
  auto ours = s.exponents.find(money.currency);
  const std::optional<int> theirs = paypalDecimals(s, money.currency);
  if (ours == s.exponents.end() || !theirs)
    return invalidArgument(pointer + "/currency: no decimal places known for currency '" + money.currency +
                           "'; add it to currency_exponents");
  if (money.amountMinor < 0) return invalidArgument(pointer + "/amountMinor: must not be negative");
  int64_t theirs_minor = 0;
  switch (orders::sdk::rescaleMinor(money.amountMinor, ours->second, *theirs, theirs_minor)) {
  case orders::sdk::RescaleError::none: break;
  case orders::sdk::RescaleError::too_large: return invalidArgument(pointer + "/amountMinor: too large");
  case orders::sdk::RescaleError::too_precise:
    return invalidArgument(pointer + "/amountMinor: " + std::to_string(money.amountMinor) + " " + money.currency +
                           " has more decimal places than PayPal takes (" + std::to_string(*theirs) + ")");
  }
  return fixedPoint(theirs_minor, *theirs);
}

Result<Money> moneyOf(const Settings &s, const Json::Value &amount, const std::string &pointer) {
  if (!amount.isObject()) return invalidArgument(pointer + ": expected object");
  auto currency = requiredString(amount, "currency_code", pointer);
  if (!currency.ok()) return currency.error();
  auto value = requiredString(amount, "value", pointer);
  if (!value.ok()) return value.error();
  auto exponent = s.exponents.find(currency.value());
  if (exponent == s.exponents.end())
    return invalidArgument(pointer + "/currency_code: no decimal places known for currency '" + currency.value() +
                           "'; add it to currency_exponents");
  int64_t minor = 0;
  switch (orders::sdk::decimalToMinor(value.value(), exponent->second, minor)) {
  case orders::sdk::DecimalError::none: return Money{minor, currency.value()};
  case orders::sdk::DecimalError::too_precise:
    return invalidArgument(pointer + "/value: '" + value.value() + "' has more decimal places than " +
                           currency.value() + " allows (" + std::to_string(exponent->second) + ")");
  default: return invalidArgument(pointer + "/value: '" + value.value() + "' is not a decimal amount");
  }
}

Status validatePayment(const Settings &s, const PaymentRequest &r) {
  if (r.orderId.empty()) return invalidArgument("/orderId: must not be empty");
  if (r.orderId.size() > 127) return invalidArgument("/orderId: longer than PayPal's custom_id (127)");
  if (r.attempt < 1) return invalidArgument("/attempt: must be >= 1");
  if (r.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
  if (r.amount.amountMinor <= 0) return invalidArgument("/amount/amountMinor: must be > 0");
  auto value = amountValue(s, r.amount, "/amount");
  if (!value.ok()) return value.error();
  return Status();
}

std::string orderBody(const Settings &s, const PaymentRequest &r) {
  Json::Value body(Json::objectValue);
  body["intent"] = "CAPTURE";
  Json::Value unit(Json::objectValue);
  unit["reference_id"] = r.orderId;
  unit["custom_id"] = r.orderId;
  unit["description"] = fillOrderText(s.description_template, r.orderId, r.orderNumber, r.attempt).substr(0, 127);
  unit["amount"]["currency_code"] = r.amount.currency;
  unit["amount"]["value"] = amountValue(s, r.amount, "/amount").value(); // validatePayment() checked it
  body["purchase_units"].append(unit);
  if (s.return_url || s.cancel_url || s.brand_name) {
    Json::Value context(Json::objectValue);
    const std::string id = orders::common::percentEncode(r.orderId);
    const std::string number = orders::common::percentEncode(r.orderNumber);
    if (s.return_url) context["return_url"] = fillOrderText(*s.return_url, id, number, r.attempt);
    if (s.cancel_url) context["cancel_url"] = fillOrderText(*s.cancel_url, id, number, r.attempt);
    if (s.brand_name) context["brand_name"] = *s.brand_name;
    context["user_action"] = "PAY_NOW";
    body["payment_source"]["paypal"]["experience_context"] = context;
  }
  return writeJson(body);
}

std::string refundBody(const RefundRequest &r, const std::string &value) {
  Json::Value body(Json::objectValue);
  body["amount"]["currency_code"] = r.amount.currency;
  body["amount"]["value"] = value;
  body["custom_id"] = r.orderId;
  if (r.reason && !r.reason->empty()) body["note_to_payer"] = r.reason->substr(0, 255);
  return writeJson(body);
}

const Json::Value *firstCapture(const Json::Value &order) {
  const Json::Value *units = memberOf(order, "purchase_units");
  if (units == nullptr || !units->isArray() || units->empty()) return nullptr;
  const Json::Value *payments = memberOf((*units)[0], "payments");
  if (payments == nullptr) return nullptr;
  const Json::Value *captures = memberOf(*payments, "captures");
  if (captures == nullptr || !captures->isArray() || captures->empty()) return nullptr;
  return &(*captures)[0];
}

Result<PaymentResult> orderResult(const Settings &s, const Json::Value &order, const std::string &what) {
  if (!order.isObject()) return invalidArgument(what + ": /: expected object");
  auto id = requiredString(order, "id", "");
  if (!id.ok()) return prefixed(id.error(), what);
  auto status = requiredString(order, "status", "");
  if (!status.ok()) return prefixed(status.error(), what);
  const std::string &st = status.value();
  PaymentResult out;
  out.reference = id.value();
  if (st == "CREATED" || st == "SAVED" || st == "PAYER_ACTION_REQUIRED" || st == "APPROVED") {
    out.status = wireName(PaymentStatus::pending);
    if (const Json::Value *links = memberOf(order, "links"); links != nullptr && links->isArray()) {
      for (const Json::Value &link : *links) {
        auto rel = optionalString(link, "rel", "/links");
        auto href = optionalString(link, "href", "/links");
        if (rel.ok() && href.ok() && rel.value() && href.value() &&
            (*rel.value() == "approve" || *rel.value() == "payer-action")) {
          out.redirectUrl = *href.value();
          break;
        }
      }
    }
  } else if (st == "VOIDED") {
    out.status = wireName(PaymentStatus::cancelled);
  } else if (st == "COMPLETED") {
    const Json::Value *capture = firstCapture(order);
    if (capture == nullptr)
      return invalidArgument(what + ": /purchase_units/0/payments/captures: a COMPLETED order has no capture");
    const std::string at = "/purchase_units/0/payments/captures/0";
    auto capture_status = requiredString(*capture, "status", at);
    if (!capture_status.ok()) return prefixed(capture_status.error(), what);
    const std::string &cs = capture_status.value();
    if (cs == "COMPLETED" || cs == "PARTIALLY_REFUNDED" || cs == "REFUNDED") {
      out.status = wireName(PaymentStatus::captured);
      const Json::Value *amount = memberOf(*capture, "amount");
      if (amount == nullptr) return invalidArgument(what + ": " + at + "/amount: is required");
      auto money = moneyOf(s, *amount, at + "/amount");
      if (!money.ok()) return prefixed(money.error(), what);
      out.amount = std::move(money).value();
    } else if (cs == "PENDING") {
      out.status = wireName(PaymentStatus::pending);
    } else if (cs == "DECLINED" || cs == "FAILED") {
      out.status = wireName(PaymentStatus::failed);
    } else {
      return invalidArgument(what + ": " + at + "/status: unknown capture status '" + cs + "'");
    }
  } else {
    return invalidArgument(what + ": /status: unknown order status '" + st + "'");
  }
  return out;
}

PaypalError paypalErrorOf(const std::string &body) {
  PaypalError out;
  try {
    const Json::Value root = parseJson(body);
    const auto text = [](const Json::Value &o, const char *key) {
      const Json::Value *v = memberOf(o, key);
      return v != nullptr && v->isString() ? v->asString() : std::string();
    };
    out.name = text(root, "name");
    if (out.name.empty()) out.name = text(root, "error"); // the token endpoint's OAuth errors
    out.message = text(root, "message");
    if (out.message.empty()) out.message = text(root, "error_description");
    out.debug_id = text(root, "debug_id");
    if (const Json::Value *details = memberOf(root, "details"); details != nullptr && details->isArray()) {
      if (!details->empty()) out.issue = text((*details)[0], "issue");
    }
  } catch (const DecodeError &) {
  }
  return out;
}

Error paypalError(const HttpResponse &r, const std::string &what, const std::string &request_line) {
  const PaypalError e = paypalErrorOf(r.body);
  std::string detail;
  if (!e.name.empty()) {
    detail = e.name + (e.issue.empty() ? "" : "/" + e.issue) + (e.message.empty() ? "" : ": " + e.message);
    if (!e.debug_id.empty()) detail += " (debug_id " + e.debug_id + ")";
  } else {
    detail = orders::common::excerpt(r.body);
  }
  const std::string message =
      what + ": " + request_line + " answered " + std::to_string(r.status) + (detail.empty() ? "" : ": " + detail);
  if (r.status >= 500 || r.status == 429 || r.status == 408) return unavailable(message);
  if (r.status == 401 || r.status == 403) return unauthenticated(message);
  if (r.status == 409) return Error{ErrorCode::conflict, message, true}; // the request id's first call still runs
  if (r.status == 404) return notFound(message);
  if (r.status == 422) {
    if (e.issue == "INSTRUMENT_DECLINED" || e.issue == "PAYER_ACTION_REQUIRED" || e.issue == "TRANSACTION_REFUSED")
      return rejected(message);
    return invalidArgument(message);
  }
  if (r.status == 400) return invalidArgument(message);
  return internalError(message + " (unexpected status)");
}

std::optional<int64_t> unixFromRfc3339(std::string_view text) {
  const auto digits = [&](size_t at, size_t n, int &out) {
    if (at + n > text.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  std::tm tm{};
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(5, 2, month) || text[7] != '-' ||
      !digits(8, 2, day) || (text[10] != 'T' && text[10] != 't') || !digits(11, 2, hour) || text[13] != ':' ||
      !digits(14, 2, minute) || text[16] != ':' || !digits(17, 2, second))
    return std::nullopt;
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9')
      ++at;
  }
  int64_t offset = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh, om;
    if (!digits(at + 1, 2, oh) || at + 3 >= text.size() || text[at + 3] != ':' || !digits(at + 4, 2, om))
      return std::nullopt;
    offset = (text[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  tm.tm_year = year - 1900, tm.tm_mon = month - 1, tm.tm_mday = day;
  tm.tm_hour = hour, tm.tm_min = minute, tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

Result<ParsedEvent> translateCaptureEvent(const Settings &s, const std::string &source, const Json::Value &event) {
  auto id = requiredString(event, "id", "");
  if (!id.ok()) return id.error();
  auto type = requiredString(event, "event_type", "");
  if (!type.ok()) return type.error();
  const std::string &t = type.value();
  std::optional<PaymentEventType> event_type;
  if (t == "PAYMENT.CAPTURE.COMPLETED") event_type = PaymentEventType::paid;
  if (t == "PAYMENT.CAPTURE.DENIED") event_type = PaymentEventType::failed;
  if (t == "PAYMENT.CAPTURE.REFUNDED") event_type = PaymentEventType::refunded;
  if (!event_type) return ignoredEvent("PayPal event " + id.value() + " of type '" + t + "' is not handled");

  auto resource = optionalObject(event, "resource", "");
  if (!resource.ok()) return resource.error();
  if (resource.value() == nullptr) return invalidArgument("/resource: is required");
  const Json::Value &r = *resource.value();
  auto custom_id = optionalString(r, "custom_id", "/resource");
  if (!custom_id.ok()) return custom_id.error();
  std::optional<std::string> paypal_order;
  if (const Json::Value *supplementary = memberOf(r, "supplementary_data"))
    if (const Json::Value *related = memberOf(*supplementary, "related_ids")) {
      auto order = optionalString(*related, "order_id", "/resource/supplementary_data/related_ids");
      if (!order.ok()) return order.error();
      paypal_order = order.value();
    }
  if ((!custom_id.value() || custom_id.value()->empty()) && !paypal_order)
    return ignoredEvent("PayPal " + t + " " + id.value() + " names neither custom_id nor an order (another system's?)");

  PaymentEvent out;
  out.source = source;
  out.eventId = id.value();
  out.type = wireName(*event_type);
  if (custom_id.value() && !custom_id.value()->empty()) out.orderId = custom_id.value();
  out.paymentReference = paypal_order;
  if (auto when = optionalString(event, "create_time", ""); when.ok() && when.value()) out.occurredAt = when.value();
  if (event_type != PaymentEventType::failed) {
    const Json::Value *amount = memberOf(r, "amount");
    if (amount == nullptr) return invalidArgument("/resource/amount: is required");
    auto money = moneyOf(s, *amount, "/resource/amount");
    if (!money.ok()) return money.error();
    out.amount = std::move(money).value();
  }
  ParsedEvent parsed;
  parsed.outcome = wireName(EventOutcome::event);
  parsed.event = std::move(out);
  return parsed;
}

} // namespace orders::plugins::payment::paypal
