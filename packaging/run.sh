#!/usr/bin/env bash
# Builds and runs the server on the embedded default (config/embedded.yaml):
# SQLite and in-process plugins, no other server needed.
# Environment: PORT (default 8080), ORDERS_CONFIG to run another config.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/packaging/build.sh"
build_dir=${ORDERS_BUILD_DIR:-$root/build}
export ORDERS_PLUGIN_DIR=${ORDERS_PLUGIN_DIR:-$build_dir/plugins-out}
export ORDERS_DATA_DIR=${ORDERS_DATA_DIR:-$root/.data}
mkdir -p "$ORDERS_DATA_DIR"
exec "$build_dir/host/order-service" --config "${ORDERS_CONFIG:-$root/config/embedded.yaml}"
