#!/usr/bin/env bash
# client/examples/resumable_upload.cc end to end against a strict fake-oss process: upload and
# read back byte-identical, Ctrl-C keeps the record and the same command resumes, a lost
# upload exits 3 and the next run starts afresh. Also checks that the excerpt quoted in
# docs/client.md is still in the example's source.
# Usage: example_upload.sh EXAMPLE_BINARY FAKE_OSS_BINARY OSSUP_BINARY
set -uo pipefail
EXAMPLE=$(realpath "$1")
FAKE=$(realpath "$2")
OSSUP=$(realpath "$3")
WORK=$(mktemp -d)
FAKE_PID=""
RUN_PID=""
cleanup() {
  if [[ -n "$RUN_PID" ]]; then kill -9 "$RUN_PID" 2>/dev/null; wait "$RUN_PID" 2>/dev/null; fi
  if [[ -n "$FAKE_PID" ]]; then kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export OSS_ACCESS_KEY_ID=AK OSS_ACCESS_KEY_SECRET=SK
unset OSS_SESSION_TOKEN OSS_ENDPOINT OSS_REGION
SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; failures=$((failures + 1)); fi
}
contains() {  # contains NAME NEEDLE FILE
  if grep -q -- "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1: '$2' not in $3:"; cat "$3"; failures=$((failures + 1)); fi
}

# The excerpt in docs/client.md: every line of the block after the marker is in the source.
excerpt=$(awk '/^<!-- excerpt: client\/examples\/resumable_upload.cc/ {on = 1; next}
               on && /^```cpp/ {inside = 1; next}
               inside && /^```/ {exit}
               inside' "$SOURCE/docs/client.md")
stale=0
while IFS= read -r line; do
  [[ -z "$line" ]] && continue
  grep -Fxq -- "$line" "$SOURCE/client/examples/resumable_upload.cc" || { echo "not in source: $line"; stale=1; }
done <<<"$excerpt"
check "the docs/client.md excerpt is non-empty" 1 "$([[ -n "$excerpt" ]] && echo 1 || echo 0)"
check "the docs/client.md excerpt matches the example source" 0 "$stale"

"$FAKE" --host 127.0.0.1 --port 0 --access-key-id AK --access-key-secret SK \
  --bucket ex-bucket >"$WORK/fake.log" 2>&1 &
FAKE_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/fake.log" && break; sleep 0.05; done
FIRST=$(head -1 "$WORK/fake.log")
[[ "$FIRST" =~ ^fake-oss\ listening\ on\ (http://[0-9.]+:[0-9]+)$ ]] ||
  { echo "fake-oss did not start:"; cat "$WORK/fake.log"; exit 1; }
EP=${BASH_REMATCH[1]}
# Always a body (maybe empty): a POST without Content-Length waits for the connection to close.
ctl() { curl -s --max-time 10 -X "$1" "$EP/_fake/$2" -d "${3:-}"; }
upload() { timeout 120 "$EXAMPLE" "$@"; }
records() { find "$WORK/records" -name '*.ossup-cp' 2>/dev/null | wc -l; }
same_object() {  # same_object NAME KEY FILE: read back with `ossup get` (signed), compare bytes
  rm -f "$WORK/got.bin"
  timeout 60 "$OSSUP" get "oss://ex-bucket/$2" "$WORK/got.bin" --endpoint "$EP" >/dev/null
  cmp -s "$3" "$WORK/got.bin"
  check "$1" 0 $?
}
SMALL_SIZE=$((3 * 1024 * 1024 + 4321))
head -c "$SMALL_SIZE" /dev/urandom >"$WORK/small.bin"
head -c $((8 * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"
cd "$WORK"
SLOW='{"rules":[{"match":{"operation":"UploadPart"},"action":{"type":"stall","ms":1000,"afterBytes":1000},"times":"unlimited"}]}'

# Cancels a run of the example on big.bin -> KEY once a part is on the server. The first
# progress line also proves the SIGINT handler is installed (a background job of a
# non-interactive shell starts with SIGINT ignored).
interrupt_after_first_part() {  # interrupt_after_first_part KEY
  ctl POST faults "$SLOW" >/dev/null
  rm -f "$WORK/int.err"  # the progress wait below must not see the previous run's lines
  "$EXAMPLE" "$WORK/big.bin" "oss://ex-bucket/$1" "$EP" "$WORK/records" >"$WORK/int.out" \
    2>"$WORK/int.err" &
  RUN_PID=$!
  for _ in $(seq 200); do grep -q "progress:" "$WORK/int.err" 2>/dev/null && break; sleep 0.05; done
  kill -INT "$RUN_PID"
  wait "$RUN_PID"
  INT_RC=$?
  RUN_PID=""
  ctl DELETE faults >/dev/null
}

# 0: a multipart upload with a record directory; the object reads back byte-identical.
upload "$WORK/small.bin" oss://ex-bucket/ex/small.bin "$EP" "$WORK/records" >out.txt 2>err.txt
check "upload exits 0" 0 $?
contains "progress is printed" "progress: 100% ($SMALL_SIZE of $SMALL_SIZE bytes)" err.txt
contains "a new multipart upload" "new multipart upload" out.txt
same_object "the object is the file" ex/small.bin "$WORK/small.bin"
check "the record is deleted after success" 0 "$(records)"

# Ctrl-C keeps the record and the server's upload; the same command resumes.
interrupt_after_first_part ex/big.bin
check "Ctrl-C exits 1" 1 "$INT_RC"
contains "Ctrl-C says it cancelled" "Cancelled" "$WORK/int.err"
check "Ctrl-C keeps the record" 1 "$(records)"
check "Ctrl-C keeps the upload" 1 "$(timeout 30 "$OSSUP" ls-uploads oss://ex-bucket/ex/big.bin --endpoint "$EP" | wc -l)"
upload "$WORK/big.bin" oss://ex-bucket/ex/big.bin "$EP" "$WORK/records" >out.txt 2>err.txt
check "the same command exits 0" 0 $?
contains "it resumed" "resumed" out.txt
same_object "the resumed object is the file" ex/big.bin "$WORK/big.bin"
check "the record is deleted after the resume" 0 "$(records)"

# 3: the recorded upload expired on the server; the stale record is removed, the next run
# starts afresh.
interrupt_after_first_part ex/lost.bin
check "Ctrl-C exits 1 (again)" 1 "$INT_RC"
UPLOAD=$(timeout 30 "$OSSUP" ls-uploads oss://ex-bucket/ex/lost.bin --endpoint "$EP" | awk '{print $2}')
[[ -n "$UPLOAD" ]] && ctl POST "uploads/$UPLOAD/expire" >/dev/null
upload "$WORK/big.bin" oss://ex-bucket/ex/lost.bin "$EP" "$WORK/records" >out.txt 2>err.txt
check "a lost upload exits 3" 3 $?
contains "the error is CannotResumeUpload" "CannotResumeUpload" err.txt
check "the stale record is removed" 0 "$(records)"
upload "$WORK/big.bin" oss://ex-bucket/ex/lost.bin "$EP" "$WORK/records" >out.txt 2>err.txt
check "the next run exits 0" 0 $?
contains "the next run is a new upload" "new multipart upload" out.txt
same_object "the object after a lost upload is the file" ex/lost.bin "$WORK/big.bin"

# 1: bad usage and a wrong secret.
upload "$WORK/small.bin" not-a-url "$EP" >/dev/null 2>&1
check "bad usage exits 1" 1 $?
OSS_ACCESS_KEY_SECRET=wrong upload "$WORK/small.bin" oss://ex-bucket/ex/denied.bin "$EP" \
  >/dev/null 2>err.txt
check "a wrong secret exits 1" 1 $?
contains "the error names the OSS code" "SignatureDoesNotMatch" err.txt

echo "$failures failure(s)"
exit $((failures > 0))
