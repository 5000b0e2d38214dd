// shipping/shipping-service: small helpers for building requests and reading
// answers. Header-only. Thread-safety: pure functions.
#pragma once

#include <json/json.h>

#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/host.hpp"
#include "orders/sdk/wire.hpp"

namespace orders::plugins::shipping::service {

using orders::sdk::wire::excerpt;
using orders::sdk::wire::idText;
using orders::sdk::wire::percentEncode;
using orders::sdk::wire::replaceAll;
using orders::sdk::wire::transportError;
using orders::sdk::wire::typeName;
// Every 4xx is a refusal of the request as sent.
constexpr auto statusError = orders::sdk::wire::retryableOrRejected;

} // namespace orders::plugins::shipping::service
