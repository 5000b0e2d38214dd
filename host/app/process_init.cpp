#include "app/process_init.hpp"

#include <Poco/Crypto/Crypto.h>
#include <sys/resource.h>

#include <algorithm>

#include <mutex>

namespace orders::host::app {

void initializeProcessLibraries() {
  static std::once_flag once;
  // Never paired with uninitializeCrypto(): the count stays above zero until exit.
  std::call_once(once, [] { Poco::Crypto::initializeCrypto(); });
}

uint64_t raiseOpenFileLimit(uint64_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(wanted, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<uint64_t>(limit.rlim_cur);
}

} // namespace orders::host::app
