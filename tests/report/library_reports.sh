#!/bin/bash
# Writes the reports and JUnit XML of every scenario given (the library):
#   library_reports.sh OSS_SCENARIO_BIN FILE...
# Each page must be under 1 MiB; the index must link every page; the JUnit file must hold one
# testcase per scenario. Prints how long writing the reports took (docs/scenarios.md quotes
# it; not asserted).
set -euo pipefail
bin=$1; shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" run --report "$work/reports" --junit "$work/junit.xml" "$@" > "$work/run.log"
grep '^reports:' "$work/run.log"
fail=0
pages=0
for page in "$work"/reports/*.html; do
  [ "$(basename "$page")" = index.html ] && continue
  pages=$((pages + 1))
  size=$(stat -c %s "$page")
  if [ "$size" -ge 1048576 ]; then echo "$(basename "$page"): $size bytes, not under 1 MiB"; fail=1; fi
  grep -q "href=\"$(basename "$page")\"" "$work/reports/index.html" ||
    { echo "index.html does not link $(basename "$page")"; fail=1; }
done
largest=$(ls -S "$work"/reports/*.html | head -1)
echo "$pages pages for $# scenarios; largest $(basename "$largest"), $(stat -c %s "$largest") bytes"
[ "$pages" = "$#" ] || { echo "expected $# pages"; fail=1; }
cases=$(grep -c '<testcase ' "$work/junit.xml")
[ "$cases" = "$#" ] || { echo "junit.xml: $cases testcases, expected $#"; fail=1; }
exit "$fail"
