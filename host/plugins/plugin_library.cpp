#include "plugins/plugin_library.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "orders/sdk/host.hpp"
#include "plugins/plugin_kinds.hpp"

namespace orders::host::plugins {

namespace {
constexpr uint32_t kHeaderSize = offsetof(orders_plugin_descriptor_t, kind); // struct_size + abi version
} // namespace

sdk::Result<std::shared_ptr<PluginLibrary>> PluginLibrary::open(const std::string &file, const std::string &label) {
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->file_ = file;
  if (!std::filesystem::exists(file)) return sdk::notFound(label + ": " + file + " does not exist");
  try {
    lib->library_.load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception &e) {
    return sdk::invalidArgument(label + ": cannot load " + file + ": " + e.what());
  }
  if (!lib->library_.has(ORDERS_PLUGIN_ENTRY_SYMBOL))
    return sdk::invalidArgument(label + ": " + file + " does not export " + ORDERS_PLUGIN_ENTRY_SYMBOL);
  auto entry = lib->library_.get<const orders_plugin_descriptor_t *()>(ORDERS_PLUGIN_ENTRY_SYMBOL);
  const orders_plugin_descriptor_t *d = entry();
  if (d == nullptr) return sdk::invalidArgument(label + ": " + ORDERS_PLUGIN_ENTRY_SYMBOL + "() returned NULL");

  const std::string host_abi = std::to_string(ORDERS_ABI_MAJOR) + "." + std::to_string(ORDERS_ABI_MINOR);
  if (d->struct_size < kHeaderSize)
    return sdk::invalidArgument(label + ": descriptor struct_size " + std::to_string(d->struct_size) +
                                " is too small to hold an ABI version");
  const std::string plugin_abi = std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor);
  if (d->abi_major != ORDERS_ABI_MAJOR)
    return sdk::invalidArgument(label + ": built for ABI " + plugin_abi + ", host speaks ABI " + host_abi +
                                " (major versions differ)");
  if (d->abi_minor > ORDERS_ABI_MINOR)
    return sdk::invalidArgument(label + ": built for ABI " + plugin_abi + ", newer than the host's ABI " + host_abi);
  // The descriptor a plugin of this minor has: 1.0 ends at `methods`.
  const size_t expected = d->abi_minor == 0 ? ORDERS_DESCRIPTOR_V1_0_SIZE : sizeof(orders_plugin_descriptor_t);
  if (d->struct_size < expected)
    return sdk::invalidArgument(label + ": descriptor struct_size " + std::to_string(d->struct_size) +
                                " is smaller than ABI " + plugin_abi + " requires (" + std::to_string(expected) + ")");
  if (d->struct_size > expected)
    return sdk::invalidArgument(label + ": descriptor struct_size " + std::to_string(d->struct_size) +
                                " is larger than ABI " + plugin_abi + " defines (" + std::to_string(expected) + ")");

  const KindInfo *kind = kindById(d->kind);
  if (kind == nullptr) return sdk::invalidArgument(label + ": unknown plugin kind " + std::to_string(d->kind));
  if (d->abi_minor < kind->since_minor)
    return sdk::invalidArgument(label + ": kind " + std::string(kind->name) + " needs ABI 1." +
                                std::to_string(kind->since_minor) + ", the plugin declares ABI " + plugin_abi);
  if (d->name == nullptr || d->version == nullptr || d->config_schema == nullptr || d->create == nullptr ||
      d->destroy == nullptr)
    return sdk::invalidArgument(label + ": descriptor lacks name, version, config_schema, create or destroy");
  const auto *table = static_cast<const uint32_t *>(d->methods); // every table starts with struct_size
  if (table == nullptr) return sdk::invalidArgument(label + ": descriptor has no method table");
  if (*table < kind->min_table_size)
    return sdk::invalidArgument(label + ": " + std::string(kind->name) + " method table struct_size " +
                                std::to_string(*table) + " is smaller than " + std::to_string(kind->min_table_size));
  const size_t words = (kind->table_size + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
  lib->methods_ = std::make_unique<std::max_align_t[]>(words); // value-initialised: all zero
  std::memcpy(lib->methods_.get(), d->methods, std::min<size_t>(*table, kind->table_size));
  lib->descriptor_ = d;
  return lib;
}

std::string PluginLibrary::name() const { return descriptor_->name; }
std::string PluginLibrary::version() const { return descriptor_->version; }
std::string PluginLibrary::kindName() const { return std::string(kindById(descriptor_->kind)->name); }
std::string PluginLibrary::configSchema() const { return descriptor_->config_schema; }

std::string PluginLibrary::description() const {
  if (ORDERS_HAS_MEMBER(orders_plugin_descriptor_t, descriptor_, description) && descriptor_->description != nullptr)
    return descriptor_->description;
  return "";
}

bool PluginLibrary::hasReady() const {
  return ORDERS_HAS_MEMBER(orders_plugin_descriptor_t, descriptor_, ready) && descriptor_->ready != nullptr;
}

} // namespace orders::host::plugins
