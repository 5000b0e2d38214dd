// payment/paypal: the instance's config, resolved once at create().
//
// Thread-safety: immutable after settingsFrom().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "orders/sdk/host.hpp"

namespace orders::plugins::payment::paypal {

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
inline constexpr const char *kDefaultBaseUrl = "https://api-m.paypal.com";
inline constexpr const char *kDefaultClientIdSecret = "PAYPAL_CLIENT_ID";
inline constexpr const char *kDefaultClientSecretSecret = "PAYPAL_CLIENT_SECRET";
inline constexpr const char *kDefaultDescription = "Order {orderNumber}";
inline constexpr int64_t kDefaultTokenMarginSeconds = 60;
inline constexpr int64_t kDefaultToleranceSeconds = 600;

struct Settings {
  std::string base_url;                  // without a trailing '/'
  std::string basic_authorization;       // "Basic base64(client_id:client_secret)", for the token call only
  std::optional<std::string> webhook_id; // the webhook's id in PayPal's dashboard; absent: webhooks refused
  std::string description_template;      // {orderNumber}, {orderId}, {attempt}
  std::optional<std::string> return_url; // experience_context; {orderId}, {orderNumber}
  std::optional<std::string> cancel_url;
  std::optional<std::string> brand_name;
  bool capture_on_approval = true; // CHECKOUT.ORDER.APPROVED and a status poll of an APPROVED order capture it
  int64_t token_margin_seconds = kDefaultTokenMarginSeconds;
  int64_t tolerance_seconds = kDefaultToleranceSeconds; // PAYPAL-TRANSMISSION-TIME vs now
  std::optional<int64_t> timeout_ms;
  std::map<std::string, int> exponents; // this service's decimal places per currency
};

sdk::Result<Settings> settingsFrom(const sdk::Host &host, const Json::Value &config);

} // namespace orders::plugins::payment::paypal
