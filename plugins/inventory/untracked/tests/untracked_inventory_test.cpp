#include <cppunit/extensions/HelperMacros.h>

#include "orders/sdk/testing/plugin_harness.hpp"

extern "C" const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void);

using namespace orders::sdk;
using orders::sdk::testing::PluginHarness;

class UntrackedInventoryTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(UntrackedInventoryTest);
  CPPUNIT_TEST(everyReserveSucceedsWithAStableId);
  CPPUNIT_TEST(badLinesAreInvalid);
  CPPUNIT_TEST(unknownConfigKeysAreRefusedBySchema);
  CPPUNIT_TEST_SUITE_END();

  static void make(PluginHarness &h) {
    Status s = h.create("{}");
    CPPUNIT_ASSERT_MESSAGE(s.ok() ? "" : s.error().message, s.ok());
  }

public:
  void everyReserveSucceedsWithAStableId() {
    PluginHarness h(orders_plugin_descriptor_v1());
    make(h);
    const auto *t = h.table<orders_inventory_v1_t>();
    CPPUNIT_ASSERT(t->capabilities & ORDERS_INVENTORY_CAN_RESTOCK);
    ReserveRequest r{"o-1", "k-1", 0, {{"p-1", std::nullopt, std::nullopt, 1000000, {}}}};
    auto first = h.call<ReserveOutcome>(t->reserve, r);
    auto again = h.call<ReserveOutcome>(t->reserve, r);
    CPPUNIT_ASSERT(first.ok() && first->reserved && first->shortages.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("untracked:k-1"), first->reservationId.value_or(""));
    CPPUNIT_ASSERT_EQUAL(first->reservationId.value_or(""), again->reservationId.value_or("-"));
    CPPUNIT_ASSERT(h.call<Empty>(t->commit, ReservationRef{"untracked:k-1", "o-1", {}}).ok());
    CPPUNIT_ASSERT(h.call<Empty>(t->release, ReservationRef{"untracked:k-1", "o-1", {}}).ok());
  }
  void badLinesAreInvalid() {
    PluginHarness h(orders_plugin_descriptor_v1());
    make(h);
    const auto *t = h.table<orders_inventory_v1_t>();
    auto zero = h.call<ReserveOutcome>(t->reserve, ReserveRequest{"o", "k", 0, {{"p", {}, {}, 0, {}}}});
    CPPUNIT_ASSERT(!zero.ok() && zero.error().message.find("/lines/0/quantity") != std::string::npos);
    auto nokey = h.call<ReserveOutcome>(t->reserve, ReserveRequest{"o", "", 0, {{"p", {}, {}, 1, {}}}});
    CPPUNIT_ASSERT(!nokey.ok() && nokey.error().code == ErrorCode::invalid_argument);
  }
  void unknownConfigKeysAreRefusedBySchema() {
    const std::string schema = orders_plugin_descriptor_v1()->config_schema;
    CPPUNIT_ASSERT(schema.find("\"additionalProperties\": false") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UntrackedInventoryTest);
