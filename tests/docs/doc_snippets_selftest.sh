#!/usr/bin/env bash
# doc_snippets.py fails on each kind of drift and of unreviewed block, and cleans up on every
# path. Each case is a small tree (a markdown file, a CMakeLists.txt, CMakePresets.json) run
# through doc_snippets.py with this build's programs.
# Usage: doc_snippets_selftest.sh PYTHON DOC_SNIPPETS_PY BIN_DIR
set -euo pipefail
PYTHON=$1
RUNNER=$(realpath "$2")
BIN_DIR=$(realpath "$3")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
n=0

# case NAME EXPECTED_EXIT EXPECTED_TEXT [--timeout S]: runs the runner on $WORK/tree/doc.md
# (written by the caller), then checks the exit code and that the output contains the text.
case_() {
  local name=$1 want_rc=$2 want_text=$3
  shift 3
  n=$((n + 1))
  local rc=0
  "$PYTHON" "$RUNNER" --source "$WORK/tree" --bin-dir "$BIN_DIR" "$@" doc.md \
    >"$WORK/out.$n" 2>&1 || rc=$?
  if [[ "$rc" == "$want_rc" ]] && grep -qF -- "$want_text" "$WORK/out.$n"; then
    echo "ok   $name"
  else
    echo "FAIL $name: exit $rc (want $want_rc), output should contain '$want_text':"
    sed 's/^/    /' "$WORK/out.$n"
    failures=$((failures + 1))
  fi
}
doc() { cat >"$WORK/tree/doc.md"; }
alive() { [[ -e /proc/$1 ]] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

mkdir -p "$WORK/tree"
echo 'add_executable(real-tool main.cc)
add_test(NAME real_test COMMAND real-tool)' >"$WORK/tree/CMakeLists.txt"
echo '{"version": 6, "configurePresets": [{"name": "release"}]}' >"$WORK/tree/CMakePresets.json"

doc <<'EOF'
```sh
fake-oss --help >/dev/null
echo "a=1" > state.txt
```
Text, then a block that sees what the first one left in the same session:
```bash
grep -q a=1 state.txt
```
```python
import subprocess
subprocess.run(["fake-oss", "--help"], check=True, stdout=subprocess.DEVNULL)
```
```json
{"not": "a command"}
```
<!-- doc-test: skip (needs the real cloud) -->
```sh
exit 1
```
<!-- doc-test: covered-by real_test -->
```sh
exit 1
```
```console
$ fake-oss --help > /dev/null
fake-oss: output lines are not run
```
```sh
cmake --preset release && cmake --build --preset release --target real-tool
```
EOF
case_ "blocks that match the code pass" 0 "doc blocks: 5 ran, 1 skipped, 1 covered"

doc <<'EOF'
```sh
mkdir -p sub && cd sub
```
```sh
test "$(basename "$PWD")" = sub
```
EOF
case_ "a block that changes directory does not lose the session" 0 "doc blocks: 2 ran"

doc <<'EOF'
```sh
fake-oss --port 0 --no-such-flag
```
EOF
case_ "a drifted flag in a shell block fails, naming the block" 1 "FAIL doc.md:1: the block fails"

doc <<'EOF'
```sh
true
```

```sh
false
```
EOF
case_ "the failing block of a session is the one named" 1 "FAIL doc.md:5: the block fails"

doc <<'EOF'
```python
raise SystemExit("drifted")
```
EOF
case_ "a failing Python block fails" 1 "FAIL doc.md:1: the block fails"

doc <<'EOF'
```
fake-oss --port 0
```
EOF
case_ "a block without a language fails" 1 "code block without a language"

doc <<'EOF'
```ruby
puts 1
```
EOF
case_ "a block in an unknown language fails" 1 "unknown language"

doc <<'EOF'
<!-- doc-test: skip () -->
```sh
exit 1
```
EOF
case_ "a skip without a reason fails" 1 "unknown doc-test marker"

doc <<'EOF'
<!-- doc-test: covered-by no_such_test -->
```sh
exit 1
```
EOF
case_ "covered-by a ctest that does not exist fails" 1 "covered-by no_such_test: no such ctest"

doc <<'EOF'
<!-- doc-test: compiled-by real-tool (built, not run) -->
```cpp
int main() {}
```
<!-- doc-test: compiled-by no-such-target -->
```cpp
int main() {}
```
EOF
case_ "compiled-by a target that does not exist fails" 1 "FAIL doc.md:6: compiled-by no-such-target"

doc <<'EOF'
<!-- doc-test: skip (a marker must sit right before its block) -->
Some text.

```sh
true
```
EOF
case_ "a marker not followed by a block fails" 1 "doc-test marker not followed by a code block"

doc <<'EOF'
<!-- doc-test: usage fake-oss -->
```text
fake-oss --host H --port 0
         [--no-such-flag]
```
EOF
case_ "a usage block with a flag the program lacks fails" 1 "--no-such-flag: not an option of \`fake-oss\`"

doc <<'EOF'
<!-- doc-test: usage fake-oss -->
```text
fake-oss --host H --port 0 [--anonymous]
```
EOF
case_ "a usage block that matches --help passes" 0 "usage of fake-oss matches --help (3 flags)"

doc <<'EOF'
```sh
curl -fsS https://oss-cn-hangzhou.aliyuncs.com/
```
EOF
case_ "a block naming a non-loopback host fails without running" 1 "names host oss-cn-hangzhou.aliyuncs.com"

doc <<'EOF'
```sh
cmake --build --preset release --target no-such-target
```
EOF
case_ "a build line naming an unknown target fails" 1 "--target no-such-target: no add_executable"

doc <<'EOF'
```sh
cmake --preset no-such-preset
```
EOF
case_ "a build line naming an unknown preset fails" 1 "--preset no-such-preset: no such preset"

doc <<'EOF'
<!-- doc-test: fault-plan -->
```json
{"seed": 7, "rules": [{"match": {"op": "UploadPart"}, "action": {"type": "restart"}}]}
```
<!-- doc-test: fault-rules -->
```json
{"match": {"op": "ListParts"}, "action": {"type": "error", "code": "SlowDown"}, "times": 2}
{"match": {"op": "UploadPart", "nth": 2}, "action": {"type": "stall", "ms": 5, "afterBytes": 0}}
```
EOF
case_ "fault plans and rules the fake accepts pass" 0 "accepted by fake-oss"

doc <<'EOF'
<!-- doc-test: fault-rules -->
```json
{"match": {"op": "ListParts"}, "action": {"type": "error", "code": "SlowDown"}, "times": 2}
{"match": {"op": "UploadPart"}, "action": {"type": "reset", "after_bytes": 10}}
```
EOF
case_ "a fault rule the fake refuses fails, naming its line" 1 \
  "FAIL doc.md:4: POST /_fake/faults refuses this rule: 400"

# Cleanup on every path: a block that leaves a process behind, and one that never ends.
export DOC_SELFTEST_OUT=$WORK/left
doc <<'EOF'
```sh
sleep 1000 &
echo "$! $PWD" > "$DOC_SELFTEST_OUT"
```
EOF
case_ "a session that leaves a process passes" 0 "ok   doc.md:1: ran"
read -r pid dir <"$WORK/left"
n=$((n + 1))
if alive "$pid" || [[ -e "$dir" ]]; then
  echo "FAIL the process it left is stopped and its directory removed (pid $pid, $dir)"
  failures=$((failures + 1))
else
  echo "ok   the process it left is stopped and its directory removed"
fi

doc <<'EOF'
```sh
echo "$$ $PWD" > "$DOC_SELFTEST_OUT"
sleep 1000
```
EOF
case_ "a session over its time budget fails" 1 "did not finish within 2.0 s" --timeout 2
read -r pid dir <"$WORK/left"
n=$((n + 1))
if alive "$pid" || [[ -e "$dir" ]]; then
  echo "FAIL the timed-out session is stopped and its directory removed (pid $pid, $dir)"
  failures=$((failures + 1))
else
  echo "ok   the timed-out session is stopped and its directory removed"
fi

echo "$((n - failures)) passed, $failures failed"
exit $((failures > 0))
