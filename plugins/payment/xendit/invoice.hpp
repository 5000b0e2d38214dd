// payment/xendit: Xendit invoices <-> the SDK's payment messages.
//
//   external_id    "<external_id_prefix><orderId>-<attempt>", e.g. "order-5f0c...e1-1":
//                  deterministic, so a retry of one attempt names the same invoice;
//                  the order id comes back out of it (split at the last '-').
//   POST body      invoiceBody(): amounts in major units as exact decimals.
//   answers        invoiceResult(): id -> reference, status -> pending |
//                  captured | failed, invoice_url -> redirectUrl, expiry_date
//                  -> expiresAt (pending only).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orders/sdk/contract.hpp"
#include "orders/sdk/messages.hpp"
#include "settings.hpp"

namespace orders::plugins::payment::xendit {

std::string externalId(const std::string &prefix, const std::string &order_id, int64_t attempt);

// The order id inside an external id made by externalId() with `prefix`, or
// nullopt when `external_id` is not of that form.
std::optional<std::string> orderIdFromExternalId(const std::string &prefix, const std::string &external_id);

// Decimal places of `currency`; invalid_argument naming `pointer` when unknown.
sdk::Result<int> exponentOf(const Settings &s, const std::string &currency, const std::string &pointer);

// Checks what Xendit needs of a payment request (non-empty order id, attempt
// >= 1, positive amount in a known currency, items in that currency);
// invalid_argument naming the request field.
sdk::Status validatePayment(const Settings &s, const sdk::PaymentRequest &r);

// The JSON body of POST /v2/invoices for a validated request.
std::string invoiceBody(const Settings &s, const sdk::PaymentRequest &r, const std::string &external_id);

// Xendit's invoice status -> PaymentResult status (EXPIRED -> failed); nullopt when unknown.
std::optional<sdk::PaymentStatus> paymentStatusOf(const std::string &invoice_status);

// One invoice object of an answer -> PaymentResult. `at` is its pointer in
// the answer ("" or "/0"); errors are invalid_argument "<what>: <pointer>: ...".
sdk::Result<sdk::PaymentResult> invoiceResult(const Json::Value &invoice, const std::string &at,
                                              const std::string &what);

// The invoice to report among those GET /v2/invoices?external_id= listed
// (only entries with that external_id): a PAID or SETTLED one, else a
// PENDING one, else the first; nullopt when there is none.
sdk::Result<std::optional<sdk::PaymentResult>> pickInvoice(const Json::Value &listed, const std::string &external_id,
                                                           const std::string &what);

// The JSON body of POST /refunds for a validated request.
std::string refundBody(const Settings &s, const sdk::RefundRequest &r, int exponent);

} // namespace orders::plugins::payment::xendit
