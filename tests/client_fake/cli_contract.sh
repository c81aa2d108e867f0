#!/usr/bin/env bash
# The `ossup` command-line contract against a real fake-oss process: exit codes (0, 1, 2, 3,
# 130), JSON lines, one-line errors with code and request id, Ctrl-C and kill -9 then resume,
# ls-uploads, abort and get.
# Usage: cli_contract.sh OSSUP_BINARY FAKE_OSS_BINARY
set -uo pipefail
OSSUP=$1
FAKE=$2
WORK=$(mktemp -d)
FAKE_PID=""
cleanup() {
  if [[ -n "$FAKE_PID" ]]; then kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export OSS_ACCESS_KEY_ID=AKIDCLITEST OSS_ACCESS_KEY_SECRET=SECRETCLITEST
unset OSS_SESSION_TOKEN OSS_ENDPOINT OSS_REGION
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; failures=$((failures + 1)); fi
}
contains() {  # contains NAME NEEDLE FILE
  if grep -q -- "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1: '$2' not in $3:"; cat "$3"; failures=$((failures + 1)); fi
}

"$FAKE" --port 0 --bucket clibucket >"$WORK/fake.log" 2>&1 &
FAKE_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/fake.log" && break; sleep 0.05; done
EP=$(head -1 "$WORK/fake.log" | awk '{print $4}')
[[ "$EP" == http://* ]] || { echo "fake-oss did not start"; cat "$WORK/fake.log"; exit 1; }
ctl() { curl -s -X "$1" "$EP/_fake/$2" ${3:+-d "$3"}; }
CP="$WORK/checkpoints"
head -c 3000000 /dev/urandom >"$WORK/small.bin"
head -c 60000000 /dev/urandom >"$WORK/big.bin"
SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
cd "$WORK"

# --version: the project version (CMakeLists.txt project(VERSION)) and the commit.
want_version=$(sed -nE 's/^project\(ossup VERSION ([0-9.]+) .*/\1/p' "$SOURCE/CMakeLists.txt")
"$OSSUP" --version >version.txt
check "--version exit 0" 0 $?
contains "--version names the version and commit" "^ossup $want_version (commit \([0-9a-f]\{12\}\(-dirty\)\?\|unknown\))$" version.txt

# 0: success, JSON lines, get.
"$OSSUP" cp small.bin oss://clibucket/a/small.bin --endpoint "$EP" --part-size 512KiB \
  --checkpoint-dir "$CP" --json >out.json 2>err.txt
check "cp exit 0" 0 $?
contains "cp --json progress lines" '"event":"progress"' out.json
contains "cp --json done line" '"event":"done"' out.json
"$OSSUP" get oss://clibucket/a/small.bin got.bin --endpoint "$EP" >/dev/null
check "get exit 0" 0 $?
cmp -s small.bin got.bin
check "get returns the same bytes" 0 $?

# 2: usage.
"$OSSUP" cp small.bin >/dev/null 2>&1
check "missing destination exits 2" 2 $?
"$OSSUP" cp small.bin oss://clibucket/x --endpoint "$EP" --part-size 10KiB 2>err.txt
check "part size below 100KiB exits 2" 2 $?
"$OSSUP" cp small.bin oss://clibucket/x --endpoint "$EP" --part-size lots 2>/dev/null
check "unparsable part size exits 2" 2 $?
"$OSSUP" cp small.bin oss://clibucket/x --endpoint "$EP" --sign v9 2>/dev/null
check "unknown signature version exits 2" 2 $?

# 1: failure, with a one-line error naming the code and the request id.
ctl POST faults '{"rules":[{"match":{"operation":"UploadPart","nth":3},"action":{"type":"error","status":403,"code":"AccessDenied"},"times":"unlimited"}]}' >/dev/null
"$OSSUP" cp small.bin oss://clibucket/denied.bin --endpoint "$EP" --part-size 512KiB \
  --parallel 1 --checkpoint-dir "$CP" 2>err.txt >/dev/null
check "permanent error exits 1" 1 $?
contains "error names the OSS code" "AccessDenied (HTTP 403)" err.txt
contains "error names the request id" "request id" err.txt
check "error is one line" 1 "$(wc -l <err.txt)"
ctl DELETE faults >/dev/null

# ls-uploads shows the kept upload (a failure is not a cancel).
"$OSSUP" ls-uploads oss://clibucket --endpoint "$EP" >ls.txt
check "ls-uploads exit 0" 0 $?
contains "ls-uploads lists the failed upload" "denied.bin" ls.txt

# 3: cannot resume, after the upload expired; the record is removed so the next run works.
UPLOAD=$(awk '/denied.bin/ {print $2}' ls.txt)
ctl POST "uploads/$UPLOAD/expire" >/dev/null
"$OSSUP" cp small.bin oss://clibucket/denied.bin --endpoint "$EP" --part-size 512KiB \
  --checkpoint-dir "$CP" 2>err.txt >/dev/null
check "expired upload exits 3" 3 $?
contains "cannot-resume error is named" "CannotResumeUpload" err.txt
"$OSSUP" cp small.bin oss://clibucket/denied.bin --endpoint "$EP" --part-size 512KiB \
  --checkpoint-dir "$CP" >/dev/null 2>&1
check "the next run starts fresh and succeeds" 0 $?

# abort.
ctl POST faults '{"rules":[{"match":{"operation":"UploadPart","nth":2},"action":{"type":"error","status":403,"code":"AccessDenied"},"times":1}]}' >/dev/null
"$OSSUP" cp small.bin oss://clibucket/abort.bin --endpoint "$EP" --part-size 512KiB \
  --parallel 1 --checkpoint-dir "$CP" >/dev/null 2>&1
UPLOAD=$("$OSSUP" ls-uploads oss://clibucket/abort --endpoint "$EP" | awk '{print $2}')
"$OSSUP" abort oss://clibucket/abort.bin --upload-id "$UPLOAD" --endpoint "$EP" >/dev/null
check "abort exit 0" 0 $?
check "ls-uploads is empty after abort" "" "$("$OSSUP" ls-uploads oss://clibucket/abort --endpoint "$EP")"
ctl DELETE faults >/dev/null

# 130: Ctrl-C keeps the checkpoint; the same command resumes.
SLOW='{"rules":[{"match":{"operation":"UploadPart"},"action":{"type":"stall","ms":300,"afterBytes":1000},"times":"unlimited"}]}'
ctl POST faults "$SLOW" >/dev/null
RECORDS_BEFORE=$(ls "$CP" | grep -c ossup-cp)
"$OSSUP" cp big.bin oss://clibucket/big.bin --endpoint "$EP" --part-size 1MiB --parallel 2 \
  --checkpoint-dir "$CP" --json >int.json 2>/dev/null &
PID=$!
sleep 1.5
kill -INT "$PID"
wait "$PID"
check "Ctrl-C exits 130" 130 $?
check "the checkpoint is kept" $((RECORDS_BEFORE + 1)) "$(ls "$CP" | grep -c ossup-cp)"
ctl DELETE faults >/dev/null
"$OSSUP" cp big.bin oss://clibucket/big.bin --endpoint "$EP" --part-size 1MiB --parallel 2 \
  --checkpoint-dir "$CP" --json >resume.json 2>/dev/null
check "resume after Ctrl-C exits 0" 0 $?
contains "resume after Ctrl-C resumed" '"resumed":true' resume.json

# kill -9, then the same command resumes.
ctl POST faults "$SLOW" >/dev/null
"$OSSUP" cp big.bin oss://clibucket/big9.bin --endpoint "$EP" --part-size 1MiB --parallel 2 \
  --checkpoint-dir "$CP" >/dev/null 2>&1 &
PID=$!
sleep 1.5
kill -9 "$PID"
wait "$PID" 2>/dev/null
ctl DELETE faults >/dev/null
"$OSSUP" cp big.bin oss://clibucket/big9.bin --endpoint "$EP" --part-size 1MiB --parallel 2 \
  --checkpoint-dir "$CP" --json >resume9.json 2>/dev/null
check "resume after kill -9 exits 0" 0 $?
contains "resume after kill -9 resumed" '"resumed":true' resume9.json
"$OSSUP" get oss://clibucket/big9.bin got9.bin --endpoint "$EP" >/dev/null
cmp -s big.bin got9.bin
check "object after kill -9 and resume is byte-identical" 0 $?

echo "$failures failure(s)"
exit $((failures > 0))
