// The one list of plugin kinds the host knows (names, ABI ids, and the
// smallest method table each kind must provide).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "orders/sdk/abi.h"

namespace orders::host::plugins {

struct KindInfo {
  orders_kind_t id;
  std::string_view name;
  size_t min_table_size;    // struct_size of the kind's first method table
  size_t table_size;        // sizeof the kind's table in this host's abi.h
  uint16_t since_minor = 0; // ABI minor that introduced the kind
};

const std::vector<KindInfo> &allKinds();
const KindInfo *kindByName(std::string_view name);
const KindInfo *kindById(orders_kind_t id);

} // namespace orders::host::plugins
