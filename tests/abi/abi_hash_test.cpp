// Pins abi.h: any edit must come with a deliberate version bump and a new pin.
#include <Poco/Crypto/DigestEngine.h>
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

#include "orders/sdk/abi.h"

class AbiHashTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AbiHashTest);
  CPPUNIT_TEST(abiHeaderMatchesPinnedHashAndVersion);
  CPPUNIT_TEST_SUITE_END();

  static std::string readFile(const char *path) {
    std::ifstream in(path, std::ios::binary);
    CPPUNIT_ASSERT_MESSAGE(std::string("cannot read ") + path, in.good());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

public:
  void abiHeaderMatchesPinnedHashAndVersion() {
    Poco::Crypto::DigestEngine sha("SHA256");
    sha.update(readFile(ORDERS_ABI_HEADER));
    const std::string actual = Poco::Crypto::DigestEngine::digestToHex(sha.digest());

    std::istringstream pin(readFile(ORDERS_ABI_PIN));
    std::string pinned_hash, pinned_version;
    pin >> pinned_hash >> pinned_version;
    const std::string version = std::to_string(ORDERS_ABI_MAJOR) + "." + std::to_string(ORDERS_ABI_MINOR);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        "sdk/include/orders/sdk/abi.h changed. An ABI change needs a version bump (append-only: minor; else major) "
        "and a new pin in tests/abi/abi.h.sha256: '<sha256> <major.minor>'",
        pinned_hash, actual);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("abi.h.sha256 records another ABI version than abi.h declares", pinned_version,
                                 version);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AbiHashTest);
