// payment/paypal: Orders v2, captures and refunds <-> the SDK's payment messages.
//
//   amounts   PayPal wants decimal STRINGS in the currency's decimals
//             ("19.99" USD, "1500" JPY; HUF/JPY/TWD take none): amountValue()
//             formats exactly, moneyOf() reads back exactly.
//   orders    orderBody(): intent CAPTURE, one purchase unit whose
//             reference_id and custom_id are the order id; orderResult():
//             id -> reference, status -> pending | captured | cancelled,
//             links[rel=approve|payer-action] -> redirectUrl, the capture's
//             amount -> amount.
//   errors    paypalError(): {name, message, details[{issue}]} -> the SDK's
//             codes (table in README.md).
//   events    translateCaptureEvent(): PAYMENT.CAPTURE.* -> ParsedEvent.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/messages.hpp"
#include "settings.hpp"

namespace orders::plugins::payment::paypal {

// Decimal places PayPal takes for `currency`: 0 for HUF, JPY and TWD, else
// this service's own (nullopt when unknown).
std::optional<int> paypalDecimals(const Settings &s, const std::string &currency);

// Money -> PayPal's decimal string; invalid_argument naming `pointer`.
sdk::Result<std::string> amountValue(const Settings &s, const sdk::Money &money, const std::string &pointer);

// PayPal's {"currency_code","value"} at `pointer` -> Money in this service's minor units.
sdk::Result<sdk::Money> moneyOf(const Settings &s, const Json::Value &amount, const std::string &pointer);

sdk::Status validatePayment(const Settings &s, const sdk::PaymentRequest &r);

// The JSON body of POST /v2/checkout/orders for a validated request.
std::string orderBody(const Settings &s, const sdk::PaymentRequest &r);

// The JSON body of POST /v2/payments/captures/{id}/refund.
std::string refundBody(const sdk::RefundRequest &r, const std::string &value);

// The first capture of an order (purchase_units[0].payments.captures[0]), or nullptr.
const Json::Value *firstCapture(const Json::Value &order);

// One order object -> PaymentResult. COMPLETED with a COMPLETED capture is
// captured (amount = the capture's); COMPLETED whose capture is DECLINED or
// FAILED is failed; a PENDING capture is pending; VOIDED is cancelled.
sdk::Result<sdk::PaymentResult> orderResult(const Settings &s, const Json::Value &order, const std::string &what);

struct PaypalError {
  std::string name;  // INVALID_REQUEST, UNPROCESSABLE_ENTITY, RESOURCE_NOT_FOUND, ...
  std::string issue; // details[0].issue: INSTRUMENT_DECLINED, ORDER_ALREADY_CAPTURED, ...
  std::string message;
  std::string debug_id;
};
PaypalError paypalErrorOf(const std::string &body);

// A non-2xx answer -> the SDK's error (README.md, "Errors").
sdk::Error paypalError(const sdk::HttpResponse &r, const std::string &what, const std::string &request_line);

// RFC 3339 ("2026-09-21T14:13:20Z", fractions and offsets allowed) -> Unix seconds.
std::optional<int64_t> unixFromRfc3339(std::string_view text);

// PAYMENT.CAPTURE.COMPLETED -> paid, .DENIED -> failed, .REFUNDED -> refunded
// (event id = the webhook event's id); other types: ignored.
sdk::Result<sdk::ParsedEvent> translateCaptureEvent(const Settings &s, const std::string &source,
                                                    const Json::Value &event);

} // namespace orders::plugins::payment::paypal
