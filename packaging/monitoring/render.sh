#!/usr/bin/env bash
# Draws grafana-dashboard.json as a picture (dashboard.png), since Grafana
# is not packaged in Debian 12: the server on the embedded default with
# kafka-mock, Debian's Prometheus scraping it every second, two minutes of
# traffic (checkouts, reads, an out-of-stock burst, bad requests, paid and
# unreadable payment messages), then every panel's queries evaluated by
# Prometheus over that window (render_dashboard.mjs lays them out like the
# dashboard's grid) and a screenshot by headless Chromium.
# Usage: packaging/monitoring/render.sh [BUILD_DIR] [OUT.png]   (after packaging/build.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
out=${2:-$here/dashboard.png}
seconds=${ORDERS_RENDER_SECONDS:-120}
tmp=$(mktemp -d); chmod 755 "$tmp"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$build/host/kafka-mock" --topic order.events:3 --topic payment.events --topic payment.events.dlq \
  --bootstrap-file "$tmp/kafka" >"$tmp/mock.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$tmp/kafka" ] && break; sleep 0.1; done
port=$(free_port)
# The embedded default with stock enough for the run.
sed 's/"sku-tee": 200/"sku-tee": 1000000/' "$root/config/embedded.yaml" >"$tmp/config.yaml"
grep -q '"sku-tee": 1000000' "$tmp/config.yaml" || { echo "render: config/embedded.yaml changed its stock line" >&2; exit 1; }
PORT=$port ORDERS_DATA_DIR=$tmp ORDERS_PLUGIN_DIR=$build/plugins-out KAFKA_BOOTSTRAP_SERVERS=$(cat "$tmp/kafka") \
  ORDERS_ACCESS_LOG=false "$build/host/order-service" --config "$tmp/config.yaml" >"$tmp/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
base=http://127.0.0.1:$port

prom_port=$(free_port)
cat >"$tmp/prometheus.yml" <<YAML
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: order-service
    honor_labels: true # the plugin metrics' instance label is the plugin instance id
    static_configs: [ { targets: ["127.0.0.1:$port"] } ]
YAML
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$tmp/prometheus.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$prom_port/-/ready" >/dev/null 2>&1 && break; sleep 0.2; done

buyer=(-H 'x-gateway-key: dev-gateway-key' -H 'x-user-role: buyer' -H 'Content-Type: application/json')
body() { printf '{"items":[{"productId":"%s","quantity":%d}],"shippingAddress":{"line1":"1 Demo St","city":"Dublin","country":"IE"}}' "$1" "$2"; }
start=$(date +%s)
i=0
while [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
  i=$((i + 1))
  answer=$(curl -s "${buyer[@]}" -H "x-user-id: u$((i % 7))" -X POST "$base/api/orders" -d "$(body sku-tee 1)")
  id=$(jq -r '.orders[0].id // empty' <<<"$answer" 2>/dev/null || true)
  if [ -n "$id" ]; then
    curl -s -o /dev/null "${buyer[@]}" -H "x-user-id: u$((i % 7))" "$base/api/orders/$id"
    curl -s -o /dev/null "${buyer[@]}" -H "x-user-id: u$((i % 7))" "$base/api/orders?limit=10"
    if [ $((i % 3)) -eq 0 ]; then
      total=$(jq -r '.orders[0].totalMinor // 1900' <<<"$answer")
      printf '{"eventId":"e-%s","orderId":"%s","status":"paid","amountMinor":%s,"currency":"USD"}' "$i" "$id" "$total" |
        kcat -P -b "$(cat "$tmp/kafka")" -t payment.events -k "$id" 2>/dev/null || true
    fi
  fi
  # Now and then: more than the stock, a bad body, an unknown order, an unreadable payment message.
  [ $((i % 10)) -eq 0 ] && curl -s -o /dev/null "${buyer[@]}" -H 'x-user-id: u9' -X POST "$base/api/orders" -d "$(body sku-beans 500)"
  [ $((i % 15)) -eq 0 ] && curl -s -o /dev/null "${buyer[@]}" -H 'x-user-id: u9' -X POST "$base/api/orders" -d '{"items":[]}'
  [ $((i % 20)) -eq 0 ] && curl -s -o /dev/null "${buyer[@]}" -H 'x-user-id: u9' "$base/api/orders/00000000-0000-0000-0000-000000000000"
  [ $((i % 40)) -eq 0 ] && { echo 'not json' | kcat -P -b "$(cat "$tmp/kafka")" -t payment.events 2>/dev/null || true; }
  sleep 0.05
done
sleep 3
end=$(date +%s)

node "$here/render_dashboard.mjs" "$here/grafana-dashboard.json" "http://127.0.0.1:$prom_port" "$start" "$end" \
  "$tmp/dashboard.html" "$i"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars \
  --user-data-dir="$tmp/profile" --window-size=1500,1560 --screenshot="$out" "file://$tmp/dashboard.html" \
  >/dev/null 2>"$tmp/chromium.log"
echo "render: $i checkout rounds over $((end - start)) s; $out ($(du -k "$out" | cut -f1) KiB)"
