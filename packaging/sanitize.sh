#!/usr/bin/env bash
# The concurrency end-to-end tests (200 concurrent checkouts, one key from 50
# clients, parallel payment retries, SIGKILL after every saga step,
# PostgreSQL restarted / stopped / its backends killed under load) and the
# API fuzzer on a sanitizer build of the server and its embedded plugins.
#
# Usage: packaging/sanitize.sh [address|thread]   (default: address = ASan + UBSan)
# Any sanitizer report from any process (the server under test runs as a
# child) fails the run: reports go to a directory that must stay empty.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-address}
case "$kind" in
  address) preset=asan ;;
  thread) preset=tsan ;;
  *) echo "usage: $0 [address|thread]" >&2; exit 64 ;;
esac
bash "$root/packaging/deps.sh"
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cd "$root"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target order-service-test orders_catalog_static orders_inventory_local \
  orders_payment_manual orders_shipping_manual orders_invoice_pdf e2e_consistency_tests e2e_faults_tests \
  e2e_api_fuzz_tests

# shellcheck source=packaging/pg_temp.sh
source "$root/packaging/pg_temp.sh"
reports=$(mktemp -d /tmp/orders-sanitizer-XXXXXX)
trap 'pg_temp_stop; rm -rf "$reports"' EXIT
pg_temp_start
# Leaks are not checked: Poco keeps process-lifetime objects, and a
# PostgreSQL statement whose execute failed is leaked on purpose
# (storage/database.hpp, Database::abandon).
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$reports/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan"
status=0
# The API fuzzer with a third of its default length per engine (the sanitized server answers ~3x slower).
(cd "$root/build-$preset" && ORDERS_API_FUZZ_REQUESTS=${ORDERS_API_FUZZ_REQUESTS:-10000} ctest --output-on-failure \
  --timeout 900 -R '^(e2e_consistency_tests|e2e_faults_tests|e2e_api_fuzz_tests)$') || status=1
if [ -n "$(ls -A "$reports")" ]; then
  echo "sanitize.sh: $kind sanitizer reports:" >&2
  for f in "$reports"/*; do echo "== $f" >&2; head -c 20000 "$f" >&2; done
  status=1
fi
[ "$status" -eq 0 ] && echo "sanitize.sh: $kind sanitizer build: concurrency tests passed, no reports"
exit "$status"
