#!/usr/bin/env bash
# tools/check-layering must reject forbidden edges and accept allowed ones.
set -euo pipefail
checker="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/client/protocol/src "$tmp"/client/src "$tmp"/client/examples "$tmp"/fake-oss/src \
  "$tmp"/faults/src "$tmp"/fuzz

echo '#include "ossup/protocol/status.h"' > "$tmp"/client/src/ok.cc
echo '#include "ossup/faults/plan.h"' > "$tmp"/fake-oss/src/ok.cc
printf '#include "ossup/client/client.h"\n#include "ossup/protocol/errors.h"\n' \
  > "$tmp"/client/examples/ok.cc
echo '#include "ossup/scenarios/codec.h"' > "$tmp"/fuzz/ok.cc
"$checker" "$tmp" >/dev/null || { echo "allowed edges were rejected"; exit 1; }

for bad in "client/protocol/src/x.cc:ossup/client/client.h" \
           "client/src/x.cc:ossup/fake/server.h" \
           "client/src/y.cc:ossup/faults/plan.h" \
           "faults/src/x.cc:ossup/fake/server.h" \
           "fake-oss/src/x.cc:ossup/client/client.h" \
           "client/examples/x.cc:ossup/fake/server.h" \
           "client/examples/y.cc:ossup/scenarios/runner.h" \
           "fuzz/x.cc:ossup/testing/server.h"; do
  file=${bad%%:*}
  echo "#include \"${bad#*:}\"" > "$tmp/$file"
  if "$checker" "$tmp" >/dev/null; then echo "missed forbidden edge $bad"; exit 1; fi
  rm "$tmp/$file"
done
echo "check-layering self-test: ok"
