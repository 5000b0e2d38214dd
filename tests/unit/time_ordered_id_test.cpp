// Row ids (plugins/common/time_ordered_id.hpp): RFC 9562 version 7 UUIDs,
// whose text sorts by creation time, so a growing table's indexes take new
// ids at their right-hand edge.
#include <cppunit/extensions/HelperMacros.h>

#include <regex>
#include <set>
#include <string>

#include "domain/order.hpp"
#include "time_ordered_id.hpp"

using orders::ids::timeOrderedId;

class TimeOrderedIdTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TimeOrderedIdTest);
  CPPUNIT_TEST(isAVersion7UuidWithTheTimeInFront);
  CPPUNIT_TEST(laterIdsSortAfterEarlierOnes);
  CPPUNIT_TEST(idsOfOneMillisecondDiffer);
  CPPUNIT_TEST(rowIdsAreTimeOrderedCallIdsAreNot);
  CPPUNIT_TEST_SUITE_END();

public:
  void isAVersion7UuidWithTheTimeInFront() {
    // 2026-12-07T00:00:00.123Z = 1796601600123 ms = 0x01a2_4dcc_d87b.
    const std::string id = timeOrderedId(1796601600123);
    CPPUNIT_ASSERT_MESSAGE(id, std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                                               "[0-9a-f]{12}")));
    CPPUNIT_ASSERT_EQUAL(std::string("01a24dcc-d87b"), id.substr(0, 13));
  }

  void laterIdsSortAfterEarlierOnes() {
    std::string previous = timeOrderedId(1);
    for (int64_t ms : {2LL, 255LL, 256LL, 65536LL, 1796601600123LL, 1796601600124LL, 281474976710655LL}) {
      const std::string next = timeOrderedId(ms);
      CPPUNIT_ASSERT_MESSAGE(previous + " < " + next, previous < next);
      previous = next;
    }
  }

  void idsOfOneMillisecondDiffer() {
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i)
      seen.insert(timeOrderedId(1796601600123));
    CPPUNIT_ASSERT_EQUAL(size_t{10000}, seen.size());
  }

  void rowIdsAreTimeOrderedCallIdsAreNot() {
    CPPUNIT_ASSERT_EQUAL('7', orders::host::core::newId()[14]);
    CPPUNIT_ASSERT_EQUAL('4', orders::host::core::newRandomId()[14]);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TimeOrderedIdTest);
