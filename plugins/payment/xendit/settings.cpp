#include "settings.hpp"

#include "http_util.hpp"
#include "money.hpp"
#include "orders/sdk/config_options.hpp"
#include "secret_option.hpp"

namespace orders::plugins::payment::xendit {

using namespace orders::sdk;

namespace {

struct XenditConfig {
  std::optional<std::string> base_url;
  std::optional<std::string> secret_key_secret;     // the NAME of a host secret
  std::optional<std::string> callback_token_secret; // the NAME of a host secret
  std::optional<std::string> external_id_prefix;
  std::optional<std::string> description_template;
  std::optional<int64_t> invoice_duration_seconds;
  std::optional<std::string> success_redirect_url;
  std::optional<std::string> failure_redirect_url;
  std::optional<std::map<std::string, int64_t>> currency_exponents;
  std::optional<std::string> refund_reason;
  std::optional<bool> lookup_first;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("secret_key_secret", secret_key_secret);
    v("callback_token_secret", callback_token_secret);
    v("external_id_prefix", external_id_prefix);
    v("description_template", description_template);
    v("invoice_duration_seconds", invoice_duration_seconds);
    v("success_redirect_url", success_redirect_url);
    v("failure_redirect_url", failure_redirect_url);
    v("currency_exponents", currency_exponents);
    v("refund_reason", refund_reason);
    v("lookup_first", lookup_first);
  }
};

} // namespace

bool isRefundReason(const std::string &reason) {
  return reason == "FRAUDULENT" || reason == "DUPLICATE" || reason == "REQUESTED_BY_CUSTOMER" ||
         reason == "CANCELLATION" || reason == "OTHERS";
}

Result<Settings> settingsFrom(const Host &host, const Json::Value &json) {
  const auto config = fromJsonOrThrow<XenditConfig>(json);
  Settings s;
  auto base_url = baseUrlOption("base_url", config.base_url.value_or(kDefaultBaseUrl));
  if (!base_url.ok()) return base_url.error();
  s.base_url = std::move(base_url).value();

  s.external_id_prefix = config.external_id_prefix.value_or(kDefaultExternalIdPrefix);
  if (s.external_id_prefix.size() > 64) return invalidArgument("external_id_prefix: longer than 64 characters");
  s.description_template = config.description_template.value_or(kDefaultDescription);
  if (s.description_template.empty()) return invalidArgument("description_template: must not be empty");
  s.invoice_duration_seconds = config.invoice_duration_seconds.value_or(kDefaultInvoiceDurationSeconds);
  if (s.invoice_duration_seconds < 60 || s.invoice_duration_seconds > 31536000)
    return invalidArgument("invoice_duration_seconds: must be 60..31536000");

  const struct {
    const char *key;
    const std::optional<std::string> *value;
    std::optional<std::string> *out;
  } urls[] = {{"success_redirect_url", &config.success_redirect_url, &s.success_redirect_url},
              {"failure_redirect_url", &config.failure_redirect_url, &s.failure_redirect_url}};
  for (const auto &u : urls) {
    if (!*u.value) continue;
    if (!isHttpUrl(**u.value))
      return invalidArgument(std::string(u.key) + ": expected an http:// or https:// URL, got '" + **u.value + "'");
    *u.out = **u.value;
  }

  s.exponents = defaultCurrencyExponents();
  for (const auto &[code, places] : config.currency_exponents.value_or(std::map<std::string, int64_t>{})) {
    if (places < 0 || places > 6) return invalidArgument("currency_exponents/" + code + ": must be 0..6");
    s.exponents[orders::sdk::wire::upperAscii(code)] = static_cast<int>(places);
  }

  s.refund_reason = config.refund_reason.value_or(kDefaultRefundReason);
  if (!isRefundReason(s.refund_reason))
    return invalidArgument("refund_reason: '" + s.refund_reason +
                           "' is not one of FRAUDULENT, DUPLICATE, REQUESTED_BY_CUSTOMER, CANCELLATION, OTHERS");
  s.lookup_first = config.lookup_first.value_or(true);

  auto key = orders::common::requiredSecretOption(host, "secret_key_secret", config.secret_key_secret,
                                                  kDefaultSecretKeySecret);
  if (!key.ok()) return key.error();
  s.authorization = "Basic " + base64(key.value() + ":"); // Xendit: the secret key as user, empty password
  auto token = orders::common::requiredSecretOption(host, "callback_token_secret", config.callback_token_secret,
                                                    kDefaultCallbackTokenSecret);
  if (!token.ok()) return token.error();
  s.callback_token = std::move(token).value();
  return s;
}

} // namespace orders::plugins::payment::xendit
