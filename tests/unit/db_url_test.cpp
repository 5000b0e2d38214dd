// database.url parsing (plugins/common/db_url.hpp): the URL forms deployers
// paste from the services they replace, and clear errors for the rest.
#include <cppunit/extensions/HelperMacros.h>

#include "db_url.hpp"

using namespace orders::dburl;

class DbUrlTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DbUrlTest);
  CPPUNIT_TEST(sqlAlchemyDriversAreTheSameServer);
  CPPUNIT_TEST(unknownDriverIsNamed);
  CPPUNIT_TEST(plainForms);
  CPPUNIT_TEST_SUITE_END();

public:
  void sqlAlchemyDriversAreTheSameServer() {
    auto plain = parse("postgresql://postgres:postgres@db:5432/appdb");
    CPPUNIT_ASSERT(plain.ok());
    for (const char *url : {"postgresql+psycopg://postgres:postgres@db:5432/appdb",
                            "postgresql+psycopg2://postgres:postgres@db:5432/appdb",
                            "postgres+asyncpg://postgres:postgres@db:5432/appdb"}) {
      auto t = parse(url);
      CPPUNIT_ASSERT_MESSAGE(url, t.ok());
      CPPUNIT_ASSERT_EQUAL(plain->connector, t->connector);
      CPPUNIT_ASSERT_EQUAL(plain->connection, t->connection);
    }
  }

  void unknownDriverIsNamed() {
    auto t = parse("postgresql+mysqldb://u:p@h/db");
    CPPUNIT_ASSERT(!t.ok());
    CPPUNIT_ASSERT(t.error().message.find("unknown SQLAlchemy driver 'mysqldb'") != std::string::npos);
    auto u = parse("mysql://u:p@h/db");
    CPPUNIT_ASSERT(!u.ok());
    CPPUNIT_ASSERT(u.error().message.find("postgresql+psycopg://") != std::string::npos);
  }

  void plainForms() {
    auto t = parse("postgres://u:p%40ss@h:6543/db?sslmode=disable");
    CPPUNIT_ASSERT(t.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("postgresql"), t->connector);
    CPPUNIT_ASSERT(t->connection.find("port=6543") != std::string::npos);
    CPPUNIT_ASSERT(t->connection.find("p@ss") != std::string::npos);
    auto s = parse("sqlite:///var/lib/orders.db");
    CPPUNIT_ASSERT(s.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("sqlite"), s->connector);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DbUrlTest);
