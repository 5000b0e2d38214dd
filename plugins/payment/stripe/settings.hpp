// payment/stripe: the instance's config, resolved once at create().
//
// Thread-safety: immutable after settingsFrom().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orders/sdk/host.hpp"

namespace orders::plugins::payment::stripe {

// Absent keys take these defaults, equal to config.schema.json's (the host
// applies the schema's; sdk/testing's harness does not).
inline constexpr const char *kDefaultBaseUrl = "https://api.stripe.com";
inline constexpr const char *kDefaultSecretKeySecret = "STRIPE_SECRET_KEY";
inline constexpr const char *kDefaultWebhookSecretSecret = "STRIPE_WEBHOOK_SECRET";
inline constexpr const char *kDefaultDescription = "Order {orderNumber}";
inline constexpr int64_t kDefaultToleranceSeconds = 300;

struct Settings {
  std::string base_url;                             // without a trailing '/'
  std::string authorization;                        // "Bearer <secret key>"
  std::string webhook_secret;                       // whsec_..., the HMAC key as is
  std::optional<std::string> stripe_version;        // Stripe-Version header when set
  std::vector<std::string> payment_method_types;    // empty: automatic_payment_methods[enabled]=true
  std::optional<std::string> checkout_url_template; // redirectUrl; empty: the client_secret
  std::string description_template;                 // {orderNumber}, {orderId}, {attempt}
  int64_t tolerance_seconds = kDefaultToleranceSeconds;
  std::optional<int64_t> timeout_ms;    // per HTTP attempt; absent: the instance's http.timeout_ms
  std::map<std::string, int> exponents; // this service's decimal places per currency
};

// Validates `config` and resolves both secrets through `host`; errors name the key.
sdk::Result<Settings> settingsFrom(const sdk::Host &host, const Json::Value &config);

} // namespace orders::plugins::payment::stripe
