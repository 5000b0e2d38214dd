#include "loaded_plugin.hpp"

#include <stdexcept>

#ifndef ORDERS_PLUGIN_DIR
#error "ORDERS_PLUGIN_DIR must name the directory of the built plugins"
#endif

namespace orders::testing {

Json::Value json(const std::string &text) {
  Json::CharReaderBuilder b;
  std::unique_ptr<Json::CharReader> reader(b.newCharReader());
  Json::Value v;
  std::string errors;
  if (!reader->parse(text.data(), text.data() + text.size(), &v, &errors))
    throw std::invalid_argument("bad JSON in test: " + errors);
  return v;
}

LoadedPlugin::LoadedPlugin(const std::string &kind, const Json::Value &instance, const Json::Value &secrets)
    : kind_(kind) {
  auto loaded = orders::host::conformance::StandalonePlugin::load(
      kind, instance, secrets, {ORDERS_PLUGIN_DIR},
      [offset = offset_] { return std::chrono::steady_clock::now() + std::chrono::milliseconds(offset->load()); });
  if (!loaded.ok()) {
    error_ = loaded.error().message;
    return;
  }
  plugin_ = std::move(loaded).value();
}

LoadedPlugin::~LoadedPlugin() = default;

orders::host::plugins::PluginInstance &LoadedPlugin::instance() const {
  if (!plugin_) throw std::runtime_error("plugin not loaded: " + error_);
  return plugin_->instance();
}

} // namespace orders::testing
