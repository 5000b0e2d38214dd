// payment/xendit's names for the shared exact money conversions
// (orders/sdk/money.hpp).
#pragma once

#include "orders/sdk/money.hpp"

namespace orders::plugins::payment::xendit {
using orders::sdk::DecimalError;
using orders::sdk::decimalToMinor;
using orders::sdk::defaultCurrencyExponents;
using orders::sdk::minorToMajor;
using orders::sdk::numberText;
} // namespace orders::plugins::payment::xendit
