// orders/sdk/testing/plugin_harness.hpp - drive a plugin through its C ABI.
//
// PluginHarness creates an instance from a descriptor (typically the one the
// plugin's own ORDERS_PLUGIN exported, linked into the test) against a
// FakeHost, and calls its method slots exactly as the host does, so tests
// exercise the real trampolines and JSON codecs.
//
// Thread-safety: calls may be made from several threads (as the host does).
#ifndef ORDERS_SDK_TESTING_PLUGIN_HARNESS_HPP
#define ORDERS_SDK_TESTING_PLUGIN_HARNESS_HPP

#include <optional>
#include <string>

#include "orders/sdk/client.hpp"
#include "orders/sdk/testing/fake_host.hpp"

namespace orders::sdk::testing {

// A dialect request as the host would hand it for `route` (path = the route
// pattern, call id "c-1"), optionally from `principal`.
inline DialectRequest dialectRequest(const std::string &method, const std::string &route,
                                     std::optional<CallerPrincipal> principal = std::nullopt) {
  DialectRequest r;
  r.callId = "c-1";
  r.method = method;
  r.route = route;
  r.path = route;
  r.principal = std::move(principal);
  return r;
}

class PluginHarness {
public:
  explicit PluginHarness(const orders_plugin_descriptor_t *descriptor) : descriptor_(descriptor) {}
  ~PluginHarness() {
    if (instance_ != nullptr) descriptor_->destroy(instance_);
  }
  PluginHarness(const PluginHarness &) = delete;
  PluginHarness &operator=(const PluginHarness &) = delete;

  FakeHost &host() noexcept { return host_; }

  // Creates the instance with `overrides_json` plus the `default` of every
  // top-level property of the plugin's config schema the overrides do not
  // set. (Only top-level defaults: nested ones, and validation, are the
  // host's; pass those in full.)
  Status createWithDefaults(const std::string &overrides_json = "{}", const std::string &instance_id = "test") {
    Json::Value config;
    Json::Value schema;
    try {
      config = parseJson(overrides_json);
      schema = parseJson(descriptor_->config_schema != nullptr ? descriptor_->config_schema : "{}");
    } catch (const std::exception &e) {
      return invalidArgument(std::string("createWithDefaults: ") + e.what());
    }
    if (!config.isObject()) return invalidArgument("createWithDefaults: the overrides must be a JSON object");
    const Json::Value &properties = schema["properties"];
    if (properties.isObject())
      for (const std::string &key : properties.getMemberNames())
        if (!config.isMember(key) && properties[key].isMember("default")) config[key] = properties[key]["default"];
    return create(writeJson(config), instance_id);
  }

  // Creates the instance with `config_json` (defaults are NOT applied here:
  // pass what the host would pass after validation).
  Status create(const std::string &config_json, const std::string &instance_id = "test") {
    SinkBuffer err;
    const orders_status_t rc =
        descriptor_->create(host_.services(), bytesOf(instance_id), bytesOf(config_json), &instance_, err.sink());
    if (rc != ORDERS_OK) return err.errorFor(rc);
    return Status();
  }

  // The kind's method table, e.g. table<orders_payment_v1_t>()->create_payment.
  template <class Table> const Table *table() const noexcept {
    return static_cast<const Table *>(descriptor_->methods);
  }
  orders_instance_t *instance() const noexcept { return instance_; }

  template <class Resp, class Req>
  Result<Resp> call(orders_method_fn fn, const Req &request, std::string_view payload = {}) {
    return invoke<Resp>(fn, instance_, request, payload);
  }

private:
  const orders_plugin_descriptor_t *descriptor_;
  FakeHost host_;
  orders_instance_t *instance_ = nullptr;
};

} // namespace orders::sdk::testing

#endif
