#!/usr/bin/env bash
# Installs what is missing, configures and builds (ccache, -j2) into ./build.
# Usage: packaging/build.sh [extra cmake args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/packaging/deps.sh"
build_dir=${ORDERS_BUILD_DIR:-$root/build}
jobs=${ORDERS_BUILD_JOBS:-2}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Clones in other directories share cache hits (CI builds a fresh clone).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$build_dir" -j"$jobs"
