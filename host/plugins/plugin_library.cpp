#include "plugins/plugin_library.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "orders/sdk/abi_hash.h"
#include "orders/sdk/host.hpp"
#include "plugins/plugin_kinds.hpp"

namespace orders::host::plugins {

namespace {
constexpr uint32_t kHeaderSize = offsetof(orders_plugin_descriptor_t, kind); // struct_size + abi version

// The descriptor a plugin of this minor has: 1.0 ends at `methods`, 1.1 to
// 1.5 at `ready`, 1.6 at `build_info`.
size_t descriptorSizeOf(uint16_t minor) {
  if (minor == 0) return ORDERS_DESCRIPTOR_V1_0_SIZE;
  if (minor < 6) return ORDERS_DESCRIPTOR_V1_1_SIZE;
  return sizeof(orders_plugin_descriptor_t);
}

std::string shortHash(const std::string &hash) { return hash.size() > 12 ? hash.substr(0, 12) + "..." : hash; }
} // namespace

const char *knownAbiHash(uint16_t major, uint16_t minor) {
  if (major != 1) return nullptr;
  switch (minor) {
  case 6: return ORDERS_ABI_HASH_1_6;
  default: return nullptr; // before the handshake (1.0 to 1.5), or newer than this host
  }
}

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
  const size_t expected = descriptorSizeOf(d->abi_minor);
  if (d->struct_size < expected)
    return sdk::invalidArgument(label + ": descriptor struct_size " + std::to_string(d->struct_size) +
                                " is smaller than ABI " + plugin_abi + " requires (" + std::to_string(expected) + ")");
  if (d->struct_size > expected)
    return sdk::invalidArgument(label + ": descriptor struct_size " + std::to_string(d->struct_size) +
                                " is larger than ABI " + plugin_abi + " defines (" + std::to_string(expected) + ")");
  lib->descriptor_ = d; // buildInfo() from here on
  const std::string built = lib->buildInfo().empty() ? "" : " (built with " + lib->buildInfo() + ")";
  // The handshake: the header the plugin was compiled with must be the one
  // its declared minor was released with (1.6 on; older plugins carry none).
  if (const char *expected_hash = knownAbiHash(d->abi_major, d->abi_minor)) {
    if (d->abi_hash == nullptr)
      return sdk::invalidArgument(label + ": declares ABI " + plugin_abi + " but its descriptor has no abi_hash" +
                                  built);
    if (std::strcmp(d->abi_hash, expected_hash) != 0)
      return sdk::invalidArgument(label + ": was compiled with an abi.h whose SHA-256 is " + shortHash(d->abi_hash) +
                                  ", not ABI " + plugin_abi + "'s " + shortHash(expected_hash) +
                                  ": the header was edited without a version bump or comes from another SDK; "
                                  "rebuild it against the installed SDK" +
                                  built);
  }

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

std::string PluginLibrary::buildInfo() const {
  if (ORDERS_HAS_MEMBER(orders_plugin_descriptor_t, descriptor_, build_info) && descriptor_->build_info != nullptr)
    return descriptor_->build_info;
  return "";
}

std::string PluginLibrary::abiHash() const {
  if (ORDERS_HAS_MEMBER(orders_plugin_descriptor_t, descriptor_, abi_hash) && descriptor_->abi_hash != nullptr)
    return descriptor_->abi_hash;
  return "";
}

bool PluginLibrary::hasReady() const {
  return ORDERS_HAS_MEMBER(orders_plugin_descriptor_t, descriptor_, ready) && descriptor_->ready != nullptr;
}

} // namespace orders::host::plugins
