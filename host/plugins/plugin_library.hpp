// An opened plugin library whose descriptor passed every ABI check.
//
// open() runs the first half of the load pipeline (DESIGN.md section 3):
// open the file, find `orders_plugin_descriptor_v1`, call it, check the
// descriptor is non-null, its ABI version and struct size, the hash of
// the abi.h it was compiled with (1.6 on), a known kind,
// and a method table large enough for that kind. Every failure is one
// message starting with the caller's label ("plugin payment/xendit: ...").
//
// Lifetime: the library stays mapped while any shared_ptr to it lives;
// every PluginInstance holds one, so no object a plugin created can outlive
// its code. Thread-safety: immutable after open().
#pragma once

#include <boost/dll/shared_library.hpp>

#include <memory>
#include <string>

#include "orders/sdk/abi.h"
#include "orders/sdk/result.hpp"

namespace orders::host::plugins {

// The SHA-256 of abi.h as released for major.minor (orders/sdk/abi_hash.h),
// or nullptr for minors released before the hash handshake (1.0 to 1.5) and
// minors this host does not know.
const char *knownAbiHash(uint16_t major, uint16_t minor);

class PluginLibrary {
public:
  static sdk::Result<std::shared_ptr<PluginLibrary>> open(const std::string &file, const std::string &label);

  const orders_plugin_descriptor_t &descriptor() const { return *descriptor_; }
  // The kind's method table as this host's abi.h defines it: the plugin's
  // table copied (up to its struct_size) into zero-filled storage of the
  // current size, so a slot added after the plugin was built reads NULL
  // ("not offered") instead of past the end of the plugin's table (the
  // OBS model). Every slot is read through this copy, never the original.
  const void *methods() const { return methods_.get(); }
  const std::string &file() const { return file_; }
  std::string name() const;
  std::string version() const;
  std::string kindName() const;
  std::string description() const; // "" when the plugin predates ABI 1.1
  std::string buildInfo() const;   // how it was built; "" before ABI 1.6 or when not given
  std::string abiHash() const;     // SHA-256 of its abi.h; "" before ABI 1.6
  std::string configSchema() const;
  // True when the descriptor has the 1.1 `ready` slot and it is set.
  bool hasReady() const;

private:
  PluginLibrary() = default;
  boost::dll::shared_library library_;
  const orders_plugin_descriptor_t *descriptor_ = nullptr;
  std::unique_ptr<std::max_align_t[]> methods_; // see methods()
  std::string file_;
};

} // namespace orders::host::plugins
