// Structured JSON-lines logging for the host process.
//
// One line per event: {"ts":"...Z","level":"info","msg":"...", ...fields}.
// The process has one Logger (Logger::instance()) because log lines come
// from every thread and from plugins; its sink and level are set once at
// start-up. Thread-safe: each line is formatted off-lock and written whole.
#pragma once

#include <atomic>
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

  void write(Level level, std::string_view message, const Fields &fields = {});

private:
  Logger() = default;
  std::atomic<Level> level_{Level::info};
  std::mutex mutex_;
  std::FILE *out_ = stderr;
};

inline void debug(std::string_view m, const Fields &f = {}) { Logger::instance().write(Level::debug, m, f); }
inline void info(std::string_view m, const Fields &f = {}) { Logger::instance().write(Level::info, m, f); }
inline void warn(std::string_view m, const Fields &f = {}) { Logger::instance().write(Level::warn, m, f); }
inline void error(std::string_view m, const Fields &f = {}) { Logger::instance().write(Level::error, m, f); }

} // namespace orders::host::log
