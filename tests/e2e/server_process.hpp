// End-to-end test support: the real order-service binary, started as a
// child process on a generated config (SQLite in a temp dir, or a fresh
// PostgreSQL database on the throw-away server of packaging/test.sh), and an
// HTTP client speaking to it with gateway-trust headers.
#pragma once

#include <json/json.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace orders::e2e {

enum class Engine { sqlite, postgres };

// True when the PostgreSQL tests can run (ORDERS_TEST_PG_URL is set).
bool postgresAvailable();

struct Reply {
  int status = 0; // 0: no answer (connection failed)
  std::string body;
  std::map<std::string, std::string> headers; // lower-case names
  Json::Value json() const;
};

// A fresh database for one test: a temp dir (SQLite) or a new PostgreSQL
// database; removed on destruction.
class TestDatabase {
public:
  // `parent`: where the SQLite files go (a temp dir under it; default /tmp).
  explicit TestDatabase(Engine engine, const std::string &parent = "/tmp");
  ~TestDatabase();
  Engine engine() const { return engine_; }
  std::string ordersUrl() const;
  std::string inventoryUrl() const;
  const std::string &dir() const { return dir_; }
  // Runs a query returning one integer (e.g. SELECT SUM(reserved) ...) on
  // the orders or the inventory database.
  int64_t scalar(const std::string &sql, bool inventory = false) const;
  // Runs a statement without results (setting up rows a test needs).
  void exec(const std::string &sql, bool inventory = false) const;

private:
  Engine engine_;
  std::string dir_;
  std::string pg_name_;
};

struct ServerOptions {
  std::map<std::string, std::string> env; // extra environment (e.g. ORDERS_TEST_CRASH_AFTER)
  std::string extra_yaml;                 // appended to the generated config
  std::string database_url;               // instead of the TestDatabase's (e.g. through a proxy)
  std::string http_extra;                 // appended inside the http map, e.g. ", rate_limits: [...]"
  int lease_seconds = 120;
  int budget_ms = 0; // checkout.budget_ms; 0: 20 s, or half the lease when that is shorter
  int sweep_interval_ms = 100;
  int auto_complete_after_seconds = 604800;
  int payment_timeout_seconds = 86400;
  int stock_mug = 100;
  int stock_beans = 50;
  bool require_idempotency_key = false;
  bool access_log = false; // log.access_log: one line per request
  std::string split = "orders_per_seller";
  std::string checkout_extra;     // appended inside the checkout map, e.g. ", inventory_routes: [...]"
  std::string orders_extra;       // appended inside the orders map, e.g. ", retention: { ... }"
  std::string inventory_extra;    // more entries of plugins.inventory (YAML list items, 4-space indent)
  std::string catalog_extra;      // more entries of plugins.catalog (same form)
  std::string payment_extra;      // more entries of plugins.payment (same form)
  std::string shipping_extra;     // more entries of plugins.shipping (same form)
  std::string plugin_paths_extra; // more plugin_paths entries, e.g. ", \"/dir\""
  // A shipped config file (config/seeds/...) instead of the generated one;
  // it reads its port from PORT, which the process gets set (with `env`).
  std::string config_file;
};

// The config ServerProcess runs `db` with (options' config_file aside),
// written to db.dir(); its path. For the command-line modes' tests.
std::string writeServerConfig(const TestDatabase &db, const ServerOptions &options, uint16_t port);

class ServerProcess {
public:
  ServerProcess(const TestDatabase &db, ServerOptions options = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess &) = delete;
  ServerProcess &operator=(const ServerProcess &) = delete;

  // Waits until /health answers (or the process exits); false on failure.
  bool waitReady(int timeout_ms = 20000);
  // Waits for the process to exit (e.g. after a crash point); true if it did.
  bool waitExit(int timeout_ms = 20000);
  void stop(); // SIGTERM, wait
  void kill(); // SIGKILL, wait: a crash, nothing flushed or closed
  // True once the process has exited on its own (not by kill() or stop()).
  bool exitedByItself();
  bool running() const;
  // Like running(), but reaps a child that died (running() still sees a
  // zombie); then exitStatus() tells how it ended (waitpid status).
  bool alive();
  int exitStatus() const { return exit_status_; }
  int pid() const { return pid_; }
  uint16_t port() const { return port_; }
  const std::string &configPath() const { return config_path_; }
  std::string log() const;

  Reply request(const std::string &method, const std::string &path, const std::string &body = "",
                const std::map<std::string, std::string> &headers = {}) const;
  // As a gateway-authenticated user.
  Reply as(const std::string &user, const std::string &role, const std::string &method, const std::string &path,
           const std::string &body = "", std::map<std::string, std::string> headers = {}) const;

private:
  std::string dir_;
  std::string log_path_;
  std::string config_path_;
  uint16_t port_ = 0;
  int pid_ = -1;
  int exit_status_ = -1;
};

// A checkout body for the demo catalog.
std::string checkoutBody(const std::map<std::string, int> &items);

} // namespace orders::e2e
