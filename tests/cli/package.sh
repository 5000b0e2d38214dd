#!/usr/bin/env bash
# The .deb packages as a deployer gets them: cpack builds order-service,
# order-service-sdk and the debug symbols; lintian finds no error; the unit
# passes systemd-analyze verify against the unpacked root; the server runs
# from that root (dpkg-deb -x) on its packaged config, as an unprivileged
# user that can write only its state directory (what DynamicUser= and
# ProtectSystem=strict leave it), and takes a checkout.
set -euo pipefail
build=$1
tmp=$(mktemp -d); chmod 755 "$tmp"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "package: $*" >&2; exit 1; }

out="$tmp/debs"; mkdir "$out"
(cd "$build" && cpack -B "$out" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack failed"; }
server=$(ls "$out"/order-service_*_amd64.deb) || fail "no order-service .deb: $(ls "$out")"
sdk=$(ls "$out"/order-service-sdk_*_all.deb) || fail "no order-service-sdk .deb: $(ls "$out")"
dbg=$(ls "$out"/order-service-dbgsym_*.ddeb) || fail "no debug symbols package: $(ls "$out")"
for f in "$server" "$sdk" "$dbg"; do echo "package: $(basename "$f"): $(du -k "$f" | cut -f1) KiB"; done

# What each package holds.
contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
contents "$server" >"$tmp/server.list"; contents "$sdk" >"$tmp/sdk.list"; contents "$dbg" >"$tmp/dbg.list"
for p in /usr/bin/order-service /usr/bin/order-service-conformance /etc/order-service/config.yaml \
         /usr/share/order-service/config.yaml.example /usr/share/order-service/schemas/config.schema.json \
         /usr/share/order-service/schemas/openapi.yaml /usr/lib/systemd/system/order-service.service \
         /usr/share/doc/order-service/copyright /usr/share/doc/order-service/changelog.gz \
         /usr/share/doc/order-service/redoc/LICENSE; do
  grep -qx "$p" "$tmp/server.list" || fail "order-service lacks $p"
done
plugins=$(grep -c '^/usr/lib/order-service/plugins/orders-.*\.so$' "$tmp/server.list" || true)
[ "$plugins" -ge 20 ] || fail "order-service holds $plugins plugins"
! grep -q '^/usr/include/' "$tmp/server.list" || fail "order-service holds SDK headers"
for p in /usr/include/orders/sdk/abi.h /usr/lib/cmake/OrdersSDK/OrdersSDKConfig.cmake /usr/bin/orders-plugin-new \
         /usr/share/doc/order-service-sdk/copyright; do
  grep -qx "$p" "$tmp/sdk.list" || fail "order-service-sdk lacks $p"
done
! grep -q '\.so$\|/usr/bin/order-service$' "$tmp/sdk.list" || fail "order-service-sdk holds the server"
grep -q '^/usr/lib/debug/.build-id/.*\.debug$' "$tmp/dbg.list" || fail "the dbgsym package holds no symbols"
grep -qx /etc/order-service/config.yaml <(dpkg-deb -I "$server" conffiles) || fail "config.yaml is not a conffile"
dpkg-deb -f "$sdk" Depends | grep -q libjsoncpp-dev || fail "order-service-sdk does not depend on libjsoncpp-dev"

# Lintian: no error (overrides are in packaging/debian/lintian-overrides); warnings are printed.
lintian --fail-on error --tag-display-limit 0 "$server" "$sdk" >"$tmp/lintian.log" 2>&1 ||
  { cat "$tmp/lintian.log"; fail "lintian reports errors"; }
echo "package: lintian: $(grep -c '^E:' "$tmp/lintian.log" || true) errors, $(grep -c '^W:' "$tmp/lintian.log" || true) warnings"
grep '^[EWI]:' "$tmp/lintian.log" | sed 's/^/  /' || true

# Unpack both, as apt would, and verify the unit against that root.
root="$tmp/root"; mkdir "$root"
dpkg-deb -x "$server" "$root"; dpkg-deb -x "$sdk" "$root"
unit="$root/usr/lib/systemd/system/order-service.service"
for k in DynamicUser=yes StateDirectory=order-service ProtectSystem=strict NoNewPrivileges=yes; do
  grep -qx "$k" "$unit" || fail "the unit lacks $k"
done
# The targets the unit names (sysinit.target, multi-user.target...) come from this machine's systemd.
cp -an /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
systemd-analyze verify --root="$root" order-service.service >"$tmp/verify.log" 2>&1 ||
  { cat "$tmp/verify.log"; fail "systemd-analyze verify failed"; }
[ ! -s "$tmp/verify.log" ] || { cat "$tmp/verify.log"; fail "systemd-analyze verify warned"; }
exposure=$(systemd-analyze security --offline=yes --root="$root" order-service.service 2>/dev/null | tail -1 || true)
echo "package: systemd-analyze security: ${exposure:-n/a}"

# Stripped: no DWARF left in the binaries; the dbgsym package has it.
for f in "$root/usr/bin/order-service" "$root"/usr/lib/order-service/plugins/*.so; do
  ! readelf -S "$f" | grep -q '\.debug_info' || fail "$f is not stripped"
done

# Run it from the unpacked root as an unprivileged user, on the packaged config.
uid=61234
state="$tmp/state"; mkdir "$state"; chown "$uid:$uid" "$state"; chmod 750 "$state"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
       shuf -i 20000-60000 -n 1)
export ORDERS_PLUGIN_DIR="$root/usr/lib/order-service/plugins" ORDERS_DATA_DIR="$state" PORT="$port"
cfg="$root/etc/order-service/config.yaml"
(cd / && setpriv --reuid=$uid --regid=$uid --clear-groups "$root/usr/bin/order-service" --check-config --offline \
   --config "$cfg") >"$tmp/check.log" 2>&1 || { cat "$tmp/check.log"; fail "--check-config rejects the packaged config"; }
(cd / && exec setpriv --reuid=$uid --regid=$uid --clear-groups "$root/usr/bin/order-service" --config "$cfg") \
  >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log"; fail "the packaged server exited"; }
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$tmp/server.log"; fail "the packaged server is not ready"; }
answer=$(curl -s -w '\n%{http_code}' -X POST "http://127.0.0.1:$port/api/orders" \
  -H x-gateway-key:dev-gateway-key -H x-user-id:u1 -H x-user-role:buyer -H content-type:application/json \
  -H 'Idempotency-Key: package-1' \
  -d '{"items":[{"productId":"sku-mug","quantity":1}],"shippingAddress":{"line1":"1 Demo St","city":"Dublin","country":"IE"}}')
code=$(tail -1 <<<"$answer")
[ "$code" = 201 ] || { echo "$answer"; cat "$tmp/server.log"; fail "checkout on the packaged server answered $code"; }
curl -sf "http://127.0.0.1:$port/api-docs/redoc.standalone.js" -o "$tmp/redoc.js" && grep -q Redoc "$tmp/redoc.js" ||
  fail "the packaged server does not serve the API reference's renderer"
[ -s "$state/orders.db" ] || fail "the orders database is not in the state directory: $(ls -la "$state")"
echo "package: the unpacked server took a checkout as uid $uid; state: $(ls "$state" | tr '\n' ' ')"
