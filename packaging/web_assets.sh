#!/usr/bin/env bash
# Installs the npm packages of packaging/npm (Redoc, which the server builds
# in to render /api-docs; @redocly/cli, which lints schemas/openapi.yaml in
# the tests) exactly as package-lock.json pins them. Nothing of theirs is
# committed. Skipped when node_modules already matches the lock (~0 s).
set -euo pipefail
dir=$(cd "$(dirname "$0")/npm" && pwd)
stamp="$dir/node_modules/.orders-lock.sha256"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
command -v npm >/dev/null || { echo "web_assets.sh: npm is missing (Node.js 18 or newer with npm)" >&2; exit 1; }
echo "web_assets.sh: npm ci in $dir" >&2
# No install scripts: none of these packages needs one to work.
(cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
echo "$want" >"$stamp"
