// Structured JSON-lines logging for the host process.
//
// One line per event: {"ts":"...Z","level":"info","msg":"...", ...fields}.
// The process has one Logger (Logger::instance()) because log lines come
// from every thread and from plugins; its sink and level are set once at
// start-up. Thread-safe: each line is formatted off-lock and written whole.
//
// A line the sink refuses (a full disk, a closed pipe) is counted, the
// stream's error state cleared, and the next line that gets through is
// preceded by a warn line saying how many were lost and why: logging resumes
// by itself once the sink takes lines again.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace orders::host::log {

enum class Level { debug = 10, info = 20, warn = 30, error = 40 };

// Parses "debug" | "info" | "warn" | "error"; unknown names give info.
Level levelFromName(std::string_view name);
const char *levelName(Level level);

using Fields = std::map<std::string, std::string>;

class Logger {
public:
  static Logger &instance();

  void setLevel(Level level) { level_.store(level); }
  bool enabled(Level level) const { return level >= level_.load(); }
  // Lines go to `out` (default stderr); the FILE is not owned.
  void setOutput(std::FILE *out);
  // Lines the sink refused since the last one it took.
  uint64_t linesLost();

  void write(Level level, std::string_view message, const Fields &fields = {});

private:
  Logger() = default;
  std::atomic<Level> level_{Level::info};
  std::mutex mutex_;
  std::FILE *out_ = stderr;
  uint64_t lost_ = 0;      // guarded by mutex_
  std::string lost_error_; // why the last refused line was refused
  bool torn_ = false;      // a line was refused (perhaps written in part): the next one starts on a new line
  bool put(const std::string &text);
};

inline void debug(std::string_view m, const Fields &f = {}) { Logger::instance().write(Level::debug, m, f); }
inline void info(std::string_view m, const Fields &f = {}) { Logger::instance().write(Level::info, m, f); }
inline void warn(std::string_view m, const Fields &f = {}) { Logger::instance().write(Level::warn, m, f); }
inline void error(std::string_view m, const Fields &f = {}) { Logger::instance().write(Level::error, m, f); }

} // namespace orders::host::log
