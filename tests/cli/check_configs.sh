#!/usr/bin/env bash
# order-service --check-config accepts every file under config/ and rejects
# a broken one with a message naming the file, the pointer and the rule.
set -u
bin=$1 src=$2 plugins=$3
export ORDERS_PLUGIN_DIR=$plugins
fail=0
# The seed configs read the replaced service's environment; give it values.
export ORDER_DATABASE_URL=postgresql://orders@127.0.0.1:5432/orders SERVICE_SECRET=check-only GATEWAY_SECRET_KEY=check-only
export INTERNAL_API_TOKEN=check-only AUTH0_DOMAIN=tenant.example INVENTORY_INTERNAL_API_TOKEN=check-only \
  PAYMENT_INTERNAL_API_TOKEN=check-only
export POSTGRES_DSN=postgresql+psycopg://postgres:postgres@127.0.0.1:5432/appdb JWT_SECRET=check-only SVC_INTERNAL_KEY=check-only
export DATABASE_URL=postgresql://orders@127.0.0.1:5432/orders INVENTORY_SERVICE_TOKEN=check-only PAYMENT_SERVICE_TOKEN=check-only
export PAYMENT_GATEWAY_API_KEY=check-only PAYMENT_GATEWAY_SECRET_KEY=check-only PAYMENT_GATEWAY_WEBHOOK_SECRET=check-only SMS_API_KEY=check-only
for f in "$src"/config/*.yaml "$src"/config/*.json "$src"/config/seeds/*.yaml; do
  [ -e "$f" ] || continue
  if out=$("$bin" --check-config --offline --config "$f" 2>&1); then
    echo "ok: $f"
  else
    echo "FAIL: $f was rejected:"; echo "$out"; fail=1
  fi
done

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sed -e 's/^  port: .*/  port: 70000/' "$src/config/embedded.yaml" > "$tmp/broken.yaml"
if out=$("$bin" --check-config --config "$tmp/broken.yaml" 2>&1); then
  echo "FAIL: a config with port 70000 was accepted"; fail=1
elif ! grep -qx "$tmp/broken.yaml: /http/port: must be <= 65535" <<<"$out"; then
  echo "FAIL: unexpected message for the broken config:"; echo "$out"; fail=1
else
  echo "ok: broken config rejected: $out"
fi

cat > "$tmp/bad-plugin.yaml" <<YAML
plugin_paths: ["$plugins"]
plugins:
  catalog:
    - name: static
      config: { products: [ { id: p1, title: T, priceMinor: -5, currency: USD } ] }
YAML
if out=$("$bin" --check-config --config "$tmp/bad-plugin.yaml" 2>&1); then
  echo "FAIL: a negative price was accepted"; fail=1
elif ! grep -qx "$tmp/bad-plugin.yaml: /plugins/catalog/0/config/products/0/priceMinor: must be >= 0" <<<"$out"; then
  echo "FAIL: unexpected message for the bad plugin config:"; echo "$out"; fail=1
else
  echo "ok: bad plugin config rejected"
fi

# Kafka settings: librdkafka rejects an unknown setting, a consume route names a missing instance.
check_kafka() { # name, yaml tail, expected line
  { cat "$src/config/embedded.yaml" | sed -e '/^kafka:/,/^$/d' -e '/^events:/,/^$/d'; printf '%s\n' "$2"; } > "$tmp/$1.yaml"
  if out=$(KAFKA_BOOTSTRAP_SERVERS= "$bin" --check-config --config "$tmp/$1.yaml" 2>&1); then
    echo "FAIL: $1 was accepted"; fail=1
  elif ! grep -qxF "$tmp/$1.yaml: $3" <<<"$out"; then
    echo "FAIL: unexpected message for $1:"; echo "$out"; fail=1
  else
    echo "ok: $1 rejected: $out"
  fi
}
check_kafka kafka-setting $'kafka:\n  bootstrap_servers: 127.0.0.1:9\n  client: { no.such.setting: 1 }' \
  '/kafka: kafka client setting no.such.setting: No such configuration property: "no.such.setting"'
check_kafka kafka-instance $'kafka:\n  bootstrap_servers: 127.0.0.1:9\nevents:\n  consume: [ { topic: p, payment_instance: nope } ]' \
  "/events/consume/0/payment_instance: no payment instance 'nope'"

# Development secrets are refused outside development, accepted once replaced.
if out=$(ORDERS_ENV=production "$bin" --check-config --config "$src/config/embedded.yaml" 2>&1); then
  echo "FAIL: production with the development GATEWAY_KEY was accepted"; fail=1
elif ! grep -q "/secrets/GATEWAY_KEY: still the development default 'dev-gateway-key' while service.environment is 'production'" <<<"$out"; then
  echo "FAIL: unexpected message for development secrets in production:"; echo "$out"; fail=1
else
  echo "ok: development secrets refused in production"
fi
if ! out=$(ORDERS_ENV=production GATEWAY_KEY=g1 INTERNAL_TOKEN=t1 PAYMENT_WEBHOOK_SECRET=w1 \
           "$bin" --check-config --offline --config "$src/config/embedded.yaml" 2>&1); then
  echo "FAIL: production with real secrets was rejected:"; echo "$out"; fail=1
else
  echo "ok: production with real secrets accepted"
fi

if ! "$bin" --list-plugins --config "$src/config/embedded.yaml" 2>/dev/null | grep -q '^catalog/static  version'; then
  echo "FAIL: --list-plugins does not show catalog/static"; fail=1
else
  echo "ok: --list-plugins"
fi
if ! "$bin" --print-schemas --config "$src/config/embedded.yaml" 2>/dev/null | grep -q '"catalog/static"'; then
  echo "FAIL: --print-schemas does not show catalog/static"; fail=1
else
  echo "ok: --print-schemas"
fi
exit $fail
