// The log after its sink refused lines (a full disk): the lines are counted,
// and logging resumes by itself, first saying how many were lost. Before,
// stdio's error state on stderr kept the log silent for the rest of the
// process (seen in chaos.sqlite_disk_full).
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "log/logger.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host;

namespace {
// A disk with `room` bytes left: a write takes what fits, then ENOSPC.
struct Disk {
  size_t room = SIZE_MAX;
  std::string written;
};

ssize_t diskWrite(void *cookie, const char *data, size_t size) {
  auto *disk = static_cast<Disk *>(cookie);
  if (disk->room == 0) {
    errno = ENOSPC;
    return -1;
  }
  const size_t n = std::min(size, disk->room);
  disk->written.append(data, n);
  if (disk->room != SIZE_MAX) disk->room -= n;
  return static_cast<ssize_t>(n);
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
    disk.room = 10; // the first line while full gets 10 bytes in
    for (int i = 0; i < 3; ++i)
      log::info("while full");
    CPPUNIT_ASSERT_EQUAL(uint64_t(3), logger.linesLost());
    disk.room = SIZE_MAX;
    log::info("after", {{"n", "2"}});
    log::info("and on");
    logger.setOutput(stderr);
    std::fclose(file);

    CPPUNIT_ASSERT_EQUAL(uint64_t(0), logger.linesLost());
    std::vector<std::string> text;
    for (size_t start = 0, end; (end = disk.written.find('\n', start)) != std::string::npos; start = end + 1)
      if (end > start) text.push_back(disk.written.substr(start, end - start)); // an empty line may follow a refusal
    CPPUNIT_ASSERT_EQUAL(size_t(5), text.size());
    CPPUNIT_ASSERT_EQUAL(size_t(10), text[1].size()); // the torn line ends there: the next starts on its own
    text.erase(text.begin() + 1);
    std::vector<Json::Value> lines;
    for (const std::string &t : text)
      lines.push_back(orders::sdk::parseJson(t));
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
