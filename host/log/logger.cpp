#include "log/logger.hpp"
#include "log/trace.hpp"

#include <json/json.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "orders/sdk/json.hpp"

namespace orders::host::log {

Level levelFromName(std::string_view name) {
  if (name == "debug") return Level::debug;
  if (name == "warn") return Level::warn;
  if (name == "error") return Level::error;
  return Level::info;
}

const char *levelName(Level level) {
  switch (level) {
  case Level::debug: return "debug";
  case Level::info: return "info";
  case Level::warn: return "warn";
  case Level::error: return "error";
  }
  return "info";
}

Logger &Logger::instance() {
  static Logger logger;
  return logger;
}

void Logger::setOutput(std::FILE *out) {
  std::lock_guard lock(mutex_);
  out_ = out;
}

namespace {
std::string nowRfc3339Millis() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}
} // namespace

void Logger::write(Level level, std::string_view message, const Fields &fields) {
  if (!enabled(level)) return;
  Json::Value line(Json::objectValue);
  line["ts"] = nowRfc3339Millis();
  line["level"] = levelName(level);
  line["msg"] = std::string(message);
  // The trace this thread works for (host/log/trace.hpp): every line of a
  // request, a consumed event or a publication names it.
  if (const trace::Context &tc = trace::current(); tc.valid()) {
    line["trace_id"] = tc.trace_id;
    line["span_id"] = tc.span_id;
  }
  for (const auto &[k, v] : fields)
    line[k] = v;
  std::string text = sdk::writeJson(line);
  text += '\n';
  std::lock_guard lock(mutex_);
  if (lost_ > 0) {
    Json::Value note(Json::objectValue);
    note["ts"] = line["ts"];
    note["level"] = "warn";
    note["msg"] = "log: lines lost, the log sink refused them";
    note["lines_lost"] = Json::UInt64(lost_);
    note["error"] = lost_error_;
    if (!put(sdk::writeJson(note) + '\n')) {
      ++lost_;
      return;
    }
    lost_ = 0;
  }
  if (!put(text)) ++lost_;
}

bool Logger::put(const std::string &text) {
  errno = 0;
  const std::string_view line = torn_ ? std::string_view("\n") : std::string_view();
  size_t written = line.empty() ? 0 : std::fwrite(line.data(), 1, line.size(), out_);
  if (written == line.size()) {
    torn_ = false;
    written = std::fwrite(text.data(), 1, text.size(), out_);
  } else {
    written = 0;
  }
  const bool flushed = std::fflush(out_) == 0;
  if (written == text.size() && flushed && std::ferror(out_) == 0) return true;
  // stdio does not always report a part it did write (glibc's fwrite answers 0 on an unbuffered stream), so
  // after any refused write the next line starts with a newline: at worst an empty line, never two in one.
  torn_ = true;
  lost_error_ = errno != 0 ? std::strerror(errno) : "write failed";
  std::clearerr(out_); // stdio keeps a stream's error state: without this the log would stay silent for good
  return false;
}

uint64_t Logger::linesLost() {
  std::lock_guard lock(mutex_);
  return lost_;
}

} // namespace orders::host::log
