// Creating and dropping the throw-away databases tests run in, on the
// PostgreSQL of ORDERS_TEST_PG_DSN. Tests run side by side: a CREATE
// DATABASE can meet another's copy of the template (or autovacuum on it),
// a DROP another's terminating backends, and fail; the statement is tried
// again a few times, and what PostgreSQL said is in the error when it
// still fails (Poco's own message is only "PostgreSQL").
#pragma once

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

namespace orders::testing {

inline void pgAdmin(const std::string &statement) {
  const char *dsn = std::getenv("ORDERS_TEST_PG_DSN");
  if (dsn == nullptr) throw std::runtime_error(statement + ": ORDERS_TEST_PG_DSN is not set");
  Poco::Data::PostgreSQL::Connector::registerConnector();
  for (int attempt = 1;; ++attempt) {
    try {
      Poco::Data::Session admin("postgresql", dsn);
      admin << statement, Poco::Data::Keywords::now;
      return;
    } catch (const Poco::Exception &e) {
      if (attempt == 5) throw std::runtime_error(statement + ": " + e.displayText());
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    }
  }
}

} // namespace orders::testing
