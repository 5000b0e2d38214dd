#include "server_process.hpp"

#include "pg_admin.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "orders/sdk/json.hpp"

using namespace Poco::Data::Keywords;

namespace orders::e2e {

namespace {
const char *env(const char *name) {
  const char *v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

std::string randomSuffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

void registerConnectors() {
  static bool done = [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
    return true;
  }();
  (void)done;
}

// "host=... dbname=orders" with another dbname.
std::string dsnFor(const std::string &db) {
  std::string dsn = env("ORDERS_TEST_PG_DSN");
  const auto pos = dsn.find("dbname=");
  return dsn.substr(0, pos) + "dbname=" + db;
}

uint16_t freePort() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  return s.address().port();
}
} // namespace

bool postgresAvailable() { return env("ORDERS_TEST_PG_URL") != nullptr && env("ORDERS_TEST_PG_DSN") != nullptr; }

Json::Value Reply::json() const { return sdk::parseJson(body); }

TestDatabase::TestDatabase(Engine engine, const std::string &parent) : engine_(engine) {
  registerConnectors();
  std::string tmpl = parent + "/orders-e2e-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot create a temp dir under " + parent);
  dir_ = tmpl;
  if (engine == Engine::postgres) {
    if (!postgresAvailable()) throw std::runtime_error("ORDERS_TEST_PG_URL is not set");
    pg_name_ = "e2e_" + randomSuffix();
    for (const std::string &name : {pg_name_, pg_name_ + "_inv"})
      orders::testing::pgAdmin("CREATE DATABASE " + name);
  }
}

TestDatabase::~TestDatabase() {
  if (engine_ == Engine::postgres) {
    try {
      orders::testing::pgAdmin("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
      orders::testing::pgAdmin("DROP DATABASE IF EXISTS " + pg_name_ + "_inv WITH (FORCE)");
    } catch (...) { // a destructor: the temp cluster goes with the test run anyway
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TestDatabase::ordersUrl() const {
  if (engine_ == Engine::sqlite) return "sqlite://" + dir_ + "/orders.db";
  std::string url = env("ORDERS_TEST_PG_URL");
  return url.substr(0, url.rfind('/') + 1) + pg_name_;
}

std::string TestDatabase::inventoryUrl() const {
  if (engine_ == Engine::sqlite) return "sqlite://" + dir_ + "/inventory.db";
  std::string url = env("ORDERS_TEST_PG_URL");
  return url.substr(0, url.rfind('/') + 1) + pg_name_ + "_inv";
}

int64_t TestDatabase::scalar(const std::string &sql, bool inventory) const {
  std::unique_ptr<Poco::Data::Session> s;
  if (engine_ == Engine::sqlite)
    s = std::make_unique<Poco::Data::Session>("sqlite", dir_ + (inventory ? "/inventory.db" : "/orders.db"));
  else
    s = std::make_unique<Poco::Data::Session>("postgresql", dsnFor(inventory ? pg_name_ + "_inv" : pg_name_));
  Poco::Nullable<Poco::Int64> value;
  *s << sql, into(value), now;
  return value.isNull() ? 0 : value.value();
}

void TestDatabase::exec(const std::string &sql, bool inventory) const {
  std::unique_ptr<Poco::Data::Session> s;
  if (engine_ == Engine::sqlite)
    s = std::make_unique<Poco::Data::Session>("sqlite", dir_ + (inventory ? "/inventory.db" : "/orders.db"));
  else
    s = std::make_unique<Poco::Data::Session>("postgresql", dsnFor(inventory ? pg_name_ + "_inv" : pg_name_));
  *s << sql, now;
}

std::string writeServerConfig(const TestDatabase &db, const ServerOptions &o, uint16_t port_) {
  const std::string config = db.dir() + "/config-" + std::to_string(port_) + ".yaml";
  std::ofstream(config)
      << "service: { name: order-service-e2e }\n"
      << "http: { host: 127.0.0.1, port: " << port_ << ", threads: 96" << o.http_extra << " }\n"
      << "log: { level: info, access_log: " << (o.access_log ? "true" : "false") << " }\n"
      << "auth:\n  gateway: { enabled: true, key_secret: GATEWAY_KEY }\n"
      << "  service_token: { enabled: true, secret: INTERNAL_TOKEN }\n"
      << "secrets:\n  GATEWAY_KEY: { value: test-gateway-key }\n"
      << "  INTERNAL_TOKEN: { value: test-internal-token }\n"
      << "  PAYMENT_WEBHOOK_SECRET: { value: test-webhook-secret }\n"
      << "  SHIPPING_WEBHOOK_SECRET: { value: test-shipping-secret }\n"
      << "database: { url: \"" << (o.database_url.empty() ? db.ordersUrl() : o.database_url) << "\", pool_size: 24 }\n"
      << "checkout: { split: " << o.split << ", lease_seconds: " << o.lease_seconds
      << ", budget_ms: " << (o.budget_ms > 0 ? o.budget_ms : std::min(20000, o.lease_seconds * 500))
      << ", payment_timeout_seconds: " << o.payment_timeout_seconds
      << ", require_idempotency_key: " << (o.require_idempotency_key ? "true" : "false") << o.checkout_extra << " }\n"
      << "orders: { sweep_interval_ms: " << o.sweep_interval_ms
      << ", auto_complete_after_seconds: " << o.auto_complete_after_seconds << o.orders_extra << " }\n"
      << "plugin_paths: [\"" << ORDERS_PLUGIN_DIR << "\"" << o.plugin_paths_extra << "]\n"
      << "plugins:\n"
      << "  catalog:\n    - name: static\n      id: catalog\n      config:\n        products:\n"
      << "          - { id: sku-mug, title: Mug, priceMinor: 1299, currency: USD, sellerId: s1 }\n"
      << "          - { id: sku-beans, title: Beans, priceMinor: 2450, currency: USD, sellerId: s2 }\n"
      << "          - { id: sku-tee, title: Tee, priceMinor: 1900, currency: USD, attributes: { type: merch } }\n"
      << o.catalog_extra << "  inventory:\n    - name: local\n      id: stock\n      config:\n"
      << "        database_url: \"" << db.inventoryUrl() << "\"\n"
      << "        stock: { sku-mug: " << o.stock_mug << ", sku-beans: " << o.stock_beans << ", sku-tee: 1000 }\n"
      << o.inventory_extra << "  payment:\n    - name: manual\n      id: manual\n"
      << "      config: { webhook_secret: PAYMENT_WEBHOOK_SECRET }\n"
      << o.payment_extra << "  shipping:\n    - name: manual\n      id: ship\n"
      << "      config: { webhook_secret: SHIPPING_WEBHOOK_SECRET }\n"
      << o.shipping_extra << o.extra_yaml;
  return config;
}

ServerProcess::ServerProcess(const TestDatabase &db, ServerOptions o) {
  dir_ = db.dir();
  port_ = freePort();
  log_path_ = dir_ + "/server-" + std::to_string(port_) + ".log";
  const std::string config = o.config_file.empty() ? writeServerConfig(db, o, port_) : o.config_file;
  config_path_ = config;
  if (!o.config_file.empty()) o.env["PORT"] = std::to_string(port_);
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    for (const auto &[k, v] : o.env)
      setenv(k.c_str(), v.c_str(), 1);
    execl(ORDERS_SERVER_BINARY, ORDERS_SERVER_BINARY, "--config", config.c_str(), static_cast<char *>(nullptr));
    _exit(127);
  }
}

ServerProcess::~ServerProcess() { stop(); }

bool ServerProcess::running() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }

bool ServerProcess::alive() {
  int status = 0;
  if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_status_ = status;
    pid_ = -1;
  }
  return pid_ > 0;
}

bool ServerProcess::waitReady(int timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    if (request("GET", "/health").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool ServerProcess::waitExit(int timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (pid_ > 0 && std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pid_ <= 0;
}

void ServerProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!waitExit(15000)) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

bool ServerProcess::exitedByItself() { return !alive() && exit_status_ != -1; }

void ServerProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Reply ServerProcess::request(const std::string &method, const std::string &path, const std::string &body,
                             const std::map<std::string, std::string> &headers) const {
  Reply r;
  try {
    Poco::Net::HTTPClientSession s("127.0.0.1", port_);
    s.setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto &[k, v] : headers)
      req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT") {
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream &is = s.receiveResponse(res);
    r.status = res.getStatus();
    for (const auto &[k, v] : res) {
      std::string lower = k;
      for (char &c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[lower] = v;
    }
    std::ostringstream out;
    Poco::StreamCopier::copyStream(is, out);
    r.body = out.str();
  } catch (const std::exception &) {
    r.status = 0;
  }
  return r;
}

Reply ServerProcess::as(const std::string &user, const std::string &role, const std::string &method,
                        const std::string &path, const std::string &body,
                        std::map<std::string, std::string> headers) const {
  headers["x-gateway-key"] = "test-gateway-key";
  headers["x-user-id"] = user;
  headers["x-user-role"] = role;
  if (role == "seller") headers["x-seller-id"] = user;
  return request(method, path, body, headers);
}

std::string checkoutBody(const std::map<std::string, int> &items) {
  Json::Value body(Json::objectValue);
  Json::Value arr(Json::arrayValue);
  for (const auto &[sku, qty] : items) {
    Json::Value i(Json::objectValue);
    i["productId"] = sku;
    i["quantity"] = qty;
    arr.append(i);
  }
  body["items"] = arr;
  Json::Value address(Json::objectValue);
  address["name"] = "Ana Buyer";
  address["line1"] = "1 Demo Street";
  address["city"] = "Dublin";
  address["postalCode"] = "D01XYZ";
  address["country"] = "IE";
  body["shippingAddress"] = address;
  return sdk::writeJson(body);
}

} // namespace orders::e2e
