// Pins abi.h: any edit must come with a deliberate version bump and a new
// ORDERS_ABI_HASH_1_<minor> line in orders/sdk/abi_hash.h, which the host
// knows for every minor since 1.6 (the load handshake compares them).
#include <Poco/Crypto/DigestEngine.h>
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

#include "orders/sdk/abi.h"
#include "orders/sdk/abi_hash.h"
#include "plugins/plugin_library.hpp"

class AbiHashTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AbiHashTest);
  CPPUNIT_TEST(abiHeaderMatchesItsPublishedHash);
  CPPUNIT_TEST_SUITE_END();

  static std::string readFile(const char *path) {
    std::ifstream in(path, std::ios::binary);
    CPPUNIT_ASSERT_MESSAGE(std::string("cannot read ") + path, in.good());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

public:
  void abiHeaderMatchesItsPublishedHash() {
    Poco::Crypto::DigestEngine sha("SHA256");
    sha.update(readFile(ORDERS_ABI_HEADER));
    const std::string actual = Poco::Crypto::DigestEngine::digestToHex(sha.digest());

    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        "sdk/include/orders/sdk/abi.h changed. An ABI change needs a version bump (append-only: minor; else major), "
        "a new ORDERS_ABI_HASH_<major>_<minor> in orders/sdk/abi_hash.h with ORDERS_ABI_HASH pointing at it, and "
        "the new minor in the host's table (host/plugins/plugin_library.cpp, knownAbiHash)",
        std::string(ORDERS_ABI_HASH), actual);
    const char *known = orders::host::plugins::knownAbiHash(ORDERS_ABI_MAJOR, ORDERS_ABI_MINOR);
    CPPUNIT_ASSERT_MESSAGE("the host knows no hash for its own ABI minor", known != nullptr);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("the host's hash for its own minor is not ORDERS_ABI_HASH",
                                 std::string(ORDERS_ABI_HASH), std::string(known));
    // Minors released before the handshake carry no hash; the host knows none for them.
    CPPUNIT_ASSERT(orders::host::plugins::knownAbiHash(1, 5) == nullptr);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AbiHashTest);
