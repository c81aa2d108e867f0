#!/usr/bin/env bash
# Builds tests/consumer/project/ as a project outside ossup and runs it, two ways:
#   (a) find_package(ossup) against `cmake --install BUILD_DIR --prefix <tmp>/prefix`;
#   (b) add_subdirectory(SOURCE_DIR) (tests, tools and examples off); only the consumer target
#       and the ossup libraries it links are built (unoptimised, to keep it short).
# Usage: run.sh SOURCE_DIR BUILD_DIR [CMAKE [CXX_COMPILER]]
# Everything happens in a temporary directory, removed on success and kept on failure.
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
cmake=${3:-cmake}
cxx=${4:-c++}
project="$src/tests/consumer/project"
jobs=$(nproc 2>/dev/null || echo 2)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ossup-consumer.XXXXXX")
trap 'rc=$?; if ((rc)); then echo "consumer_projects: FAILED, kept $tmp" >&2; else rm -rf "$tmp"; fi' EXIT

# Configure flags shared by both builds: no user package registry, no inherited prefix path.
common=(-G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
unset CMAKE_PREFIX_PATH

step() { echo "== consumer_projects: $* ($SECONDS s)"; }

step "(a) install $build"
"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log"
for f in include/ossup/client/client.h include/ossup/fake/server.h; do
  if [ ! -f "$tmp/prefix/$f" ]; then
    echo "consumer_projects: the install has no $f" >&2
    exit 1
  fi
done
# Executables: the ossup and fake-oss tools only (no tests, benches or examples).
installed_bins=$(cd "$tmp/prefix/bin" && ls | sort | tr '\n' ' ')
if [ "$installed_bins" != "fake-oss ossup " ]; then
  echo "consumer_projects: installed bin/ holds '$installed_bins', want 'fake-oss ossup '" >&2
  exit 1
fi

step "(a) configure and build against the install (find_package)"
"$cmake" -S "$project" -B "$tmp/installed" "${common[@]}" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  >"$tmp/installed.log"
"$cmake" --build "$tmp/installed" -j "$jobs" >>"$tmp/installed.log" || {
  cat "$tmp/installed.log" >&2
  exit 1
}
step "(a) run"
"$tmp/installed/consumer"

step "(b) configure with add_subdirectory($src)"
"$cmake" -S "$project" -B "$tmp/subdir" "${common[@]}" -DOSSUP_SOURCE_DIR="$src" >"$tmp/subdir.log"
step "(b) build the consumer target"
"$cmake" --build "$tmp/subdir" --target consumer -j "$jobs" >>"$tmp/subdir.log" || {
  tail -50 "$tmp/subdir.log" >&2
  exit 1
}
step "(b) run"
"$tmp/subdir/consumer"
step "passed"
