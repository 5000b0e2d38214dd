// Time-ordered UUIDs (RFC 9562 version 7) for the rows a service inserts
// at a steady rate and keys by id: orders, payments, shipments, checkouts,
// outbox events, inventory holds.
//
// Why not version 4: a random key lands on a random leaf of every B-tree
// that indexes it, so once a table outgrows the cache each insert touches
// a page nothing else touched since the last checkpoint, and PostgreSQL
// writes that whole page to its WAL again (a full-page image). A version 7
// id starts with the Unix time in milliseconds, so the ids of one moment
// share the right-hand edge of each index, however large the table (what
// that buys at 1,000,000 orders: README, Benchmarks).
//
// Layout: 48 bits of Unix milliseconds, the version (7), 12 random bits,
// the variant (10), 62 random bits: 74 random bits per id, from the
// kernel's random source by one getrandom(2) call (Poco's random UUIDs open,
// read and close /dev/urandom for each id). Ids of one millisecond are not
// ordered among themselves; nothing relies on that. The creation time can
// be read back from an id (the records carry it anyway).
//
// Header-only, shared by the host and in-tree plugins.
#pragma once

#include <Poco/UUIDGenerator.h>
#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>

namespace orders::ids {

// `unix_ms`: the time to put in the id (tests); < 0 takes the clock's.
inline std::string timeOrderedId(int64_t unix_ms = -1) {
  if (unix_ms < 0)
    unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count();
  unsigned char bytes[16];
  ssize_t got = -1;
  do
    got = getrandom(bytes, sizeof bytes, 0);
  while (got < 0 && errno == EINTR);
  if (got != static_cast<ssize_t>(sizeof bytes)) // no getrandom (ENOSYS): Poco's way
    Poco::UUIDGenerator::defaultGenerator().createRandom().copyTo(reinterpret_cast<char *>(bytes));
  const auto ms = static_cast<uint64_t>(unix_ms);
  for (int i = 0; i < 6; ++i)
    bytes[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  bytes[6] = static_cast<unsigned char>(0x70 | (bytes[6] & 0x0f)); // version 7
  bytes[8] = static_cast<unsigned char>(0x80 | (bytes[8] & 0x3f)); // variant 10
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0x0f];
  }
  return out;
}

} // namespace orders::ids
