// Every public SDK header, compiled as C++17, and a tiny round trip.
#include <cstdio>

#include "orders/sdk/abi.h"
#include "orders/sdk/abi_hash.h"
#include "orders/sdk/client.hpp"
#include "orders/sdk/config_options.hpp"
#include "orders/sdk/config_schema.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/host.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/kinds.hpp"
#include "orders/sdk/messages.hpp"
#include "orders/sdk/money.hpp"
#include "orders/sdk/notify_template.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/result.hpp"
#include "orders/sdk/sink.hpp"
#include "orders/sdk/testing/check.hpp"
#include "orders/sdk/testing/fake_host.hpp"
#include "orders/sdk/testing/plugin_harness.hpp"
#include "orders/sdk/types.hpp"
#include "orders/sdk/wire.hpp"

int main() {
  static_assert(__cplusplus == 201703L, "this check must build as C++17");
  orders::sdk::Money m{1999, "USD"};
  auto back = orders::sdk::decode<orders::sdk::Money>(orders::sdk::encode(m));
  const bool ok = back.ok() && back->amountMinor == 1999 && back->currency == "USD" &&
                  orders::sdk::minorToMajor(1999, 2) == "19.99" &&
                  orders::sdk::crypto::sha256Hex("abc").compare(0, 8, "ba7816bf") == 0;
  std::printf("C++17 SDK round trip: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
