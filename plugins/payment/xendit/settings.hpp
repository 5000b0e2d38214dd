// payment/xendit: the instance's config, resolved once at create().
//
// Thread-safety: immutable after settingsFrom().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "orders/sdk/host.hpp"

namespace orders::plugins::payment::xendit {

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
inline constexpr const char *kDefaultBaseUrl = "https://api.xendit.co";
inline constexpr const char *kDefaultSecretKeySecret = "XENDIT_SECRET_KEY";
inline constexpr const char *kDefaultCallbackTokenSecret = "XENDIT_CALLBACK_TOKEN";
inline constexpr const char *kDefaultExternalIdPrefix = "order-";
inline constexpr const char *kDefaultDescription = "Order {orderNumber}";
inline constexpr int64_t kDefaultInvoiceDurationSeconds = 86400;
inline constexpr const char *kDefaultRefundReason = "OTHERS";

struct Settings {
  std::string base_url;       // without a trailing '/'
  std::string authorization;  // "Basic base64(<secret key>:)"
  std::string callback_token; // the value Xendit sends in x-callback-token
  std::string external_id_prefix;
  std::string description_template; // {orderNumber}, {orderId}, {attempt}
  int64_t invoice_duration_seconds = kDefaultInvoiceDurationSeconds;
  std::optional<std::string> success_redirect_url; // {orderId}, {orderNumber}
  std::optional<std::string> failure_redirect_url;
  std::map<std::string, int> exponents; // decimal places per currency
  std::string refund_reason;            // one of Xendit's refund reasons
  bool lookup_first = true;             // GET by external_id before every POST
};

// True for Xendit's refund reasons (FRAUDULENT, DUPLICATE, REQUESTED_BY_CUSTOMER, CANCELLATION, OTHERS).
bool isRefundReason(const std::string &reason);

// Validates `config` and resolves both secrets through `host`; errors name the key.
sdk::Result<Settings> settingsFrom(const sdk::Host &host, const Json::Value &config);

} // namespace orders::plugins::payment::xendit
