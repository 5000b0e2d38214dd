// Process-wide library state that must be set up once, before any thread
// starts, and never torn down while the process runs.
//
// Poco::Crypto: every Poco::Crypto object (DigestEngine, RSAKey, the JWT
// signer, NetSSL contexts) holds an OpenSSLInitializer. When the last one
// dies the process-wide count reaches zero and OpenSSL's locks are destroyed
// while another thread may be creating the next one (Poco issues #1498,
// #1739): the server died in pthread_mutex_destroy under load. One
// initializer held for the whole process keeps the count above zero.
//
// Thread-safety: call from main() (ServerApp's constructor) before threads
// exist; calling it again is harmless.
#pragma once

#include <cstdint>

namespace orders::host::app {

void initializeProcessLibraries();

// Raises the soft RLIMIT_NOFILE towards `wanted` (never above the hard
// limit, never lowers it); returns the soft limit in force afterwards.
uint64_t raiseOpenFileLimit(uint64_t wanted);

} // namespace orders::host::app
