/*
 * orders/sdk/abi_hash.h - the SHA-256 of each released abi.h (lowercase hex).
 *
 * A plugin puts ORDERS_ABI_HASH in its descriptor's `abi_hash` (the C++
 * layer does it for you); the host refuses a plugin whose hash is not the
 * one of the minor it declares, so a header edited without a version bump,
 * or copied from a fork, is caught at load instead of corrupting memory.
 * tests/abi checks that ORDERS_ABI_HASH is the hash of abi.h as it is now:
 * any edit of abi.h needs a version bump and a new line here. Plugins built
 * for 1.0 to 1.5 carry no hash.
 */
#ifndef ORDERS_SDK_ABI_HASH_H
#define ORDERS_SDK_ABI_HASH_H

#define ORDERS_ABI_HASH_1_6 "29d4840e12a330574650bc880f3aa3f924c08a4060ba593160a9e10a398d75fa"

/* The hash of the abi.h next to this file (ORDERS_ABI_MAJOR.ORDERS_ABI_MINOR). */
#define ORDERS_ABI_HASH ORDERS_ABI_HASH_1_6

#endif /* ORDERS_SDK_ABI_HASH_H */
