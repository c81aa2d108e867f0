#!/bin/bash
# Loads fake-oss's live page (/_fake/ui) in headless Chromium while an upload is in progress:
#   ui_chromium.sh FAKE_OSS_BIN
# Starts an anonymous fake-oss on 127.0.0.1 (port 0), initiates a multipart upload and sends
# two of its parts with curl, then dumps the DOM after the page's script has polled the
# control API: it must show the bucket, the upload with both parts and the journal's requests.
set -euo pipefail
fake=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
source "$here/chromium.sh"
chromium_or_skip

"$fake" --host 127.0.0.1 --port 0 --anonymous --bucket ui-bucket > "$work/fake.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
endpoint=
for _ in $(seq 100); do
  endpoint=$(grep -m1 -o 'http://[0-9.]*:[0-9]*' "$work/fake.log" 2>/dev/null || true)
  [ -n "$endpoint" ] && break
  sleep 0.1
done
[ -n "$endpoint" ] || { echo "fake-oss did not start:"; cat "$work/fake.log"; exit 1; }

upload_id=$(curl -sS --max-time 10 -X POST "$endpoint/ui-bucket/live/object.bin?uploads" |
            sed -n 's|.*<UploadId>\(.*\)</UploadId>.*|\1|p')
[ -n "$upload_id" ] || { echo "InitiateMultipartUpload gave no UploadId"; exit 1; }
head -c 102400 /dev/zero > "$work/part"
for part in 1 2; do
  curl -sS --max-time 10 -o /dev/null -w "UploadPart $part: %{http_code}\n" -X PUT \
    --data-binary @"$work/part" "$endpoint/ui-bucket/live/object.bin?partNumber=$part&uploadId=$upload_id"
done

headless --virtual-time-budget=3000 --dump-dom "$endpoint/_fake/ui" > "$work/ui.dom"
fail=0
expect() {  # expect DESCRIPTION REGEX
  if grep -Eq "$2" "$work/ui.dom"; then echo "ok: $1"; else echo "MISSING: $1 ($2)"; fail=1; fi
}
expect "the bucket" '<li><code>ui-bucket</code></li>'
expect "the upload in progress" "ui-bucket/live/object.bin</b> upload <code>$upload_id</code>"
expect "its part 1" '<tr><td>1</td><td>102400</td>'
expect "its part 2" '<tr><td>2</td><td>102400</td>'
expect "the journal's UploadPart requests on the timeline" '<td>UploadPart</td><td>2</td>'
expect "the refresh status" 'id="status"[^>]*>updated '
# Viewing the page sends no OSS request (no /favicon.ico journaled as an unknown operation).
if grep -q '<td>Unknown</td>' "$work/ui.dom"; then echo "the page made an OSS request"; fail=1; fi
[ "$fail" = 0 ] || { echo "--- DOM"; head -c 3000 "$work/ui.dom"; echo; tail -20 "$work/chromium.log"; }
exit "$fail"
