#!/usr/bin/env bash
# Runs the README's main job (tools/demo execs build/release/bin/ossup-demo "$@"; here: the
# same binary, no arguments) and checks its promises from its output, not from its exit code
# alone: the fault fired, the record was kept, the resume skipped verified parts, the object is
# byte-identical, the re-sent bytes are within the printed bound, and the temp directory is
# gone. Then interrupts a second run with SIGINT and checks that its temp directory is gone too.
# Usage: demo_test.sh OSSUP_DEMO_BINARY
set -uo pipefail
DEMO=$(realpath "$1")
SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
RUN_PID=""
cleanup() {
  if [[ -n "$RUN_PID" ]]; then kill -9 "$RUN_PID" 2>/dev/null; wait "$RUN_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
expect() {  # expect NAME CONDITION...
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

# The README's command runs this binary, with the arguments it was given.
expect "tools/demo execs ossup-demo" grep -qxF 'exec build/release/bin/ossup-demo "$@"' \
  "$SOURCE/tools/demo"
expect "README runs tools/demo" grep -qE '^tools/demo( |$)' "$SOURCE/README.md"

# --- A whole run, in a private temp directory --------------------------------------------
mkdir "$WORK/tmp"
OUT=$WORK/out.txt
TMPDIR=$WORK/tmp "$DEMO" >"$OUT" 2>&1
rc=$?
cat "$OUT"
echo "---- checks"
expect "exit code 0" test "$rc" -eq 0
expect "last line is 'demo OK'" test "$(tail -n 1 "$OUT")" = "demo OK"
expect "no check failed" bash -c "! grep -q '^check: .* FAILED$' '$OUT'"
for promise in "upload #1 failed under the fault" \
  "the reset fault fired once, on an UploadPart" \
  "the checkpoint record was kept" \
  "the record names parts done and the next upload will resume it" \
  "the server keeps the upload the record names" \
  "upload #2 resumed and skipped the parts verified on the server" \
  "the checkpoint was removed on success" \
  "the object is byte-identical to the file" \
  "the bytes re-sent are within the bound"; do
  expect "check: $promise" grep -qxF "check: $promise ok" "$OUT"
done

# The figures behind the checks, re-checked here from the narrative.
expect "fault fired: reset on an UploadPart" grep -qE '^fault fired: reset on UploadPart part [0-9]+ ' "$OUT"
expect "record shows parts done" grep -qE '^  parts done  [1-9][0-9]* \(' "$OUT"
expect "record is resumable" grep -qxF '  resumable   yes' "$OUT"
parts=$(sed -nE 's/^parts: ([0-9]+) total, ([0-9]+) verified .* and skipped, ([0-9]+) sent$/\1 \2 \3/p' "$OUT")
read -r total skipped sent <<<"${parts:-0 0 0}"
expect "64 parts in all" test "$total" -eq 64
expect "resume skipped verified parts ($skipped)" test "$skipped" -gt 0
expect "skipped + sent = total" test $((skipped + sent)) -eq "$total"
expect "object identical" grep -qE '^downloaded 67108864 bytes: identical to the local file$' "$OUT"
bytes=$(sed -nE 's/^part bytes .*; re-sent: ([0-9]+) bytes .*bound: parallelism x part size = ([0-9]+) bytes$/\1 \2/p' "$OUT")
read -r resent bound <<<"${bytes:-x 0}"
expect "re-sent bytes ($resent) within the printed bound ($bound)" \
  bash -c "[[ '$resent' =~ ^[0-9]+$ ]] && (( $bound > 0 && $resent <= $bound ))"
tempdir=$(sed -nE 's/^temp directory removed: (.*)$/\1/p' "$OUT")
expect "temp directory named" test -n "$tempdir"
expect "temp directory is gone ($tempdir)" test ! -e "${tempdir:-/nonexistent-path}"
expect "nothing left in TMPDIR" test -z "$(ls -A "$WORK/tmp")"

# --- Interrupted with SIGINT: the temp directory goes too --------------------------------
# The demo takes about half a second; on a loaded machine it may finish before the signal
# lands. Such a run (exit 0 with "demo OK") proves nothing and is repeated, up to 5 times.
for attempt in 1 2 3 4 5; do
  rm -rf "$WORK/tmp2" && mkdir "$WORK/tmp2"
  TMPDIR=$WORK/tmp2 "$DEMO" >"$WORK/out2.txt" 2>&1 &
  RUN_PID=$!
  for _ in $(seq 1 600); do
    grep -q '^created ' "$WORK/out2.txt" && break
    kill -0 "$RUN_PID" 2>/dev/null || break
    sleep 0.05
  done
  kill -INT "$RUN_PID" 2>/dev/null
  wait "$RUN_PID"
  rc2=$?
  RUN_PID=""
  if [[ "$rc2" -eq 0 ]] && grep -q '^demo OK' "$WORK/out2.txt"; then
    echo "attempt $attempt: the demo finished before SIGINT landed; again"
    continue
  fi
  break
done
expect "interrupted demo exits 130 (got $rc2)" test "$rc2" -eq 130
expect "interrupted demo left nothing in TMPDIR" test -z "$(ls -A "$WORK/tmp2")"

if ((failures)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all demo checks passed"
