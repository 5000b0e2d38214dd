// Retention (issue 17) on SQLite and PostgreSQL: each kind of row kept only
// for a while goes by age, in bounded batches, and nothing that may still be
// needed goes with it (a running checkout, a key still in progress, a
// delivery a notifier's rescan may read, an outbox row a notifier has not
// read or that is not yet published).
#include "storage_fixture.hpp"

#include "storage/outbox_repository.hpp"
#include "storage/retention_repository.hpp"

namespace storage_test {

class RetentionBase : public StorageFixture {
  CPPUNIT_TEST_SUITE(RetentionBase);
  CPPUNIT_TEST(finishedCheckoutsGoWithTheirStepsRunningOnesStay);
  CPPUNIT_TEST(processedEventsGoByAge);
  CPPUNIT_TEST(idempotencyKeysGoWhenDoneOrAbandoned);
  CPPUNIT_TEST(deliveriesGoOnlyBelowTheNotifiersFloor);
  CPPUNIT_TEST(publishedOutboxRowsWaitForEveryNotifier);
  CPPUNIT_TEST(unpublishableOutboxRowsGoWithTheirQueueRows);
  CPPUNIT_TEST(drainStopsAtAShortBatch);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

  void sql(const std::string &statement) {
    auto lease = db_->lease();
    **lease << statement, now;
  }
  void checkout(const std::string &raw_id, const std::string &status, int64_t created_ms) {
    std::string id; // as a SQL literal's content
    for (char c : raw_id)
      id += c == '\'' ? std::string("''") : std::string(1, c);
    sql("INSERT INTO checkouts (id, user_id, status, request, error, lease_until_ms, created_at_ms, updated_at_ms) "
        "VALUES ('" +
        id + "', 'u1', '" + status + "', '{}', NULL, 0, " + std::to_string(created_ms) + ", " +
        std::to_string(created_ms) + ")");
    for (const char *step : {"started", "reserved"})
      sql("INSERT INTO checkout_steps (checkout_id, step, state, detail, at_ms) VALUES ('" + id + "', '" + step +
          "', 'done', '', " + std::to_string(created_ms) + ")");
  }
  // An outbox event (its trigger, or the SQLite equivalent, queues it).
  int64_t event(const std::string &event_id, int64_t created_ms) {
    sql("INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms) VALUES ('" + event_id +
        "', 'order.created', 'o1', '{}', " + std::to_string(created_ms) + ")");
    return count("SELECT id FROM service_outbox WHERE event_id = '" + event_id + "'");
  }

public:
  void finishedCheckoutsGoWithTheirStepsRunningOnesStay() {
    if (skip()) return;
    checkout("old-done", "completed", 1000);
    checkout("old-o'failed", "failed", 1100); // a quote in the id is data, not SQL
    checkout("old-running", "running", 1200);
    checkout("young-done", "completed", 9000);
    storage::RetentionRepository retention(*db_);
    CPPUNIT_ASSERT_EQUAL(size_t(1), retention.finishedCheckouts(5000, 1)); // one batch of one: the oldest
    CPPUNIT_ASSERT_EQUAL(int64_t(0), count("SELECT COUNT(*) FROM checkouts WHERE id = 'old-done'"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), retention.finishedCheckouts(5000, 1000));
    CPPUNIT_ASSERT_EQUAL(size_t(0), retention.finishedCheckouts(5000, 1000));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), count("SELECT COUNT(*) FROM checkouts"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM checkouts WHERE id = 'old-running'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM checkouts WHERE id = 'young-done'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(4), count("SELECT COUNT(*) FROM checkout_steps")); // the two kept, two steps each
    CPPUNIT_ASSERT_EQUAL(
        int64_t(0), count("SELECT COUNT(*) FROM checkout_steps WHERE checkout_id NOT IN (SELECT id FROM checkouts)"));
  }

  void processedEventsGoByAge() {
    if (skip()) return;
    for (int i = 0; i < 5; ++i)
      sql("INSERT INTO processed_events (source, event_id, order_id, event_type, outcome, payload, processed_at_ms) "
          "VALUES ('xendit', 'e" +
          std::to_string(i) + "', 'o1', 'paid', 'applied', '{}', " + std::to_string(1000 + i * 1000) + ")");
    storage::RetentionRepository retention(*db_);
    CPPUNIT_ASSERT_EQUAL(size_t(2), retention.processedEvents(3500, 2));
    CPPUNIT_ASSERT_EQUAL(size_t(1), retention.processedEvents(3500, 2));
    CPPUNIT_ASSERT_EQUAL(size_t(0), retention.processedEvents(3500, 2));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), count("SELECT COUNT(*) FROM processed_events"));
    CPPUNIT_ASSERT_EQUAL(int64_t(4000), count("SELECT MIN(processed_at_ms) FROM processed_events"));
  }

  void idempotencyKeysGoWhenDoneOrAbandoned() {
    if (skip()) return;
    auto key = [&](const std::string &k, const std::string &state, int64_t at) {
      sql("INSERT INTO idempotency_keys (scope, idem_key, request_hash, state, response_status, response_body, "
          "response_type, created_at_ms, updated_at_ms) VALUES ('u1', '" +
          k + "', 'h', '" + state + "', NULL, NULL, NULL, " + std::to_string(at) + ", " + std::to_string(at) + ")");
    };
    key("done-old", "done", 1000);
    key("done-young", "done", 9000);
    key("busy-stale", "in_progress", 1000);
    key("busy-live", "in_progress", 4000);
    storage::RetentionRepository retention(*db_);
    // Done keys before 5000 go; keys in progress only when untouched before 2000.
    CPPUNIT_ASSERT_EQUAL(size_t(2), retention.idempotencyKeys(5000, 2000, 1000));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), count("SELECT COUNT(*) FROM idempotency_keys"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'done-young'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'busy-live'"));
  }

  void deliveriesGoOnlyBelowTheNotifiersFloor() {
    if (skip()) return;
    const int64_t low = event("ev-low", 1000);
    const int64_t high = event("ev-high", 1000);
    auto delivery = [&](const std::string &notifier, const std::string &event_id, const std::string &status) {
      sql("INSERT INTO notification_deliveries (notifier, event_id, status, attempts, last_error, next_attempt_at_ms, "
          "updated_at_ms) VALUES ('" +
          notifier + "', '" + event_id + "', '" + status + "', 1, NULL, 0, 1000)");
    };
    delivery("mail", "ev-low", "sent");
    delivery("mail", "ev-high", "sent");    // a rescan from the floor still reads it: kept
    delivery("mail", "ev-gone", "dead");    // its event left the outbox: nothing reads it again
    delivery("mail", "ev-retry", "failed"); // still to be retried: kept whatever its age
    delivery("sms", "ev-low", "sent");      // another notifier's: not this call's
    storage::RetentionRepository retention(*db_);
    CPPUNIT_ASSERT(low < high);
    CPPUNIT_ASSERT_EQUAL(size_t(2), retention.notificationDeliveries("mail", 5000, high, 1000));
    CPPUNIT_ASSERT_EQUAL(int64_t(3), count("SELECT COUNT(*) FROM notification_deliveries"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM notification_deliveries WHERE notifier = 'mail' "
                                           "AND event_id = 'ev-high'"));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM notification_deliveries WHERE event_id = 'ev-retry'"));
    // Young deliveries stay below the floor too.
    CPPUNIT_ASSERT_EQUAL(size_t(0), retention.notificationDeliveries("sms", 500, high + 1, 1000));
  }

  void publishedOutboxRowsWaitForEveryNotifier() {
    if (skip()) return;
    const int64_t a = event("ev-a", 1000), b = event("ev-b", 1000), c = event("ev-c", 1000);
    storage::OutboxRepository outbox;
    {
      auto lease = db_->lease();
      outbox.markPublished(**lease, {a, b}, 2000);
    }
    // A notifier has read up to b (exclusive): a goes, b waits, c is not published.
    auto lease = db_->lease();
    CPPUNIT_ASSERT_EQUAL(size_t(1), outbox.purgePublished(**lease, 5000, 1000, b));
    CPPUNIT_ASSERT_EQUAL(size_t(1), outbox.purgePublished(**lease, 5000, 1000));
    CPPUNIT_ASSERT_EQUAL(size_t(0), outbox.purgePublished(**lease, 5000, 1000));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), count("SELECT COUNT(*) FROM service_outbox"));
    CPPUNIT_ASSERT_EQUAL(c, count("SELECT id FROM service_outbox"));
  }

  void unpublishableOutboxRowsGoWithTheirQueueRows() {
    if (skip()) return;
    const int64_t a = event("ev-a", 1000), b = event("ev-b", 2000);
    event("ev-young", 9000);
    const int64_t d = event("ev-d", 1500); // older than ev-young, but after it by id: kept with it
    CPPUNIT_ASSERT_EQUAL(int64_t(4), count("SELECT COUNT(*) FROM outbox_pending"));
    storage::OutboxRepository outbox;
    {
      auto lease = db_->lease();
      outbox.markPublished(**lease, {b}, 2500);
    }
    auto lease = db_->lease();
    CPPUNIT_ASSERT_EQUAL(size_t(1), outbox.purgeUnpublishable(**lease, 5000, 1000, b)); // below a notifier's floor
    CPPUNIT_ASSERT_EQUAL(size_t(1), outbox.purgeUnpublishable(**lease, 5000, 1000, d + 1));
    CPPUNIT_ASSERT_EQUAL(size_t(0), outbox.purgeUnpublishable(**lease, 5000, 1000, d + 1));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), count("SELECT COUNT(*) FROM service_outbox WHERE id IN (" + std::to_string(a) +
                                           ", " + std::to_string(b) + ")"));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), count("SELECT COUNT(*) FROM service_outbox"));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), count("SELECT COUNT(*) FROM outbox_pending"));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), count("SELECT COUNT(*) FROM outbox_published"));
  }

  void drainStopsAtAShortBatch() {
    int calls = 0;
    std::vector<size_t> batches{3, 3, 1, 3};
    CPPUNIT_ASSERT_EQUAL(size_t(7), storage::RetentionRepository::drain([&] { return batches[calls++]; }, 3));
    CPPUNIT_ASSERT_EQUAL(3, calls);
    calls = 0;
    CPPUNIT_ASSERT_EQUAL(size_t(6), storage::RetentionRepository::drain([&] { return batches[calls++]; }, 3, 2));
    CPPUNIT_ASSERT_EQUAL(2, calls);
  }
};

class SqliteRetentionTest : public RetentionBase {
  CPPUNIT_TEST_SUB_SUITE(SqliteRetentionTest, RetentionBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  bool postgres() const override { return false; }
};

class PostgresRetentionTest : public RetentionBase {
  CPPUNIT_TEST_SUB_SUITE(PostgresRetentionTest, RetentionBase);
  CPPUNIT_TEST_SUITE_END();

protected:
  bool postgres() const override { return true; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteRetentionTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresRetentionTest);

} // namespace storage_test
