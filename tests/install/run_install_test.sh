#!/usr/bin/env bash
# Installs the build into a temporary prefix, builds tests/install against the
# installed CMake package and runs it on the demo scenario.
# Usage: run_install_test.sh BUILD_DIR SOURCE_DIR [C_FLAGS]
# C_FLAGS are those the library was built with that a consumer must share
# (the sanitizers' runtime, in a sanitizer build).
set -euo pipefail
build=$1
src=$2
cflags=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$src/tests/install" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DLIQNET_HEADER_DIR="$work/prefix/include/liqnet" -DCMAKE_C_FLAGS="$cflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$cflags" > "$work/configure.log" 2>&1 \
  || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/consumer" > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
out=$("$work/consumer/consumer" "$src/graphs/demo.yaml")
echo "$out"
case "$out" in
  *"round 20, HF of the Aave vector 0.976470588"*) echo "1 passed, 0 failed" ;;
  *) echo "unexpected output"; exit 1 ;;
esac
