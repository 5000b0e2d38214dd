#include "app/process_init.hpp"

#include <Poco/Crypto/Crypto.h>

#include <mutex>

namespace orders::host::app {

void initializeProcessLibraries() {
  static std::once_flag once;
  // Never paired with uninitializeCrypto(): the count stays above zero until exit.
  std::call_once(once, [] { Poco::Crypto::initializeCrypto(); });
}

} // namespace orders::host::app
