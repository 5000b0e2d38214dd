#!/usr/bin/env bash
# An integrator's path: install the SDK into a prefix, build the example
# plugin out of tree against it (C++17), and have the host load it.
set -euo pipefail
build=$1 src=$2 bin=$3 in_tree=$4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$src/sdk/examples/notifier-webhook" -B "$tmp/plugin" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" >/dev/null
cmake --build "$tmp/plugin" >/dev/null
test -f "$tmp/plugin/orders-notifier-webhook.so"
cat > "$tmp/config.yaml" <<YAML
plugin_paths: ["$tmp/plugin", "$in_tree"]
secrets:
  hook_token: { value: "t0ken" }
plugins:
  catalog: [ { name: static } ]
  inventory: [ { name: local, config: { database_url: "sqlite://$tmp/inventory.db" } } ]
  payment: [ { name: manual } ]
  notifier:
    - name: webhook
      config: { url: "http://127.0.0.1:9/hook", token_secret: hook_token }
YAML
"$bin" --check-config --config "$tmp/config.yaml"
"$bin" --list-plugins --config "$tmp/config.yaml" | grep -q '^notifier/webhook  version 0.1.0  ABI 1.3'
echo "out-of-tree plugin built against the installed SDK and loaded"
