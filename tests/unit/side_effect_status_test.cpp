// The side-effect status table (domain/side_effect_status.hpp): names round
// trip, the moves the core makes are listed, the ones that would lose money
// or undo a fact are not.
#include <cppunit/extensions/HelperMacros.h>

#include "domain/side_effect_status.hpp"

using namespace orders::host::core;

class SideEffectStatusTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SideEffectStatusTest);
  CPPUNIT_TEST(namesRoundTrip);
  CPPUNIT_TEST(paymentMoves);
  CPPUNIT_TEST(shipmentMoves);
  CPPUNIT_TEST(reservationMoves);
  CPPUNIT_TEST(reconcilableAreThePendingOnes);
  CPPUNIT_TEST_SUITE_END();

public:
  void namesRoundTrip() {
    for (int i = 0; i <= static_cast<int>(PaymentStatus::refund_failed); ++i) {
      const auto s = static_cast<PaymentStatus>(i);
      CPPUNIT_ASSERT(paymentStatusFromName(statusName(s)) == s);
      CPPUNIT_ASSERT(canMove(s, s)); // rewriting a row in its status (a reference learned)
    }
    for (int i = 0; i <= static_cast<int>(ShipmentStatus::cancel_failed); ++i) {
      const auto s = static_cast<ShipmentStatus>(i);
      CPPUNIT_ASSERT(shipmentStatusFromName(statusName(s)) == s);
    }
    for (int i = 0; i <= static_cast<int>(ReservationStatus::restock_manual); ++i) {
      const auto s = static_cast<ReservationStatus>(i);
      CPPUNIT_ASSERT(reservationStatusFromName(statusName(s)) == s);
    }
    CPPUNIT_ASSERT(!paymentStatusFromName("paid"));
    CPPUNIT_ASSERT(!shipmentStatusFromName(""));
    CPPUNIT_ASSERT(!reservationStatusFromName("HELD"));
  }

  void paymentMoves() {
    using P = PaymentStatus;
    CPPUNIT_ASSERT(canMove(P::creating, P::pending));
    CPPUNIT_ASSERT(canMove(P::creating, P::cancelled)); // the provider refused to create it
    CPPUNIT_ASSERT(canMove(P::pending, P::void_pending));
    CPPUNIT_ASSERT(canMove(P::void_pending, P::refund_pending)); // captured before the void reached it
    CPPUNIT_ASSERT(canMove(P::failed, P::captured));             // the provider's word on money wins
    CPPUNIT_ASSERT(canMove(P::refund_failed, P::refund_pending));
    CPPUNIT_ASSERT(!canMove(P::refunded, P::captured)); // money returned stays returned
    CPPUNIT_ASSERT(!canMove(P::refunded, P::refund_pending));
    CPPUNIT_ASSERT(!canMove(P::refund_pending, P::captured)); // a decided refund is not taken back
    CPPUNIT_ASSERT(!canMove(P::captured, P::pending));
    CPPUNIT_ASSERT(!canMove(P::captured, P::void_pending)); // paid money is refunded, never voided
    CPPUNIT_ASSERT(!canMove(P::cancelled, P::pending));
  }

  void shipmentMoves() {
    using S = ShipmentStatus;
    CPPUNIT_ASSERT(canMove(S::draft, S::confirm_pending));
    CPPUNIT_ASSERT(canMove(S::confirm_pending, S::draft));  // the provider answered it unchanged
    CPPUNIT_ASSERT(canMove(S::cancel_pending, S::shipped)); // tracking is a fact
    CPPUNIT_ASSERT(canMove(S::shipped, S::delivered));
    CPPUNIT_ASSERT(!canMove(S::delivered, S::shipped)); // a late "shipped" never undoes "delivered"
    CPPUNIT_ASSERT(!canMove(S::draft, S::cancelled));   // cancelling goes through the reconciler
    CPPUNIT_ASSERT(!canMove(S::cancelled, S::confirm_pending));
    CPPUNIT_ASSERT(!canMove(S::confirmed, S::draft));
  }

  void reservationMoves() {
    using R = ReservationStatus;
    CPPUNIT_ASSERT(canMove(R::reserving, R::held));
    CPPUNIT_ASSERT(canMove(R::held, R::commit_pending));
    CPPUNIT_ASSERT(canMove(R::commit_pending, R::release_pending));  // a cancel overtook the commit
    CPPUNIT_ASSERT(canMove(R::release_pending, R::restock_pending)); // ...and the commit had consumed the units
    CPPUNIT_ASSERT(canMove(R::committed, R::restock_pending));
    CPPUNIT_ASSERT(canMove(R::restock_pending, R::restock_manual));
    CPPUNIT_ASSERT(!canMove(R::committed, R::released)); // consumed units come back only by restock
    CPPUNIT_ASSERT(!canMove(R::released, R::held));
    CPPUNIT_ASSERT(!canMove(R::restocked, R::restock_pending)); // returned once
    CPPUNIT_ASSERT(!canMove(R::held, R::committed));            // commits go through the reconciler
  }

  void reconcilableAreThePendingOnes() {
    CPPUNIT_ASSERT(reconcilable(PaymentStatus::void_pending) && reconcilable(PaymentStatus::refund_pending));
    CPPUNIT_ASSERT(!reconcilable(PaymentStatus::pending));
    CPPUNIT_ASSERT(reconcilable(ShipmentStatus::confirm_pending) && !reconcilable(ShipmentStatus::draft));
    CPPUNIT_ASSERT(reconcilable(ReservationStatus::restock_pending) && !reconcilable(ReservationStatus::held));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SideEffectStatusTest);
