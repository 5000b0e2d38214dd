// The log after its sink refused lines (a full disk): the lines are counted,
// and logging resumes by itself, first saying how many were lost. Before,
// stdio's error state on stderr kept the log silent for the rest of the
// process (seen in chaos.sqlite_disk_full).
#include <cppunit/extensions/HelperMacros.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "log/logger.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host;

namespace {
// A sink that refuses every write with ENOSPC while `full`.
struct Disk {
  bool full = false;
  std::string written;
};

ssize_t diskWrite(void *cookie, const char *data, size_t size) {
  auto *disk = static_cast<Disk *>(cookie);
  if (disk->full) {
    errno = ENOSPC;
    return -1;
  }
  disk->written.append(data, size);
  return static_cast<ssize_t>(size);
}
} // namespace

class LoggerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LoggerTest);
  CPPUNIT_TEST(logResumesAfterTheSinkRefusedLines);
  CPPUNIT_TEST_SUITE_END();

public:
  void logResumesAfterTheSinkRefusedLines() {
    Disk disk;
    cookie_io_functions_t io{nullptr, diskWrite, nullptr, nullptr};
    std::FILE *file = fopencookie(&disk, "w", io);
    CPPUNIT_ASSERT(file != nullptr);
    std::setvbuf(file, nullptr, _IONBF, 0); // as stderr
    log::Logger &logger = log::Logger::instance();
    logger.setOutput(file);

    log::info("before", {{"n", "1"}});
    disk.full = true;
    for (int i = 0; i < 3; ++i)
      log::info("while full");
    CPPUNIT_ASSERT_EQUAL(uint64_t(3), logger.linesLost());
    disk.full = false;
    log::info("after", {{"n", "2"}});
    log::info("and on");
    logger.setOutput(stderr);
    std::fclose(file);

    CPPUNIT_ASSERT_EQUAL(uint64_t(0), logger.linesLost());
    std::vector<Json::Value> lines;
    for (size_t start = 0, end; (end = disk.written.find('\n', start)) != std::string::npos; start = end + 1)
      lines.push_back(orders::sdk::parseJson(disk.written.substr(start, end - start)));
    CPPUNIT_ASSERT_EQUAL(size_t(4), lines.size());
    CPPUNIT_ASSERT_EQUAL(std::string("before"), lines[0]["msg"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("warn"), lines[1]["level"].asString());
    CPPUNIT_ASSERT_EQUAL(uint64_t(3), lines[1]["lines_lost"].asUInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("No space left on device"), lines[1]["error"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("after"), lines[2]["msg"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("2"), lines[2]["n"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("and on"), lines[3]["msg"].asString());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoggerTest);
