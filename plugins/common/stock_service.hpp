// What the two HTTP stock plugins (inventory/catalog, inventory/inventory-
// service) share: reading their neighbour's answers (JSON pointers, numbers
// compared as numbers, ids, excerpts for errors), checking their config and
// requests, mapping a refusal to an error, and remembering granted
// reservations per idempotency key. Header-only; for in-tree plugins.
// Thread-safety: pure functions; Remembered is thread-safe.
#pragma once

#include <json/json.h>

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "orders/sdk/host.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/json_pointer.hpp"
#include "orders/sdk/messages.hpp"
#include "orders/sdk/result.hpp"
#include "orders/sdk/wire.hpp"

namespace orders::common::stock {

using sdk::invalidArgument;
using sdk::rejected;
using sdk::unavailable;

// Granted reservations remembered per idempotency key (oldest forgotten first).
inline constexpr std::size_t kRememberedReservations = 4096;

// The node at an RFC 6901 JSON pointer ("" is the whole document), or null
// (also for a malformed pointer, which create() refused).
inline const Json::Value *valueAt(const Json::Value &doc, const std::string &pointer) {
  const auto parsed = sdk::JsonPointer::parse(pointer);
  return parsed ? parsed->find(doc) : nullptr;
}

// JSON equality where 1, 1.0 and an unsigned 1 are the same number.
inline bool sameJson(const Json::Value &a, const Json::Value &b) {
  if (!a.isNumeric() || !b.isNumeric()) return a == b;
  if (a.type() == Json::realValue || b.type() == Json::realValue) return a.asDouble() == b.asDouble();
  if (a.isInt64() && b.isInt64()) return a.asInt64() == b.asInt64();
  return a.isUInt64() && b.isUInt64() && a.asUInt64() == b.asUInt64();
}

// A product id as the service may write it (string or integer), or "".
inline std::string idText(const Json::Value &v) { return sdk::wire::idText(v).value_or(std::string()); }

// The start of a reply body for error messages, on one line.
inline std::string excerpt(const std::string &body) {
  if (body.empty()) return "(empty body)";
  const std::size_t kMax = 200;
  if (body.size() <= kMax) return body;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) // not inside a UTF-8 sequence
    --cut;
  return body.substr(0, cut) + "...";
}

inline std::string oneLine(std::string text) {
  for (char &c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return text;
}

inline sdk::Result<Json::Value> parseBody(const std::string &body) {
  try {
    return sdk::parseJson(body);
  } catch (const sdk::DecodeError &e) {
    return invalidArgument(e.what());
  }
}

// A status from `neighbour` ("the Catalog") that is neither success nor out
// of stock: retryable when the neighbour is in trouble, else rejected.
inline sdk::Error refusal(const std::string &what, const std::string &neighbour, const sdk::HttpResponse &response) {
  const std::string said = what + ": " + neighbour + " answered HTTP " + std::to_string(response.status) + ": " +
                           oneLine(excerpt(response.body));
  if (response.status >= 500 || response.status == 408 || response.status == 429) return unavailable(said);
  return rejected(said);
}

inline sdk::Status checkLines(const std::vector<sdk::StockLine> &lines) {
  if (lines.empty()) return invalidArgument("/lines: at least one line is required");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string at_line = "/lines/" + std::to_string(i);
    if (lines[i].productId.empty()) return invalidArgument(at_line + "/productId: must not be empty");
    if (lines[i].quantity <= 0) return invalidArgument(at_line + "/quantity: must be > 0");
  }
  return sdk::Status();
}

inline sdk::Status checkPath(const char *key, const std::string &path, bool may_be_empty) {
  if (path.empty() && may_be_empty) return sdk::Status();
  if (path.empty() || path[0] != '/') return invalidArgument(std::string("/") + key + ": must start with /");
  return sdk::Status();
}

inline sdk::Status checkPointer(const char *key, const std::string &pointer) {
  if (!pointer.empty() && pointer[0] != '/')
    return invalidArgument(std::string("/") + key + ": must be empty or a JSON pointer starting with /");
  return sdk::Status();
}

// Granted outcomes by idempotency key, so a repeated reserve answers the same
// reservation without asking the service again. Thread-safe.
class Remembered {
public:
  std::optional<sdk::ReserveOutcome> find(const std::string &key) const {
    std::lock_guard lock(mutex_);
    auto it = outcomes_.find(key);
    if (it == outcomes_.end()) return std::nullopt;
    return it->second;
  }
  void remember(const std::string &key, const sdk::ReserveOutcome &outcome) {
    std::lock_guard lock(mutex_);
    if (!outcomes_.emplace(key, outcome).second) return;
    order_.push_back(key);
    if (order_.size() > kRememberedReservations) {
      outcomes_.erase(order_.front());
      order_.pop_front();
    }
  }

private:
  mutable std::mutex mutex_;
  std::map<std::string, sdk::ReserveOutcome> outcomes_;
  std::deque<std::string> order_;
};

} // namespace orders::common::stock
