#!/usr/bin/env bash
# Builds one libFuzzer harness with clang (ASan + UBSan, every UB a crash)
# and runs it: first on every input under regressions/<name>/ (inputs that
# once crashed it), then fuzzing from the committed seed corpus for a
# bounded time. A crash fails the test and prints the input to commit as a
# regression (base64). The corpus is copied: the tree is never written.
#
#   run.sh <source root> <build dir> <name> [seconds]
set -euo pipefail
root=$1 out=$2/fuzz name=$3 seconds=${4:-20}
here=$root/tests/fuzz
cxx=$(command -v clang++-14 || command -v clang++ || true)
[ -n "$cxx" ] || { echo "clang++ not found: packaging/deps.sh installs clang-14 and libclang-rt-14-dev" >&2; exit 1; }
launcher=$(command -v ccache || true)
mkdir -p "$out"
gen=$out/$name.gen
# A JSON schema as the C++ header the build generates (sdk/cmake/embed_schema.cmake):
#   embed <schema file> <header name> [variable, default kConfigSchema]
embed() {
  mkdir -p "$gen"
  { printf '// Generated from %s; do not edit.\n#pragma once\ninline constexpr const char *%s = R"__schema__(' \
      "$1" "${3:-kConfigSchema}"
    cat "$1"
    printf ')__schema__";\n'; } >"$gen/$2"
}
auth=(-I"$root/host" -DVALIJSON_USE_EXCEPTIONS=1 -DORDERS_CONFIG_SCHEMA="\"$root/schemas/config.schema.json\""
      "$root"/host/auth/{authenticator,auth_util,jwks,jwt_verifier,secret_store,service_hmac}.cpp
      "$root/host/config/schema_validator.cpp" "$root/host/log/logger.cpp" "$root/host/log/trace.cpp"
      -lPocoJWT -lPocoNetSSL -lPocoNet -lPocoCrypto -lPocoJSON -lPocoFoundation -lssl -lcrypto)
extra=()
case $name in
  config_schema) extra=(-DORDERS_CONFIG_SCHEMA="\"$root/schemas/config.schema.json\"") ;;
  api_body)
    extra=(-DORDERS_API_SCHEMA_DIR="\"$root/schemas/api\"" -I"$root/host" -DVALIJSON_USE_EXCEPTIONS=1
           "$root/host/http/json_body.cpp" "$root/host/http/api_error.cpp" "$root/host/config/schema_validator.cpp") ;;
  jwt | service_hmac | gateway_headers) extra=("${auth[@]}") ;;
  config_yaml)
    embed "$root/schemas/config.schema.json" config_schema_embedded.hpp kServerConfigSchema
    extra=(-I"$root/host" -I"$gen" -DVALIJSON_USE_EXCEPTIONS=1 "$root"/host/config/{config_loader,env_subst}.cpp
           "$root/host/config/schema_validator.cpp" -lyaml-cpp) ;;
  provider_events)
    p=$root/plugins
    for plugin in payment/xendit payment/stripe payment/paypal payment/manual payment/payments-service \
                  shipping/logistics shipping/manual dialect/fastapi-shop; do
      target=orders_${plugin//\//_}
      embed "$p/$plugin/config.schema.json" "${target//-/_}_config_schema.hpp"
    done
    embed "$root/schemas/data/plugin-messages.v1.schema.json" plugin_messages_schema_embedded.hpp kPluginMessagesSchema
    extra=(-I"$p" -I"$p/common" -I"$root/sdk/testing/include" -I"$gen" -I"$root/host" -DVALIJSON_USE_EXCEPTIONS=1
           "$root/host/plugins/answer_schema.cpp" "$root/host/config/schema_validator.cpp"
           "$here"/provider_events/*.cpp "$p"/payment/xendit/{settings,invoice,callback}.cpp
           "$p"/payment/stripe/{settings,stripe_api,webhook}.cpp "$p"/payment/paypal/{settings,paypal_api}.cpp
           "$p"/payment/payments-service/{event_mapping,body_template}.cpp "$p/shipping/logistics/tracking_webhook.cpp"
           "$p/dialect/fastapi-shop/fastapi_shapes.cpp" -lcrypto) ;;
  redis_cart) extra=(-I"$root/plugins/cart/redis" "$root/plugins/cart/redis/cart_shapes.cpp") ;;
  invoice_model) extra=(-I"$root/plugins/invoice/pdf" "$root"/plugins/invoice/pdf/{formatting,invoice_model}.cpp) ;;
esac
bin=$out/$name
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -I"$root/sdk/include" -isystem /usr/include/jsoncpp)
sources=("$here/${name}_fuzz.cpp") cflags=() libs=()
for arg in "${extra[@]}"; do
  case $arg in
    *.cpp) sources+=("$arg") ;;
    -l*) libs+=("$arg") ;;
    *) cflags+=("$arg") ;;
  esac
done
# Each source on its own, ORDERS_FUZZ_JOBS (default: the cores) at a time,
# so ccache can keep them; then one link.
parallel=${ORDERS_FUZZ_JOBS:-$(nproc)}
mkdir -p "$out/$name.obj"
objects=() pids=()
for src in "${sources[@]}"; do
  rel=${src#"$root"/}
  objects+=("$out/$name.obj/${rel//\//_}.o")
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  $launcher "$cxx" "${flags[@]}" "${cflags[@]}" -c "$src" -o "${objects[-1]}" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done # a failed compile ends the script (set -e)
"$cxx" "${flags[@]}" "${objects[@]}" "${libs[@]}" -ljsoncpp -o "$bin"

if [ -d "$here/regressions/$name" ] && [ -n "$(ls -A "$here/regressions/$name")" ]; then
  "$bin" "$here/regressions/$name"/* >"$out/$name.regressions.log" 2>&1 ||
    { tail -40 "$out/$name.regressions.log"; echo "a committed regression input crashes $name again" >&2; exit 1; }
fi

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$here/corpus/$name" "$work/corpus"
started=$SECONDS
if ! "$bin" "$work/corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
     -artifact_prefix="$work/" -print_final_stats=1 >"$out/$name.log" 2>&1; then
  tail -60 "$out/$name.log"
  for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -e "$crash" ] || continue
    echo "input (base64) to commit under tests/fuzz/regressions/$name/: $(base64 -w0 "$crash")"
  done
  exit 1
fi
grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$out/$name.log" | tail -3
echo "$name: fuzzed ${seconds}s, no crash"
# This harness's part of the fuzzing row of README.md's Reliability table (bench/reliability).
units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -1 | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
edges=$(grep -o 'cov: [0-9]*' "$out/$name.log" | tail -1 | cut -d' ' -f2 || true)
replayed=$( (find "$here/regressions/$name" -type f 2>/dev/null || true) | wc -l)
# shellcheck disable=SC2016 # the backquotes are Markdown
printf 'RELIABILITY-ROW {"scenario":"fuzzing (`fuzz.*`: libFuzzer, ASan + UBSan)","done":"%s: %s inputs in %s s, %s edges (after its %s committed regression inputs)","held":"crashes 0"}\n' \
  "$name" "${units:-?}" "$((SECONDS - started))" "${edges:-?}" "$replayed"
