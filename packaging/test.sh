#!/usr/bin/env bash
# Installs what is missing, builds, starts a throw-away PostgreSQL on a free
# port (stopped and removed on exit, whatever happens), and runs every test
# through CTest. Extra arguments go to ctest (e.g. -R loader).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/packaging/build.sh"
build_dir=${ORDERS_BUILD_DIR:-$root/build}

# shellcheck source=packaging/pg_temp.sh
source "$root/packaging/pg_temp.sh"
trap pg_temp_stop EXIT
pg_temp_start

cd "$build_dir"
ctest --output-on-failure --timeout 600 "$@"
