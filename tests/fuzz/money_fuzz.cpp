// Decimal money text <-> minor units (orders/sdk/money.hpp): never crashes,
// and every accepted amount round-trips through its shortest text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "orders/sdk/money.hpp"

using namespace orders::sdk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const int exponent = data[0] % 5;
  const std::string_view text(reinterpret_cast<const char *>(data + 1), size - 1);
  int64_t minor = -1;
  if (decimalToMinor(text, exponent, minor) != DecimalError::none) return 0;
  if (minor < 0) std::abort(); // negatives are refused, never returned
  const std::string back = minorToMajor(minor, exponent);
  int64_t again = -1;
  if (decimalToMinor(back, exponent, again) != DecimalError::none || again != minor) std::abort();
  return 0;
}
