// order-service-conformance: checks a built plugin against the contract of
// its kind (see conformance/conformance_kit.hpp and the README's
// "Conformance kit").
//
//   order-service-conformance --plugin build/orders-payment-acme.so --spec conformance.yaml [--only retry]
//                             [--log-level debug|info|warn|error]
#include <cstring>
#include <iostream>
#include <string>

#include "conformance/conformance_kit.hpp"
#include "log/logger.hpp"

int main(int argc, char **argv) {
  orders::host::conformance::Options options;
  // The kit provokes failures on purpose: the server's warnings about them
  // are noise here unless asked for.
  std::string log_level = "error";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--plugin" && has_value)
      options.plugin_file = argv[++i];
    else if (arg == "--spec" && has_value)
      options.spec_file = argv[++i];
    else if (arg == "--only" && has_value)
      options.only = argv[++i];
    else if (arg == "--log-level" && has_value)
      log_level = argv[++i];
    else {
      std::cerr
          << (arg == "--help" || arg == "-h" ? "" : "unknown or incomplete option '" + arg + "'\n")
          << "usage: order-service-conformance --plugin FILE.so --spec SPEC.yaml [--only TEXT] [--log-level LEVEL]\n"
             "Loads the plugin through the server's loader, plays its neighbour from the spec's\n"
             "`peer` script and checks the contract of its kind. Exit 0: every check passed.\n";
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
  }
  if (options.plugin_file.empty() || options.spec_file.empty()) {
    std::cerr << "order-service-conformance: --plugin and --spec are required (see --help)\n";
    return 2;
  }
  orders::host::log::Logger::instance().setLevel(orders::host::log::levelFromName(log_level));
  return orders::host::conformance::run(options, std::cout);
}
