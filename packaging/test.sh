#!/usr/bin/env bash
# Installs what is missing, builds, starts a throw-away PostgreSQL and a
# throw-away Redis on free ports (stopped and removed on exit, whatever
# happens), and runs every test through CTest. Extra arguments go to ctest
# (e.g. -R loader). Kafka tests start their own kafka-mock.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/packaging/build.sh"
build_dir=${ORDERS_BUILD_DIR:-$root/build}

# shellcheck source=packaging/pg_temp.sh
source "$root/packaging/pg_temp.sh"
# shellcheck source=packaging/redis_temp.sh
source "$root/packaging/redis_temp.sh"
trap 'redis_temp_stop; pg_temp_stop' EXIT
pg_temp_start
redis_temp_start

cd "$build_dir"
ctest --output-on-failure --timeout 600 "$@"
