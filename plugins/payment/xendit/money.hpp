// payment/xendit's names for the shared exact money conversions
// (plugins/common/decimal_money.hpp).
#pragma once

#include "decimal_money.hpp"

namespace orders::plugins::payment::xendit {
using orders::common::DecimalError;
using orders::common::decimalToMinor;
using orders::common::defaultCurrencyExponents;
using orders::common::minorToMajor;
using orders::common::numberText;
} // namespace orders::plugins::payment::xendit
