// The order-service executable: a Poco ServerApplication.
//
//   order-service --config FILE         run the server
//   order-service --check-config        load config and every plugin, then exit
//   order-service --list-plugins        installed plugins on plugin_paths
//   order-service --print-schemas       config schema and each plugin's schema
//   order-service --migrate             apply database migrations and exit
//   order-service --help
//
// The config path defaults to $ORDERS_CONFIG, else
// /etc/order-service/config.yaml.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>

namespace orders::host::app {

class ServerApp : public Poco::Util::ServerApplication {
public:
  ServerApp();

protected:
  void defineOptions(Poco::Util::OptionSet &options) override;
  void handleOption(const std::string &name, const std::string &value) override;
  int main(const std::vector<std::string> &args) override;

private:
  enum class Mode { serve, check_config, list_routes, list_plugins, print_schemas, migrate, replay_outbox, help };
  int listPlugins();
  int printSchemas();
  // Loads everything as serve() would; prints OK, or with `print_routes`
  // every mounted route as "METHOD /pattern". Then, unless --offline (or
  // printing routes), reaches the database and asks each plugin instance's
  // ready(), one line each (exit 69 when any is unreachable).
  int checkConfig(bool print_routes = false);
  int migrate();
  int replayOutbox();
  int serve();
  int usage();

  Mode mode_ = Mode::serve;
  std::string config_path_;
  bool dry_run_ = false; // --migrate --dry-run
  bool offline_ = false; // --check-config --offline
  std::string replay_range_;
};

} // namespace orders::host::app
