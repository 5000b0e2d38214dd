#!/usr/bin/env bash
# Compiles every C++ snippet of the integrator guide (sdk/README.md and
# sdk/docs/*.md), so the guide cannot drift from the headers.
#
#   bash tests/cli/guide_snippets.sh <src-dir> <out-dir>
#
# Fenced blocks, by their info string:
#   ```cpp                  a complete C++17 translation unit: compiled on its own (-c).
#   ```cpp walkthrough      concatenated in order into one translation unit (the
#                           walkthrough plugin), compiled with -fPIC and linked as a
#                           plugin: -shared -Wl,--no-undefined -ljsoncpp -lcrypto.
#   ```cpp walkthrough-test concatenated in order into a second translation unit
#                           (the walkthrough's test), linked with the walkthrough's
#                           object into an executable that is then run.
#   ```sh, ```yaml, ```cmake, ```json, ```text, plain ```: not compiled.
# Any other C++ spelling (c++, C++, cxx, cc, hpp, CPP...) or an unknown tag
# after cpp fails the test: every C++ block must be compiled.
# Each block is preceded by a #line directive, so compiler errors name the
# markdown file and line. Exit 1 names every failing block; zero blocks fail.
set -uo pipefail
src=${1:?usage: guide_snippets.sh <src-dir> <out-dir>}
out=${2:?usage: guide_snippets.sh <src-dir> <out-dir>}
src=$(cd "$src" && pwd)
cxx=${CXX:-g++}
flags=(-std=c++17 -Wall -Wextra -Werror -I"$src/sdk/include" -I"$src/sdk/testing/include" -I/usr/include/jsoncpp)
rm -rf "$out"
mkdir -p "$out/blocks"

docs=("$src/sdk/README.md")
for f in "$src"/sdk/docs/*.md; do [ -f "$f" ] && docs+=("$f"); done

failures=()
count=0
walk="$out/walkthrough.cpp" walk_test="$out/walkthrough_test.cpp"
walk_first="" walk_test_first=""
: >"$walk"
: >"$walk_test"

# One block closed: $1 = file relative to <src-dir>, $2 = line of the first
# code line, $3 = tag, $4 = the block's text. #line names the absolute path,
# so the compiler quotes the right source lines.
add_block() {
  local rel=$1 line=$2 tag=$3 body=$4 abs="$src/$1"
  count=$((count + 1))
  case "$tag" in
  cpp)
    local name unit
    name=$(echo "${rel}_${line}" | tr '/.' '__')
    unit="$out/blocks/$name.cpp"
    { printf '#line %d "%s"\n' "$line" "$abs"; cat "$body"; } >"$unit"
    if "$cxx" "${flags[@]}" -c "$unit" -o "$out/blocks/$name.o" 2>"$out/blocks/$name.log"; then
      echo "ok    $rel:$line (cpp)"
    else
      echo "FAIL  $rel:$line (cpp)"
      sed 's/^/      /' "$out/blocks/$name.log"
      failures+=("$rel:$line")
    fi
    ;;
  walkthrough)
    [ -n "$walk_first" ] || walk_first="$rel:$line"
    { printf '#line %d "%s"\n' "$line" "$abs"; cat "$body"; } >>"$walk"
    echo "part  $rel:$line (cpp walkthrough)"
    ;;
  walkthrough-test)
    [ -n "$walk_test_first" ] || walk_test_first="$rel:$line"
    { printf '#line %d "%s"\n' "$line" "$abs"; cat "$body"; } >>"$walk_test"
    echo "part  $rel:$line (cpp walkthrough-test)"
    ;;
  esac
}

for doc in "${docs[@]}"; do
  rel=${doc#"$src"/}
  n=0 fence="" indent=0 tag="" start=0 body="$out/block.txt"
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    if [ -n "$fence" ]; then
      # Inside a block: a closing fence is the opening fence's character, at least as long, and nothing else.
      if [[ $line =~ ^[[:space:]]*([\`~]{3,})[[:space:]]*$ ]] && [ "${BASH_REMATCH[1]:0:1}" = "${fence:0:1}" ] &&
        [ ${#BASH_REMATCH[1]} -ge ${#fence} ]; then
        [ -n "$tag" ] && add_block "$rel" "$start" "$tag" "$body"
        fence="" tag=""
      elif [ -n "$tag" ]; then
        # Drop the fence's indentation (blocks inside list items).
        if [ "$indent" -gt 0 ] && [[ ${line:0:$indent} =~ ^[[:space:]]*$ ]]; then line=${line:$indent}; fi
        printf '%s\n' "$line" >>"$body"
      fi
      continue
    fi
    if [[ $line =~ ^([[:space:]]*)([\`~]{3,})[[:space:]]*([^[:space:]\`]*)[[:space:]]*(.*)$ ]]; then
      indent=${#BASH_REMATCH[1]} fence=${BASH_REMATCH[2]} lang=${BASH_REMATCH[3]} rest=${BASH_REMATCH[4]}
      rest=${rest%"${rest##*[![:space:]]}"}
      start=$((n + 1)) tag=""
      : >"$body"
      lower=$(printf '%s' "$lang" | tr 'A-Z' 'a-z')
      if [ "$lang" = cpp ]; then
        case "$rest" in
        "") tag=cpp ;;
        walkthrough) tag=walkthrough ;;
        walkthrough-test) tag=walkthrough-test ;;
        *)
          echo "FAIL  $rel:$n: unknown tag '$rest' after cpp (use cpp, cpp walkthrough or cpp walkthrough-test)"
          failures+=("$rel:$n")
          ;;
        esac
      elif [[ $lower =~ ^(c\+\+|cpp|cxx|cc|hpp|hxx|h\+\+|\{?\.?cpp\}?|\{?\.?c\+\+\}?)$ ]]; then
        echo "FAIL  $rel:$n: block tagged '$lang' is C++ that would not be compiled; tag it exactly cpp"
        failures+=("$rel:$n")
      fi
    fi
  done <"$doc"
  if [ -n "$fence" ]; then
    echo "FAIL  $rel:$((start - 1)): block never closed"
    failures+=("$rel:$((start - 1))")
  fi
done

if [ -s "$walk" ]; then
  log="$out/walkthrough.log"
  if "$cxx" "${flags[@]}" -fPIC -c "$walk" -o "$out/walkthrough.o" 2>"$log" &&
    "$cxx" -shared -Wl,--no-undefined "$out/walkthrough.o" -o "$out/orders-payment-acme.so" -ljsoncpp -lcrypto 2>>"$log"; then
    echo "ok    walkthrough from $walk_first: $out/orders-payment-acme.so"
  else
    echo "FAIL  walkthrough (blocks tagged cpp walkthrough, from $walk_first)"
    sed 's/^/      /' "$log"
    failures+=("walkthrough from $walk_first")
  fi
  if [ -s "$walk_test" ] && [ -f "$out/walkthrough.o" ]; then
    log="$out/walkthrough_test.log"
    if "$cxx" "${flags[@]}" -c "$walk_test" -o "$out/walkthrough_test.o" 2>"$log" &&
      "$cxx" "$out/walkthrough_test.o" "$out/walkthrough.o" -o "$out/walkthrough_test" -ljsoncpp -lcrypto 2>>"$log" &&
      "$out/walkthrough_test" >>"$log" 2>&1; then
      echo "ok    walkthrough test from $walk_test_first (compiled, linked and run)"
    else
      echo "FAIL  walkthrough test (blocks tagged cpp walkthrough-test, from $walk_test_first)"
      sed 's/^/      /' "$log"
      failures+=("walkthrough test from $walk_test_first")
    fi
  fi
elif [ -s "$walk_test" ]; then
  echo "FAIL  cpp walkthrough-test blocks (from $walk_test_first) without cpp walkthrough blocks"
  failures+=("walkthrough test from $walk_test_first")
fi

if [ "$count" -eq 0 ]; then
  echo "FAIL  no cpp blocks found in ${docs[*]}"
  exit 1
fi
if [ ${#failures[@]} -gt 0 ]; then
  echo "guide snippets: ${#failures[@]} failed: ${failures[*]}"
  exit 1
fi
echo "guide snippets: all $count cpp blocks compile"
