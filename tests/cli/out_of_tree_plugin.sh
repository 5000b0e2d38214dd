#!/usr/bin/env bash
# An integrator's path: install the SDK into a prefix, build the example
# plugins (a notifier and a dialect) out of tree against it (C++17), have
# the host load both, and serve the dialect's route over the core.
set -euo pipefail
build=$1 src=$2 bin=$3 in_tree=$4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null

# Installing to a prefix writes nothing outside it (DESTDIR shows every path
# the install touches), and --component sdk installs the SDK alone.
DESTDIR="$tmp/destdir" cmake --install "$build" --prefix /opt/orders >/dev/null
outside=$(cd "$tmp/destdir" && find . -mindepth 1 -maxdepth 2 | grep -v '^\./opt$' | grep -v '^\./opt/orders$' || true)
test -z "$outside" || { echo "install wrote outside its prefix: $outside"; exit 1; }
cmake --install "$build" --prefix "$tmp/sdk-only" --component sdk >/dev/null
others=$(cd "$tmp/sdk-only" && find . -type f | grep -v '^\./include/orders/' | grep -v '^\./lib/cmake/OrdersSDK/' |
  grep -v '^\./bin/orders-plugin-new$' | grep -v '^\./share/orders-sdk/templates/' |
  grep -v '^\./share/doc/order-service-sdk/' | grep -v '^\./share/lintian/overrides/order-service-sdk$' || true)
test -z "$others" || { echo "--component sdk installed more than the SDK: $others"; exit 1; }
test -f "$tmp/sdk-only/include/orders/sdk/abi.h"
# find_package(OrdersSDK <version>) follows the ABI: 1.3 is satisfied, 2.0 and a newer minor are not.
abi_minor=$(sed -n 's/^#define ORDERS_ABI_MINOR \([0-9]*\)$/\1/p' "$src/sdk/include/orders/sdk/abi.h")
version_check() {
  mkdir -p "$tmp/vc"; printf 'cmake_minimum_required(VERSION 3.25)\nproject(vc CXX)\nfind_package(OrdersSDK %s REQUIRED)\n' "$1" >"$tmp/vc/CMakeLists.txt"
  cmake -S "$tmp/vc" -B "$tmp/vc/build" -DCMAKE_PREFIX_PATH="$tmp/sdk-only" >/dev/null 2>&1; local rc=$?; rm -rf "$tmp/vc"; return $rc
}
version_check 1.3 || { echo "find_package(OrdersSDK 1.3) failed against SDK 1.$abi_minor"; exit 1; }
! version_check 2.0 || { echo "find_package(OrdersSDK 2.0) accepted SDK 1.$abi_minor"; exit 1; }
! version_check "1.$((abi_minor + 1))" || { echo "find_package(OrdersSDK 1.$((abi_minor + 1))) accepted SDK 1.$abi_minor"; exit 1; }
cmake -S "$src/sdk/examples/notifier-echo" -B "$tmp/plugin" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" >/dev/null
cmake --build "$tmp/plugin" >/dev/null
test -f "$tmp/plugin/orders-notifier-echo.so"
cmake -S "$src/sdk/examples/dialect-hello" -B "$tmp/dialect" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" >/dev/null
cmake --build "$tmp/dialect" >/dev/null
test -f "$tmp/dialect/orders-dialect-hello.so"
cat > "$tmp/config.yaml" <<YAML
plugin_paths: ["$tmp/plugin", "$tmp/dialect", "$in_tree"]
http: { host: 127.0.0.1, port: PORT }
database: { url: "sqlite://$tmp/orders.db" }
auth:
  gateway: { enabled: true, key_secret: gw }
secrets:
  hook_token: { value: "t0ken" }
  gw: { value: "gw-key" }
plugins:
  catalog: [ { name: static, config: { products: [ { id: sku-mug, title: Mug, priceMinor: 1299, currency: USD } ] } } ]
  inventory: [ { name: local, config: { database_url: "sqlite://$tmp/inventory.db", stock: { sku-mug: 5 } } } ]
  payment: [ { name: manual } ]
  notifier:
    - name: echo
      config: { url: "http://127.0.0.1:9/hook", token_secret: hook_token }
  dialect:
    - name: hello
      mount: /hello
      auth: { user: [gateway] }
      config: { greeting: "hi" }
YAML
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/port: PORT/port: $port/" "$tmp/config.yaml"
"$bin" --check-config --offline --config "$tmp/config.yaml"
"$bin" --list-plugins --config "$tmp/config.yaml" | grep -q '^notifier/echo  version 0.1.0  ABI 1.6'
"$bin" --list-plugins --config "$tmp/config.yaml" | grep -q '^dialect/hello  version 0.1.0  ABI 1.6'

# The dialect serves its route, acting through the core as the caller.
"$bin" --config "$tmp/config.yaml" >"$tmp/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
gw=(-H "x-gateway-key: gw-key" -H "x-user-id: u1")
id=$(curl -sf "${gw[@]}" -H 'content-type: application/json' -X POST "http://127.0.0.1:$port/api/orders" \
  -d '{"items":[{"productId":"sku-mug","quantity":1}]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["orders"][0]["id"])')
got=$(curl -s "${gw[@]}" "http://127.0.0.1:$port/hello/orders/$id")
test "$got" = "{\"greeting\":\"hi\",\"orderId\":\"$id\",\"state\":\"awaiting_payment\"}" || { echo "dialect answered: $got"; cat "$tmp/server.log"; exit 1; }
other=$(curl -s -o /dev/null -w '%{http_code}' -H "x-gateway-key: gw-key" -H "x-user-id: u2" "http://127.0.0.1:$port/hello/orders/$id")
test "$other" = 404 || { echo "another user got $other"; exit 1; }
anon=$(curl -s "http://127.0.0.1:$port/hello/orders/$id")
test "$anon" = '{"greeting":"hi","problem":"who are you?"}' || { echo "anonymous got: $anon"; exit 1; }
echo "out-of-tree notifier and dialect built against the installed SDK, loaded and served"
