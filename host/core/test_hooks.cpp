// crashPoint(): the saga's and the Kafka consumer's crash test hook.
//
// Compiled twice: into orders_host_lib as a no-op (the order-service binary
// that is installed and packaged has no hook at all), and with
// ORDERS_TEST_HOOKS into order-service-test, the binary the end-to-end
// tests run, where $ORDERS_TEST_CRASH_AFTER=<step> makes the process kill
// itself with SIGKILL right after that step is durable. The test binary's
// own object wins over the library's (an archive member is linked only for
// a symbol still undefined).
#include "core/checkout_service.hpp"

#ifdef ORDERS_TEST_HOOKS
#include <csignal>
#include <cstdlib>
#include <string>

#include "log/logger.hpp"
#endif

namespace orders::host::core {

#ifdef ORDERS_TEST_HOOKS
void crashPoint(const char *step) {
  static const char *target = std::getenv("ORDERS_TEST_CRASH_AFTER");
  if (target != nullptr && std::string(target) == step) {
    log::warn("ORDERS_TEST_CRASH_AFTER reached: killing the process", {{"step", step}});
    std::raise(SIGKILL);
  }
}
#else
void crashPoint(const char *) {}
#endif

} // namespace orders::host::core
