#include "chaos_load.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace orders::chaos {

using e2e::Reply;

Fleet::Fleet(const e2e::TestDatabase &db, e2e::ServerOptions options, int replicas)
    : db_(db), options_(std::move(options)) {
  for (int i = 0; i < replicas; ++i) {
    auto s = std::make_shared<e2e::ServerProcess>(db_, options_);
    if (!s->waitReady()) throw std::runtime_error("replica " + std::to_string(i) + " did not start:\n" + s->log());
    servers_.push_back(std::move(s));
  }
}

Fleet::~Fleet() = default;

size_t Fleet::size() const {
  std::lock_guard lock(mutex_);
  return servers_.size();
}

Reply Fleet::send(const std::string &user, const std::string &path, const std::string &body,
                  const std::map<std::string, std::string> &headers) {
  std::shared_ptr<e2e::ServerProcess> s;
  {
    std::lock_guard lock(mutex_);
    s = servers_[next_++ % servers_.size()];
  }
  return s->as(user, "buyer", "POST", path, body, headers);
}

Reply Fleet::get(const std::string &path) {
  std::shared_ptr<e2e::ServerProcess> s;
  {
    std::lock_guard lock(mutex_);
    s = servers_[next_++ % servers_.size()];
  }
  return s->as("chaos-admin", "admin", "GET", path);
}

void Fleet::killAndReplace(size_t i) {
  std::shared_ptr<e2e::ServerProcess> victim;
  {
    std::lock_guard lock(mutex_);
    victim = servers_[i];
  }
  victim->kill();
  auto fresh = std::make_shared<e2e::ServerProcess>(db_, options_);
  if (!fresh->waitReady()) throw std::runtime_error("a replacement replica did not start:\n" + fresh->log());
  std::lock_guard lock(mutex_);
  servers_[i] = fresh;
  retired_.push_back(victim);
}

int Fleet::crashes() {
  std::lock_guard lock(mutex_);
  for (auto &s : servers_)
    if (s->exitedByItself()) {
      ++crashes_;
      std::cerr << "a replica exited by itself:\n" << s->log().substr(0, 8000) << "\n";
      s = std::make_shared<e2e::ServerProcess>(db_, options_); // keep serving; the crash is counted
      s->waitReady();
    }
  return crashes_;
}

std::string Fleet::logs() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto &s : servers_) {
    const std::string l = s->log();
    // The whole log outlives the temp dir; the tail and the distinct
    // warnings and errors go to the report.
    const std::string keep = "/tmp/orders-chaos-replica-" + std::to_string(s->port()) + ".log";
    std::ofstream(keep) << l;
    std::set<std::string> seen;
    std::string distinct;
    std::istringstream lines(l);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("\"level\":\"error\"") == std::string::npos && line.find("\"level\":\"warn\"") == std::string::npos)
        continue;
      const auto at = line.find("\"msg\":");
      const std::string msg = at == std::string::npos ? line : line.substr(at, line.find(',', at) - at);
      if (seen.insert(msg).second && seen.size() <= 30) distinct += line.substr(0, 600) + "\n";
    }
    out += "---- replica on port " + std::to_string(s->port()) + " (whole log: " + keep +
           "); first line of each distinct warning or error:\n" + distinct + "---- last 3000 bytes:\n" +
           (l.size() > 3000 ? l.substr(l.size() - 3000) : l);
  }
  return out;
}

Load::Load(Fleet &fleet, int clients, const std::string &prefix, std::string sku, std::chrono::milliseconds pace,
           bool one_buyer)
    : fleet_(fleet), prefix_(prefix), sku_(std::move(sku)), pace_(pace), one_buyer_(one_buyer) {
  for (int c = 0; c < clients; ++c)
    threads_.emplace_back([this, c] { run(c); });
}

Load::~Load() { stop(); }

void Load::stop() {
  running_ = false;
  for (auto &t : threads_)
    if (t.joinable()) t.join();
}

bool Load::attempt(int client, const std::string &key) {
  const auto started = Clock::now();
  Reply r = fleet_.send(prefix_ + "-buyer-" + std::to_string(one_buyer_ ? 0 : client), "/api/orders",
                        e2e::checkoutBody({{sku_, 1}}), {{"Idempotency-Key", key}});
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  std::lock_guard lock(mutex_);
  KeyOutcome &k = keys_[key];
  if (r.status == 201) {
    std::vector<std::string> ids;
    const Json::Value body = r.json();
    for (const auto &o : body["orders"])
      ids.push_back(o["id"].asString());
    if (k.resolved && ids != k.order_ids) k.duplicate = true;
    if (!k.resolved) {
      k.order_ids = ids;
      k.resolved = true;
      ++created_;
      created_at_.push_back(Clock::now());
    }
    latencies_ms_.push_back(ms);
    return true;
  }
  const std::string code = r.status != 0 ? r.json()["code"].asString() : "";
  if (r.status == 0) {
    ++connection_errors_;
    return false;
  }
  if ((r.status == 503 && code == "unavailable") || (r.status == 504 && code == "timeout")) {
    ++unavailable_;
    return false;
  }
  if (r.status == 429 && code == "too_many_requests") { // over the caller's rate: the same key, later
    ++rate_limited_;
    return false;
  }
  if (r.status == 409 && code == "conflict") { // the same key still in progress (perhaps on a dead replica)
    ++in_progress_;
    return false;
  }
  const std::string what = std::to_string(r.status) + " " + code;
  if (unexpected_[what]++ == 0) std::cerr << "unexpected reply " << r.status << ": " << r.body.substr(0, 500) << "\n";
  return true; // a final answer: retrying the same request would not change it
}

void Load::run(int client) {
  auto next = Clock::now();
  for (int n = 0; running_; ++n) {
    const std::string key = prefix_ + "-" + std::to_string(client) + "-" + std::to_string(n);
    while (running_ && !attempt(client, key))
      std::this_thread::sleep_for(pace_.count() > 0 ? pace_ : std::chrono::milliseconds(50));
    if (pace_.count() > 0) {
      next += pace_;
      std::this_thread::sleep_until(next);
    }
  }
}

void Load::resolve(std::chrono::seconds within) {
  std::vector<std::string> open;
  {
    std::lock_guard lock(mutex_);
    for (const auto &[key, k] : keys_)
      if (!k.resolved) open.push_back(key);
  }
  const auto until = Clock::now() + within;
  for (const auto &key : open) {
    const size_t from = prefix_.size() + 1;
    const int client = std::stoi(key.substr(from, key.find('-', from) - from));
    while (Clock::now() < until && !attempt(client, key))
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

std::map<std::string, int> Load::unexpected() const {
  std::lock_guard lock(mutex_);
  return unexpected_;
}

std::map<std::string, KeyOutcome> Load::outcomes() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

Clock::time_point Load::firstCreatedAfter(Clock::time_point t) const {
  std::lock_guard lock(mutex_);
  for (const auto &at : created_at_)
    if (at >= t) return at;
  return Clock::time_point::max();
}

bool Load::waitCreated(int n, std::chrono::seconds timeout) const {
  const int target = created_.load() + n;
  const auto until = Clock::now() + timeout;
  while (created_.load() < target && Clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return created_.load() >= target;
}

double Load::p99Ms() const {
  std::lock_guard lock(mutex_);
  if (latencies_ms_.empty()) return 0;
  std::vector<double> v = latencies_ms_;
  const size_t at = std::min(v.size() - 1, static_cast<size_t>(static_cast<double>(v.size()) * 0.99));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(at), v.end());
  return v[at];
}

std::string Load::summary() const {
  std::ostringstream s;
  s << created() << " created, " << unavailable() << " x 503, " << in_progress() << " x 409 in progress, "
    << connection_errors() << " broken connections, " << rate_limited() << " x 429";
  for (const auto &[k, v] : unexpected())
    s << ", " << k << " x" << v;
  return s.str();
}

std::string Invariants::describe() const {
  std::ostringstream s;
  s << "keys " << keys << ", acknowledged " << acknowledged << ", unresolved " << unresolved << ", lost " << lost
    << ", duplicates " << duplicates << ", orphans " << orphans << ", stock drift " << stock_drift << ", half-done "
    << half_done << (half_done_detail.empty() ? "" : " (" + half_done_detail + ")");
  return s.str();
}

Invariants check(const e2e::TestDatabase &db, const std::vector<const Load *> &loads, int stock,
                 std::chrono::seconds within) {
  auto pending = [&] {
    return db.scalar("SELECT COUNT(*) FROM checkouts WHERE status = 'running'") +
           db.scalar("SELECT COUNT(*) FROM orders WHERE status = 'pending'") +
           db.scalar("SELECT COUNT(*) FROM reservations WHERE status IN ('reserving', 'release_pending', "
                     "'commit_pending', 'restock_pending')");
  };
  const auto until = Clock::now() + within;
  while (pending() != 0 && Clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));

  Invariants inv;
  inv.half_done = static_cast<int>(pending());
  if (inv.half_done != 0) { // which rows, for the report
    inv.half_done_detail =
        "checkouts running " + std::to_string(db.scalar("SELECT COUNT(*) FROM checkouts WHERE status = 'running'")) +
        ", orders pending " + std::to_string(db.scalar("SELECT COUNT(*) FROM orders WHERE status = 'pending'"));
    const int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (const char *status : {"reserving", "release_pending", "commit_pending", "restock_pending"}) {
      const std::string where = std::string(" FROM reservations r WHERE r.status = '") + status + "'";
      const int64_t n = db.scalar("SELECT COUNT(*)" + where);
      inv.half_done_detail += std::string(", reservations ") + status + " " + std::to_string(n);
      if (n == 0) continue;
      // The first such row's sweep state: what keeps the reconciler from it.
      auto of = [&](const std::string &expr) {
        return std::to_string(db.scalar("SELECT " + expr + where + " LIMIT 1"));
      };
      const std::string now = std::to_string(now_ms);
      inv.half_done_detail +=
          " [first: attempts " + of("r.attempts") + ", next attempt in " + of("r.next_attempt_ms - " + now) +
          " ms, claimed for " + of("COALESCE(r.claimed_until_ms - " + now + ", -1)") + " ms, updated " +
          of(now + " - r.updated_at_ms") + " ms ago, its checkout " +
          of("(SELECT CASE c.status WHEN 'running' THEN 1 WHEN 'completed' THEN 2 WHEN 'compensated' THEN 3 "
             "WHEN 'failed' THEN 4 ELSE 9 END FROM checkouts c WHERE c.id = r.checkout_id)") +
          " (1 running, 2 completed, 3 compensated, 4 failed, 9 other), its order live " +
          of("(SELECT COUNT(*) FROM orders o WHERE o.id = r.order_id AND o.status <> 'cancelled')") + "]";
    }
  }
  std::vector<std::string> ids;
  for (const Load *load : loads)
    for (const auto &[key, k] : load->outcomes()) {
      ++inv.keys;
      if (k.resolved) {
        ++inv.acknowledged;
        ids.insert(ids.end(), k.order_ids.begin(), k.order_ids.end());
      } else {
        ++inv.unresolved;
      }
      if (k.duplicate) ++inv.duplicates;
    }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  int64_t found = 0;
  for (size_t i = 0; i < ids.size(); i += 400) {
    std::string in;
    for (size_t j = i; j < std::min(ids.size(), i + 400); ++j)
      in += (in.empty() ? "'" : ",'") + ids[j] + "'";
    found += db.scalar("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled' AND id IN (" + in + ")");
  }
  inv.lost = static_cast<int>(static_cast<int64_t>(ids.size()) - found);
  const int64_t live = db.scalar("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled'");
  inv.orphans = static_cast<int>(live - found);
  const int64_t on_hand = db.scalar("SELECT on_hand FROM inventory_stock WHERE product_key = 'sku-mug'", true);
  const int64_t reserved = db.scalar("SELECT reserved FROM inventory_stock WHERE product_key = 'sku-mug'", true);
  const int64_t mug_units = db.scalar("SELECT SUM(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id "
                                      "WHERE o.status <> 'cancelled' AND i.product_id = 'sku-mug'");
  inv.stock_drift = static_cast<int>(stock - on_hand + reserved - mug_units);
  return inv;
}

} // namespace orders::chaos
