// Hashing from many threads at once: the idempotency request hash (every
// keyed request computes one) and Poco::Crypto digests (JWT RS256, NetSSL)
// after the server's process-wide initialisation. Before it, a
// DigestEngine's destructor could tear down OpenSSL's locks while another
// thread created one, and the server died in pthread_mutex_destroy.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Crypto/DigestEngine.h>

#include <atomic>
#include <thread>
#include <vector>

#include "app/process_init.hpp"
#include "handlers/request_support.hpp"

using namespace orders::host;

class ProcessInitTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProcessInitTest);
  CPPUNIT_TEST(requestHashFrom64ThreadsIsStable);
  CPPUNIT_TEST(cryptoDigestsFrom64ThreadsAfterProcessInit);
  CPPUNIT_TEST_SUITE_END();

  static constexpr int kThreads = 64;

  template <class F> static int hammer(int rounds, F each) {
    std::atomic<int> wrong{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&] {
        while (!go.load())
          std::this_thread::yield();
        for (int i = 0; i < rounds; ++i)
          if (!each()) ++wrong;
      });
    go = true;
    for (auto &t : threads)
      t.join();
    return wrong.load();
  }

public:
  void requestHashFrom64ThreadsIsStable() {
    http::Request req;
    req.method = "POST";
    req.path = "/api/orders";
    req.body = "{}";
    // sha256("POST\n/api/orders\n{}")
    const std::string expected = handlers::requestHash(req);
    CPPUNIT_ASSERT_EQUAL(size_t(64), expected.size());
    CPPUNIT_ASSERT_EQUAL(0, hammer(2000, [&] { return handlers::requestHash(req) == expected; }));
  }

  void cryptoDigestsFrom64ThreadsAfterProcessInit() {
    app::initializeProcessLibraries();
    const std::string expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; // sha256("")
    CPPUNIT_ASSERT_EQUAL(0, hammer(2000, [&] {
                           Poco::Crypto::DigestEngine sha("SHA256");
                           return Poco::Crypto::DigestEngine::digestToHex(sha.digest()) == expected;
                         }));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProcessInitTest);
