#!/bin/bash
# Renders a passing and a failing run report (report_fixture) in headless Chromium:
#   report_chromium.sh REPORT_FIXTURE SCENARIO_FILE
# The screenshot of each must not be blank (many distinct colours), and the DOM after the
# page's script ran must show the fault marker, the failing invariant and the replay command.
# OSSUP_REPORT_SCREENSHOT=PATH also copies the failing report's screenshot there (README).
set -euo pipefail
fixture=$1; scenario=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$here/chromium.sh"
chromium_or_skip

"$fixture" "$scenario" "$work"
fail=0
expect() {  # expect FILE DESCRIPTION REGEX
  if grep -Eq "$3" "$1"; then echo "ok: $(basename "$1"): $2"; else echo "MISSING in $(basename "$1"): $2 ($3)"; fail=1; fi
}
for page in passing failing; do
  headless --window-size=1200,900 --screenshot="$work/$page.png" "file://$work/$page.html" >/dev/null
  python3 "$here/png_colours.py" "$work/$page.png" 40 || { echo "$page.png looks blank"; fail=1; }
  headless --virtual-time-budget=5000 --dump-dom "file://$work/$page.html" > "$work/$page.dom"
  # The fault marker is drawn by the timeline script: present only when the script ran.
  expect "$work/$page.dom" "fault marker" 'class="fault-marker"[^>]*>[^<]*reset at byte [0-9]+'
  expect "$work/$page.dom" "replay command" "oss-scenario run [^<]*$(basename "$scenario")"
  expect "$work/$page.dom" "timeline drawn" '<svg[^>]*>.*<rect'
done
expect "$work/failing.dom" "failing invariant highlighted" \
  '<tr class="failing"><td>success-removes-record</td><td class="status-error">no</td><td>step 1'
expect "$work/failing.dom" "FAIL verdict" 'class="verdict-fail">FAIL'
expect "$work/passing.dom" "PASS verdict" 'class="verdict-pass">PASS'
if grep -Eq '<(tr|li|p) class="failing"' "$work/passing.dom"; then echo "passing report highlights a failure"; fail=1; fi
if [ -n "${OSSUP_REPORT_SCREENSHOT:-}" ]; then
  headless --window-size=1200,1400 --screenshot="$OSSUP_REPORT_SCREENSHOT" "file://$work/failing.html" >/dev/null
  echo "screenshot: $OSSUP_REPORT_SCREENSHOT"
fi
[ "$fail" = 0 ] || { echo "--- chromium log"; tail -20 "$work/chromium.log"; }
exit "$fail"
