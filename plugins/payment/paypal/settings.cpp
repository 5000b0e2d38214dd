#include "settings.hpp"

#include "orders/sdk/config_options.hpp"
#include "orders/sdk/money.hpp"
#include "provider_wire.hpp"
#include "secret_option.hpp"

namespace orders::plugins::payment::paypal {

using namespace orders::sdk;

namespace {

struct PaypalConfig {
  std::optional<std::string> base_url;
  std::optional<std::string> client_id_secret;     // the NAME of a host secret
  std::optional<std::string> client_secret_secret; // the NAME of a host secret
  std::optional<std::string> webhook_id;
  std::optional<std::string> description_template;
  std::optional<std::string> return_url;
  std::optional<std::string> cancel_url;
  std::optional<std::string> brand_name;
  std::optional<bool> capture_on_approval;
  std::optional<int64_t> token_refresh_margin_seconds;
  std::optional<int64_t> webhook_tolerance_seconds;
  std::optional<int64_t> timeout_ms;
  std::optional<std::map<std::string, int64_t>> currency_exponents;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("client_id_secret", client_id_secret);
    v("client_secret_secret", client_secret_secret);
    v("webhook_id", webhook_id);
    v("description_template", description_template);
    v("return_url", return_url);
    v("cancel_url", cancel_url);
    v("brand_name", brand_name);
    v("capture_on_approval", capture_on_approval);
    v("token_refresh_margin_seconds", token_refresh_margin_seconds);
    v("webhook_tolerance_seconds", webhook_tolerance_seconds);
    v("timeout_ms", timeout_ms);
    v("currency_exponents", currency_exponents);
  }
};

} // namespace

Result<Settings> settingsFrom(const Host &host, const Json::Value &json) {
  const auto config = fromJsonOrThrow<PaypalConfig>(json);
  Settings s;
  auto base_url = baseUrlOption("base_url", config.base_url.value_or(kDefaultBaseUrl));
  if (!base_url.ok()) return base_url.error();
  s.base_url = std::move(base_url).value();
  if (config.webhook_id) {
    if (config.webhook_id->empty()) return invalidArgument("webhook_id: must not be empty");
    s.webhook_id = *config.webhook_id;
  }
  s.description_template = config.description_template.value_or(kDefaultDescription);
  if (s.description_template.empty()) return invalidArgument("description_template: must not be empty");
  const struct {
    const char *key;
    const std::optional<std::string> *value;
    std::optional<std::string> *out;
  } urls[] = {{"return_url", &config.return_url, &s.return_url}, {"cancel_url", &config.cancel_url, &s.cancel_url}};
  for (const auto &u : urls) {
    if (!*u.value) continue;
    if (!isHttpUrl(**u.value))
      return invalidArgument(std::string(u.key) + ": expected an http:// or https:// URL, got '" + **u.value + "'");
    *u.out = **u.value;
  }
  if (config.brand_name && !config.brand_name->empty()) s.brand_name = *config.brand_name;
  s.capture_on_approval = config.capture_on_approval.value_or(true);
  s.token_margin_seconds = config.token_refresh_margin_seconds.value_or(kDefaultTokenMarginSeconds);
  if (s.token_margin_seconds < 0 || s.token_margin_seconds > 3600)
    return invalidArgument("token_refresh_margin_seconds: must be 0..3600");
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

  auto id =
      orders::common::requiredSecretOption(host, "client_id_secret", config.client_id_secret, kDefaultClientIdSecret);
  if (!id.ok()) return id.error();
  auto secret = orders::common::requiredSecretOption(host, "client_secret_secret", config.client_secret_secret,
                                                     kDefaultClientSecretSecret);
  if (!secret.ok()) return secret.error();
  s.basic_authorization = "Basic " + orders::common::base64(id.value() + ":" + secret.value());
  return s;
}

} // namespace orders::plugins::payment::paypal
