#!/bin/sh
# Replays scenario files against a standalone fake-oss through its /_fake/ control API:
#   run_remote.sh FAKE_OSS_BIN OSS_SCENARIO_BIN FILE...
# Starts fake-oss on 127.0.0.1 port 0 with a temporary --data-dir, waits (bounded, 10 s) for
# its "listening on" line, runs `oss-scenario run --endpoint`, and always stops the fake.
set -u
fake=$1; scenario=$2; shift 2
work=$(mktemp -d)
"$fake" --host 127.0.0.1 --port 0 --access-key-id AK --access-key-secret SK \
        --bucket scenario-bucket --data-dir "$work/data" > "$work/fake.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
endpoint=
for _ in $(seq 100); do
  endpoint=$(grep -m1 -o 'http://[0-9.]*:[0-9]*' "$work/fake.log" 2>/dev/null)
  [ -n "$endpoint" ] && break
  sleep 0.1
done
if [ -z "$endpoint" ]; then
  echo "fake-oss did not start:"; cat "$work/fake.log"; exit 1
fi
"$scenario" run --endpoint "$endpoint" "$@"
