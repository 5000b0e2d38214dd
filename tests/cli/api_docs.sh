#!/usr/bin/env bash
# The browsable API reference: schemas/openapi.yaml lints clean
# (@redocly/cli, schemas/redocly.yaml); the running server serves the
# document as YAML (byte for byte) and as JSON (the same document); the page
# at /api-docs, rendered by headless Chromium that can reach no host but
# this server, shows every operation of the document; a screenshot is kept.
# Usage: api_docs.sh SERVER_BINARY PLUGIN_DIR SOURCE_DIR OUTPUT_DIR
set -euo pipefail
bin=$1 plugins=$2 src=$(cd "$3" && pwd) out=$4
npm_dir="$src/packaging/npm/node_modules"
[ -x "$npm_dir/.bin/redocly" ] || { echo "FAIL: @redocly/cli is not installed (run packaging/web_assets.sh)"; exit 1; }
chromium=$(command -v chromium) || { echo "FAIL: chromium is not installed (packaging/deps.sh installs it)"; exit 1; }
tmp=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0

# 1. Lint: no error and no warning; the only ignored problems are the ones
# schemas/.redocly.lint-ignore.yaml explains.
(cd "$src/schemas" && "$npm_dir/.bin/redocly" lint --config redocly.yaml openapi.yaml) >"$tmp/lint.log" 2>&1 ||
  { cat "$tmp/lint.log"; echo "FAIL: OpenAPI lint"; exit 1; }
if grep -qi "warning" "$tmp/lint.log"; then cat "$tmp/lint.log"; echo "FAIL: OpenAPI lint warns"; fail=1; fi
echo "lint: $(grep -i 'valid\|ignored' "$tmp/lint.log" | tr '\n' ' ')"

# 2. The server on the embedded default.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORT=$port ORDERS_DATA_DIR=$tmp ORDERS_PLUGIN_DIR=$plugins "$bin" --config "$src/config/embedded.yaml" \
  >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
base=http://127.0.0.1:$port
curl -fs "$base/health" >/dev/null || { cat "$tmp/server.log"; echo "FAIL: the server did not start"; exit 1; }

# 3. The document, as YAML and as JSON.
curl -fs -D "$tmp/yaml.h" "$base/api-docs/openapi.yaml" -o "$tmp/openapi.yaml"
cmp -s "$tmp/openapi.yaml" "$src/schemas/openapi.yaml" || { echo "FAIL: /api-docs/openapi.yaml is not schemas/openapi.yaml"; fail=1; }
grep -qi '^content-type: application/yaml' "$tmp/yaml.h" || { echo "FAIL: openapi.yaml content type"; cat "$tmp/yaml.h"; fail=1; }
curl -fs -D "$tmp/json.h" "$base/api-docs/openapi.json" -o "$tmp/openapi.json"
grep -qi '^content-type: application/json' "$tmp/json.h" || { echo "FAIL: openapi.json content type"; cat "$tmp/json.h"; fail=1; }
# The JSON is the YAML document, value for value (js-yaml, as @redocly/cli reads it).
NODE_PATH="$npm_dir" node -e '
  const fs = require("fs"), yaml = require("js-yaml");
  const canon = v => Array.isArray(v) ? v.map(canon) : (v && typeof v === "object")
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, canon(v[k])])) : v;
  const a = canon(yaml.load(fs.readFileSync(process.argv[1], "utf8")));
  const b = canon(JSON.parse(fs.readFileSync(process.argv[2], "utf8")));
  const diff = (x, y, p) => {
    if (JSON.stringify(x) === JSON.stringify(y)) return null;
    if (x && y && typeof x === "object" && typeof y === "object")
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) { const d = diff(x[k], y[k], p + "/" + k); if (d) return d; }
    return p + ": " + JSON.stringify(x) + " in the YAML, " + JSON.stringify(y) + " in the JSON";
  };
  const d = diff(a, b, "");
  if (d) { console.error("FAIL: /api-docs/openapi.json differs: " + d); process.exit(1); }
' "$src/schemas/openapi.yaml" "$tmp/openapi.json" || fail=1
jq -r '.paths | to_entries[] | .value | to_entries[] | select(.value | type == "object") | .value.operationId' \
  "$tmp/openapi.json" | sort >"$tmp/operations"
operations=$(wc -l <"$tmp/operations")
[ "$operations" -ge 20 ] || { echo "FAIL: only $operations operations in the document"; fail=1; }
[ -z "$(grep -x null "$tmp/operations" || true)" ] || { echo "FAIL: an operation has no operationId"; fail=1; }

# 4. The page and its renderer come from this server only.
curl -fs -D "$tmp/page.h" "$base/api-docs" -o "$tmp/page.html"
grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$tmp/page.h" ||
  { echo "FAIL: /api-docs has no strict Content-Security-Policy"; cat "$tmp/page.h"; fail=1; }
grep -q '<script src="/api-docs/redoc.standalone.js">' "$tmp/page.html" || { echo "FAIL: the page does not load the renderer"; fail=1; }
if grep -Eo '(src|href)="(https?:)?//[^"]*"' "$tmp/page.html"; then echo "FAIL: the page names another host"; fail=1; fi
curl -fs "$base/api-docs/redoc.standalone.js" -o "$tmp/redoc.js"
cmp -s "$tmp/redoc.js" "$npm_dir/redoc/bundles/redoc.standalone.js" ||
  { echo "FAIL: /api-docs/redoc.standalone.js is not Redoc's bundle"; fail=1; }

# 5. Headless Chromium, every other host unreachable: every operation is on the rendered page.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars
       "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" --virtual-time-budget=20000)
timeout 120 "$chromium" "${flags[@]}" --user-data-dir="$tmp/profile-dom" --dump-dom "$base/api-docs" \
  >"$tmp/dom.html" 2>"$tmp/chromium.log" || { tail -20 "$tmp/chromium.log"; echo "FAIL: chromium --dump-dom"; exit 1; }
missing=0
while read -r op; do
  grep -q "id=\"operation/$op\"" "$tmp/dom.html" || { echo "FAIL: operation $op is not on the rendered page"; missing=$((missing + 1)); }
done <"$tmp/operations"
[ "$missing" -eq 0 ] || fail=1
# Parameters, bodies, examples and error codes are drawn, not only the headings.
for text in 'Idempotency-Key' 'Request samples' 'Response samples' 'idempotency_mismatch' '422'; do
  grep -q "$text" "$tmp/dom.html" || { echo "FAIL: the rendered page lacks \"$text\""; fail=1; }
done
mkdir -p "$out"
timeout 120 "$chromium" "${flags[@]}" --user-data-dir="$tmp/profile-shot" --window-size=1440,1800 \
  --screenshot="$out/api-docs.png" "$base/api-docs" >/dev/null 2>>"$tmp/chromium.log" ||
  { tail -20 "$tmp/chromium.log"; echo "FAIL: chromium --screenshot"; exit 1; }
[ -s "$out/api-docs.png" ] || { echo "FAIL: no screenshot"; fail=1; }
echo "rendered: $((operations - missing)) of $operations operations; screenshot: $out/api-docs.png ($(du -k "$out/api-docs.png" | cut -f1) KiB)"
[ "$fail" -eq 0 ] && echo "api docs: ok"
exit "$fail"
