// customer/http: small helpers for building requests and reading answers.
// Header-only. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "orders/sdk/host.hpp"
#include "orders/sdk/wire.hpp"

namespace orders::plugins::customer {

using orders::sdk::wire::excerpt;
using orders::sdk::wire::percentEncode;
using orders::sdk::wire::replaceAll;
using orders::sdk::wire::statusError;
using orders::sdk::wire::transportError;
using orders::sdk::wire::typeName;

} // namespace orders::plugins::customer
