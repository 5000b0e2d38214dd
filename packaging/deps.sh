#!/usr/bin/env bash
# Installs every Debian 12 package the build, the server and the tests need,
# then the npm packages of packaging/npm (packaging/web_assets.sh).
# Idempotent: packages already present are skipped, so a warm machine pays ~1 s.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git
  libpoco-dev libpq-dev libssl-dev
  librdkafka-dev libboost-dev libjsoncpp-dev libcppunit-dev libvalijson-dev
  libyaml-cpp-dev
  libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils fonts-droid-fallback
  postgresql-15 redis-server
  curl iproute2 wrk kcat openssl jq
  prometheus lintian chromium
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${#missing[@]}" -eq 0 ]; then
  exec bash "$root/packaging/web_assets.sh"
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages (${missing[*]}); run as root or install them with apt-get" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
bash "$root/packaging/web_assets.sh"
