#!/usr/bin/env bash
# tools/mutate --check must fail, naming the entry, when an entry's original snippet is gone
# from its file, occurs twice, names a missing file, or its contract is not in docs/client.md;
# and must pass on the committed catalogue. Usage: mutate_catalogue_selftest.sh SOURCE_DIR
set -euo pipefail
src=$1
catalogue=$src/tools/mutate.d/catalogue.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$src/tools/mutate" --check --catalogue "$catalogue" >"$tmp/ok.log" 2>&1 ||
  { cat "$tmp/ok.log"; echo "FAIL: the committed catalogue does not pass"; exit 1; }

first=$(jq -r '.[0].id' "$catalogue")
expect_failure() { # $1 name, $2 jq edit of the first entry, $3 text the output must contain
  jq "$2" "$catalogue" >"$tmp/$1.json"
  if "$src/tools/mutate" --check --catalogue "$tmp/$1.json" >"$tmp/$1.log" 2>&1; then
    cat "$tmp/$1.log"
    echo "FAIL: $1: --check passed"
    exit 1
  fi
  if ! grep -qF -- "$3" "$tmp/$1.log"; then
    cat "$tmp/$1.log"
    echo "FAIL: $1: the output does not say: $3"
    exit 1
  fi
  echo "ok: $1"
}

expect_failure snippet-gone '.[0].original = "no such code in this file"' \
  "$first: the original snippet occurs 0 times"
# A snippet of one line that the file holds more than once.
expect_failure snippet-twice '.[0].original = "#include"' "$first: the original snippet occurs"
expect_failure missing-file '.[0].file = "client/src/no_such_file.cc"' \
  "$first: no file client/src/no_such_file.cc"
expect_failure contract-not-quoted '.[0].contract = "a promise the docs never make"' \
  "$first: contract is not quoted from docs/client.md"
expect_failure duplicate-id '.[1].id = .[0].id' "duplicate id $first"
expect_failure too-few '.[0:5]' "5 entries, at least 30 expected"
# The known survivors next to a catalogue must be entries of it.
mkdir "$tmp/with-known"
cp "$catalogue" "$tmp/with-known/catalogue.json"
echo "no-such-entry # a stale id" >"$tmp/with-known/known-survivors"
if "$src/tools/mutate" --check --catalogue "$tmp/with-known/catalogue.json" >"$tmp/known.log" 2>&1 ||
  ! grep -qF "no-such-entry is not in the catalogue" "$tmp/known.log"; then
  cat "$tmp/known.log"
  echo "FAIL: a stale id in known-survivors passed --check"
  exit 1
fi
echo "ok: stale-known-survivor"
# CI's rotating subset: consecutive seeds walk the catalogue, so ceil(entries/3) of them run
# every entry; the same seed picks the same entries.
total=$(jq length "$catalogue")
windows=$(((total + 2) / 3))
for ((seed = 100; seed < 100 + windows; ++seed)); do
  "$src/tools/mutate" --list --subset 3 --seed "$seed" 2>/dev/null | cut -f1
done | sort -u >"$tmp/covered"
jq -r '.[].id' "$catalogue" | sort >"$tmp/all"
if ! cmp -s "$tmp/covered" "$tmp/all"; then
  diff "$tmp/all" "$tmp/covered" || true
  echo "FAIL: $windows consecutive seeds do not cover the catalogue"
  exit 1
fi
a=$("$src/tools/mutate" --list --subset 3 --seed 5 2>/dev/null)
b=$("$src/tools/mutate" --list --subset 3 --seed 5 2>/dev/null)
[ "$a" = "$b" ] && [ "$(printf '%s\n' "$a" | wc -l)" -eq 3 ] ||
  { echo "FAIL: --subset 3 --seed 5 is not 3 entries, the same each time"; exit 1; }
echo "ok: rotating-subset"
echo "PASS"
