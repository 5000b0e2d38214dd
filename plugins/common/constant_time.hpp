// Comparing shared secrets (webhook tokens) without leaking where they differ.
//
// A plain == stops at the first differing byte, so its timing tells an
// attacker how much of a guess was right. constantTimeEquals always walks the
// whole input once the lengths match; only the length can leak. Header-only,
// no dependencies: shared by in-tree plugins and the host.
#pragma once

#include <cstddef>
#include <string_view>

namespace orders::common {

// True when `a` and `b` hold the same bytes. Thread-safe (pure function).
inline bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  return diff == 0;
}

} // namespace orders::common
