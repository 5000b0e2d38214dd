#!/usr/bin/env bash
# The dashboard and the alert rules in packaging/monitoring/ against the real
# server: promtool accepts the rules; the dashboard is JSON whose every panel
# has a query; and every metric either one names is one the server exports.
# The server runs on the embedded default with Kafka (kafka-mock): a
# checkout, its events published, and a payment message that cannot be read
# (dead-lettered), then one scrape of /metrics. A family must be declared
# there (# TYPE), and the ones this run exercises must have samples.
#
# Arguments: the order-service binary, kafka-mock, the source tree, the
# plugin directory.
set -u
bin=$1 mock=$2 src=$3 plugins=$4
fail=0
rules=$src/packaging/monitoring/alerts.yml
dashboard=$src/packaging/monitoring/grafana-dashboard.json

if ! command -v promtool >/dev/null; then
  echo "FAIL: promtool not found (packaging/deps.sh installs Debian's prometheus package)"; exit 1
fi
if out=$(promtool check rules "$rules" 2>&1); then
  echo "ok: promtool check rules: $(tr '\n' ' ' <<<"$out")"
else
  echo "FAIL: promtool check rules $rules:"; echo "$out"; fail=1
fi
if ! panels=$(python3 - "$dashboard" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
queries = 0
for p in d["panels"]:
    if p["type"] == "row":
        continue
    if not p.get("targets") or not all(t.get("expr") for t in p["targets"]):
        sys.exit("panel %r has no query" % p["title"])
    queries += len(p["targets"])
print(len([p for p in d["panels"] if p["type"] != "row"]), "panels,", queries, "queries")
PY
); then
  echo "FAIL: $dashboard: $panels"; fail=1
else
  echo "ok: dashboard: $panels"
fi

tmp=$(mktemp -d)
mock_pid= server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
"$mock" --topic order.events:3 --topic payment.events --topic payment.events.dlq --bootstrap-file "$tmp/kafka" \
  >"$tmp/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/kafka" ] && break; sleep 0.1; done
[ -s "$tmp/kafka" ] || { echo "FAIL: kafka-mock did not start"; cat "$tmp/mock.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORT=$port ORDERS_DATA_DIR=$tmp ORDERS_PLUGIN_DIR=$plugins KAFKA_BOOTSTRAP_SERVERS=$(cat "$tmp/kafka") \
  ORDERS_SWEEP_MS=500 "$bin" --config "$src/config/embedded.yaml" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
base=http://127.0.0.1:$port
status=$(curl -s -o "$tmp/checkout.json" -w '%{http_code}' -X POST "$base/api/orders" \
  -H 'Content-Type: application/json' -H 'x-gateway-key: dev-gateway-key' -H 'x-user-id: u-mon' \
  -H 'x-user-role: buyer' -H 'Idempotency-Key: mon-1' \
  -d '{"items":[{"productId":"sku-mug","quantity":1}],"shippingAddress":{"line1":"1 Demo St","city":"Dublin","country":"IE"}}')
[ "$status" = 201 ] || { echo "FAIL: checkout answered $status: $(cat "$tmp/checkout.json")"; fail=1; }
echo 'not json' | kcat -P -b "$(cat "$tmp/kafka")" -t payment.events 2>/dev/null \
  || { echo "FAIL: kcat could not produce to kafka-mock"; fail=1; }
# Published, dead-lettered and the consumer's lag measured (once a second).
for _ in $(seq 1 100); do
  curl -s "$base/metrics" >"$tmp/metrics.txt"
  grep -q '^orders_outbox_published_total ' "$tmp/metrics.txt" &&
    grep -q 'outcome="dead_lettered"' "$tmp/metrics.txt" &&
    grep -q '^orders_payment_consumer_lag_messages{' "$tmp/metrics.txt" && break
  sleep 0.2
done

names=$(cat "$rules" "$dashboard" | grep -o 'orders_[a-z_]*' | sed -E 's/_(bucket|sum|count)$//' | sort -u)
for name in $names; do
  if ! grep -q "^# TYPE $name " "$tmp/metrics.txt"; then
    echo "FAIL: $name (used by the dashboard or the rules) is not exported"; fail=1
  fi
done
echo "ok: checked $(wc -w <<<"$names") metric names against the scrape"
# What this run did must show as samples, not only as declarations.
for sample in 'orders_checkouts_total{outcome="completed"} 1' 'orders_http_requests_total{' \
  'orders_http_request_duration_seconds_bucket{' 'orders_plugin_calls_total{' 'orders_plugin_call_duration_seconds_bucket{' \
  'orders_plugin_breaker_open{' 'orders_plugin_breaker_opened_total{' 'orders_outbox_backlog ' \
  'orders_outbox_oldest_unpublished_age_seconds ' 'orders_outbox_published_total ' \
  'orders_payment_events_total{topic="payment.events",outcome="dead_lettered"} 1' \
  'orders_payment_consumer_lag_messages{' 'orders_checkout_compensations_total 0' \
  'orders_payment_timeout_cancellations_total 0' 'orders_db_pool_waits_total ' 'orders_db_pool_timeouts_total 0' \
  'orders_db_pool_connections{state="max"} 16' 'orders_build_info{'; do
  if ! grep -qF "$sample" "$tmp/metrics.txt"; then
    echo "FAIL: no sample '$sample' after the run"; fail=1
  fi
done
if [ "$fail" -ne 0 ]; then
  echo "--- /metrics"; cat "$tmp/metrics.txt"; echo "--- server log (tail)"; tail -20 "$tmp/server.log"
  exit 1
fi
echo "ok: every sample the run produced is there"
