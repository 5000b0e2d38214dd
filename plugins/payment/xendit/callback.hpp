// payment/xendit: Xendit's invoice callback body -> ParsedEvent.
//
//   PAID, SETTLED  -> event "paid"     (eventId "<id>:<status>": two events for one invoice,
//   EXPIRED        -> event "expired"   the second of which the core answers already_paid)
//   anything else  -> outcome "ignored" with a reason
//
// orderId comes from metadata.order_id, else from the external_id this
// plugin made (an invoice with neither is another system's: ignored). The
// amount is paid_amount (else amount) converted back to minor units exactly.
// A malformed body is invalid_argument naming the field's pointer.
//
// The x-callback-token check is the caller's (xendit_payment.cpp).
// Thread-safety: pure function.
#pragma once

#include <json/json.h>
#include <string>
#include <string_view>

#include "orders/sdk/messages.hpp"
#include "settings.hpp"

namespace orders::plugins::payment::xendit {

// `source` is the instance id (half of the core's dedupe key).
// The amount an invoice (or callback) document says was paid (paid_amount,
// else amount) in minor units of its currency; `body` is its raw text, read
// for the exact decimal.
sdk::Result<sdk::Money> invoiceAmount(const Settings &s, const Json::Value &root, std::string_view body);

sdk::Result<sdk::ParsedEvent> parseInvoiceCallback(const Settings &s, const std::string &source, std::string_view body);

} // namespace orders::plugins::payment::xendit
