#!/usr/bin/env bash
# host/layers.cmake accepts the host as it is, and refuses a copy with one
# wrong-way include (storage -> core) and one with SQL in a handler, naming
# file:line and the rule each time.
set -euo pipefail
root=$1
cmake -DHOST_DIR="$root/host" -P "$root/host/layers.cmake"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check_refused() { # <what> <expected text>
  if out=$(cmake -DHOST_DIR="$tmp/host" -P "$root/host/layers.cmake" 2>&1); then
    echo "layers.cmake accepted $1" >&2; exit 1
  fi
  grep -qF "$2" <<<"$out" || { echo "layers.cmake refused $1 without naming it: $out" >&2; exit 1; }
}
cp -r "$root/host" "$tmp/host"
echo '#include "core/order_core.hpp"' >>"$tmp/host/storage/rows.hpp"
check_refused "storage including core" "host/storage/rows.hpp:$(wc -l <"$tmp/host/storage/rows.hpp"): storage may not include core/"
rm -rf "$tmp/host" && cp -r "$root/host" "$tmp/host"
echo 'const char *q = "SELECT id FROM orders";' >>"$tmp/host/handlers/admin_handlers.cpp"
check_refused "SQL in a handler" "SQL in handlers/"
echo "layers: the host passes; a wrong-way include and SQL in a handler are refused"
