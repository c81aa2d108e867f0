#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time over a temp copy of its committed corpus, so the
# repository is never written. A crash or property failure fails the test and leaves the input
# in ARTIFACT_DIR (fuzz/README.md says how to replay it).
#   run_fuzz.sh FUZZER CORPUS_DIR SECONDS ARTIFACT_DIR
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3 artifacts=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$corpus" "$tmp/corpus"
mkdir -p "$artifacts"
"$fuzzer" "$tmp/corpus" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$artifacts/$(basename "$fuzzer")-"
