#include "settings.hpp"

#include "orders/sdk/config_options.hpp"
#include "orders/sdk/money.hpp"
#include "provider_wire.hpp"
#include "secret_option.hpp"

namespace orders::plugins::payment::stripe {

using namespace orders::sdk;

namespace {

struct StripeConfig {
  std::optional<std::string> base_url;
  std::optional<std::string> secret_key_secret;     // the NAME of a host secret
  std::optional<std::string> webhook_secret_secret; // the NAME of a host secret
  std::optional<std::string> stripe_version;
  std::optional<std::vector<std::string>> payment_method_types;
  std::optional<std::string> checkout_url_template;
  std::optional<std::string> description_template;
  std::optional<int64_t> webhook_tolerance_seconds;
  std::optional<int64_t> timeout_ms;
  std::optional<std::map<std::string, int64_t>> currency_exponents;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("secret_key_secret", secret_key_secret);
    v("webhook_secret_secret", webhook_secret_secret);
    v("stripe_version", stripe_version);
    v("payment_method_types", payment_method_types);
    v("checkout_url_template", checkout_url_template);
    v("description_template", description_template);
    v("webhook_tolerance_seconds", webhook_tolerance_seconds);
    v("timeout_ms", timeout_ms);
    v("currency_exponents", currency_exponents);
  }
};

} // namespace

Result<Settings> settingsFrom(const Host &host, const Json::Value &json) {
  const auto config = fromJsonOrThrow<StripeConfig>(json);
  Settings s;
  auto base_url = baseUrlOption("base_url", config.base_url.value_or(kDefaultBaseUrl));
  if (!base_url.ok()) return base_url.error();
  s.base_url = std::move(base_url).value();

  if (config.stripe_version) {
    if (config.stripe_version->empty()) return invalidArgument("stripe_version: must not be empty");
    s.stripe_version = *config.stripe_version;
  }
  for (size_t i = 0; config.payment_method_types && i < config.payment_method_types->size(); ++i) {
    const std::string &type = (*config.payment_method_types)[i];
    if (type.empty() || type.find_first_of("&=[] ") != std::string::npos)
      return invalidArgument("payment_method_types/" + std::to_string(i) + ": '" + type +
                             "' is not a Stripe payment method type");
    s.payment_method_types.push_back(type);
  }
  if (config.checkout_url_template) {
    if (!isHttpUrl(*config.checkout_url_template))
      return invalidArgument("checkout_url_template: expected an http:// or https:// URL, got '" +
                             *config.checkout_url_template + "'");
    s.checkout_url_template = *config.checkout_url_template;
  }
  s.description_template = config.description_template.value_or(kDefaultDescription);
  if (s.description_template.empty()) return invalidArgument("description_template: must not be empty");
  s.tolerance_seconds = config.webhook_tolerance_seconds.value_or(kDefaultToleranceSeconds);
  if (s.tolerance_seconds < 1 || s.tolerance_seconds > 86400)
    return invalidArgument("webhook_tolerance_seconds: must be 1..86400");
  if (config.timeout_ms) {
    if (*config.timeout_ms < 100 || *config.timeout_ms > 120000)
      return invalidArgument("timeout_ms: must be 100..120000");
    s.timeout_ms = *config.timeout_ms;
  }
  s.exponents = orders::sdk::defaultCurrencyExponents();
  for (const auto &[code, places] : config.currency_exponents.value_or(std::map<std::string, int64_t>{})) {
    if (places < 0 || places > 6) return invalidArgument("currency_exponents/" + code + ": must be 0..6");
    s.exponents[orders::common::upperAscii(code)] = static_cast<int>(places);
  }

  auto key = orders::common::requiredSecretOption(host, "secret_key_secret", config.secret_key_secret,
                                                  kDefaultSecretKeySecret);
  if (!key.ok()) return key.error();
  s.authorization = "Bearer " + key.value();
  auto webhook = orders::common::requiredSecretOption(host, "webhook_secret_secret", config.webhook_secret_secret,
                                                      kDefaultWebhookSecretSecret);
  if (!webhook.ok()) return webhook.error();
  s.webhook_secret = std::move(webhook).value();
  return s;
}

} // namespace orders::plugins::payment::stripe
