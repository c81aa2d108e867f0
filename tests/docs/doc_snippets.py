#!/usr/bin/env python3
"""Runs the commands that the project's markdown files show, so a snippet that drifts from the
code fails ctest (label `unit`, tests/docs/CMakeLists.txt).

    doc_snippets.py --source DIR --bin-dir DIR [--timeout S] [FILE.md ...]

Without FILEs: README.md, docs/*.md and every other *.md in the tree (top-level build*/,
node_modules/ and dot directories left out).

Every fenced code block is one of these; anything else fails the test:

* a command block (```sh, ```bash, ```shell, ```console, ```python): RUN, unless marked;
* marked on the line right before it (blank lines between are allowed) with
      <!-- doc-test: skip (REASON) -->           not run; the reason is required and printed
      <!-- doc-test: covered-by NAME... (NOTE) --> run by those ctests, which must exist
      <!-- doc-test: usage PROGRAM -->           a synopsis (```text): every --flag on a line
                                                 `PROGRAM [SUBCOMMAND] ...` (and the indented
                                                 lines after it) must be in the output of
                                                 `PROGRAM [SUBCOMMAND] --help`
      <!-- doc-test: compiled-by TARGET (NOTE) --> source that a CMake target builds (e.g.
                                                 tests/docs/CMakeLists.txt extracts it), which
                                                 must exist
      <!-- doc-test: fault-plan -->              a ```json fault plan, or fault rules one per
      <!-- doc-test: fault-rules -->             line: POST /_fake/faults to a fake-oss
                                                 (--data-dir) must accept each (201)
* source or data in another language (```json, ```cmake, ```cpp, ```js, ```go, ```java,
  ```text, ...): not a command, listed as such. A block without a language fails: say what
  it is.

How a file's command blocks run:

* In order, in ONE bash session per file (`set -euo pipefail`, as a CI step runs them), so a
  later block sees what an earlier one set (`$endpoint`). Python blocks run with python3 in
  the same directory. The session has a 180 s budget (--timeout); its whole process group is
  killed afterwards, on every path.
* The working directory is a fresh temporary directory standing in for a clone of the
  repository: every top-level entry of the source tree is symlinked into it, except build/
  and .git/, and build/release/bin holds copies of the programs this build made (PROGRAMS, from
  --bin-dir; copies, so no snippet can change the build's binaries). So
  `build/release/bin/fake-oss`, `tools/...` and `scenarios/library/*.json` resolve as in a
  clone, and files a snippet writes (fake-oss.log, ca.pem) land in the temporary directory,
  which is removed afterwards. PATH starts with that build/release/bin; HOME and TMPDIR
  point inside the temporary directory; OSS_* variables are unset.
* Build steps are not run (ctest runs after the build, and a ctest line would recurse): a
  command line starting with `cmake ` or `ctest ` is replaced by `:`. Instead its
  `--preset NAME`s must be in CMakePresets.json and its `--target NAME`s must be targets
  defined in a CMakeLists.txt of the tree.
* Loopback only: a command block that names a host other than 127.0.0.1, localhost or ::1 in
  a URL fails the test (a snippet aimed at real OSS must be marked skip). No rewriting of
  endpoints is done.
"""

import argparse
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

COMMAND_LANGS = {"sh", "bash", "shell", "console", "python", "python3"}
NON_COMMAND_LANGS = {"json", "cmake", "cpp", "c", "c++", "js", "javascript", "mjs", "go",
                     "java", "text", "xml", "yaml", "diff"}
MARKER = re.compile(r"^\s*<!--\s*doc-test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([^\s`]*)[^`]*$")  # ```lang [info string]
URL_HOST = re.compile(r"\bhttps?://(\[[^\]]*\]|[^/\s:\"'`$]+)")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
BUILD_LINE = re.compile(r"^\s*(cmake|ctest)\s")

failures = []


def fail(where, message):
    failures.append(f"{where}: {message}")
    print(f"FAIL {where}: {message}", flush=True)


class Block:
    def __init__(self, path, line, lang, lines, marker, marker_line):
        self.path, self.line, self.lang, self.lines = path, line, lang, lines
        self.marker, self.marker_line = marker, marker_line

    @property
    def where(self):
        return f"{self.path}:{self.line}"


def parse_markdown(root, rel):
    """The fenced blocks of a file, each with the doc-test marker right before it (if any)."""
    blocks = []
    pending = None  # (text, line) of a marker not yet attached to a block
    fence = None
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        lines = f.read().split("\n")
    for number, line in enumerate(lines, 1):
        if fence is not None:
            indent, ticks, lang, start, body, marker = fence
            stripped = line.strip()
            if stripped.startswith(ticks[0] * len(ticks)) and stripped.strip(ticks[0]) == "":
                blocks.append(Block(rel, start, lang, body, marker and marker[0],
                                    marker and marker[1]))
                fence = None
            else:
                body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            continue
        m = FENCE.match(line)
        if m:
            fence = (m.group(1), m.group(2), m.group(3).lower(), number, [], pending)
            pending = None
            continue
        m = MARKER.match(line)
        if m:
            if pending:
                fail(f"{rel}:{pending[1]}", "doc-test marker not followed by a code block")
            pending = (m.group(1), number)
            continue
        if line.strip() and pending:
            fail(f"{rel}:{pending[1]}", "doc-test marker not followed by a code block")
            pending = None
    if fence is not None:
        fail(f"{rel}:{fence[3]}", "unterminated code block")
    if pending:
        fail(f"{rel}:{pending[1]}", "doc-test marker not followed by a code block")
    return blocks


def markdown_files(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and d != "node_modules"
                             and not (rel_dir == "." and d.startswith("build")))
        for name in sorted(filenames):
            if name.endswith(".md"):
                found.append(os.path.normpath(os.path.join(rel_dir, name)))
    return found


def cmake_lists(root):
    """The text of every CMakeLists.txt of the tree (not node_modules, dot or top-level build dirs)."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "node_modules"
                       and not (rel_dir == "." and d.startswith("build"))]
        if "CMakeLists.txt" in filenames:
            with open(os.path.join(dirpath, "CMakeLists.txt"), encoding="utf-8") as f:
                yield f.read()


@functools.lru_cache(maxsize=None)
def ctest_names(root):
    return {name for text in cmake_lists(root)
            for name in re.findall(r"add_test\(\s*NAME\s+([A-Za-z0-9_.-]+)", text)}


@functools.lru_cache(maxsize=None)
def preset_names(root):
    try:
        with open(os.path.join(root, "CMakePresets.json"), encoding="utf-8") as f:
            presets = json.load(f)
    except FileNotFoundError:
        return set()
    return {p["name"] for kind, items in presets.items() if kind.endswith("Presets")
            for p in items if isinstance(p, dict) and "name" in p}


@functools.lru_cache(maxsize=None)
def cmake_targets(root):
    """Names given to add_executable/add_library/add_custom_target in the tree's CMakeLists."""
    return {name for text in cmake_lists(root)
            for name in re.findall(
                r"add_(?:executable|library|custom_target)\(\s*([A-Za-z0-9_.+-]+)", text)}


def logical_lines(lines):
    """(first line index, text) per command line, backslash continuations joined."""
    out, start, acc = [], None, []
    for i, line in enumerate(lines):
        if start is None:
            start = i
        acc.append(line)
        if not line.rstrip().endswith("\\"):
            out.append((start, "\n".join(acc)))
            start, acc = None, []
    if acc:
        out.append((start, "\n".join(acc)))
    return out


def check_build_line(block, index, text, args, presets):
    where = f"{block.path}:{block.line + 1 + index}"
    for name in re.findall(r"--preset[= ]\s*([A-Za-z0-9_-]+)", text):
        if name not in presets:
            fail(where, f"--preset {name}: no such preset in CMakePresets.json")
    wanted = re.findall(r"--target\s+((?:[A-Za-z0-9_.+-]+\s*)+)", text)
    targets = cmake_targets(args.source)
    for group in wanted:
        for name in group.split():
            if name.startswith("-") or name in ("&&", "||"):
                break
            if name not in targets:
                fail(where, f"--target {name}: no add_executable/add_library/add_custom_target "
                            "of that name in a CMakeLists.txt")


def shell_text(block, args, presets):
    """The block's command text for bash: build lines replaced, console prompts stripped."""
    lines = block.lines
    if block.lang == "console":
        commands, cont = [], False
        for line in lines:
            if line.startswith("$ ") or cont:
                text = line[2:] if line.startswith("$ ") and not cont else line
                commands.append(text)
                cont = text.rstrip().endswith("\\")
            else:
                commands.append("")  # output: not run, keeps line numbers
        lines = commands
    out = list(lines)
    for index, text in logical_lines(lines):
        if BUILD_LINE.match(text):
            check_build_line(block, index, text, args, presets)
            count = text.count("\n") + 1
            out[index:index + count] = [": doc-test: build step, not run"] + [""] * (count - 1)
    return "\n".join(out) + "\n"


def check_loopback(block):
    """False (and a failure) if the block names a host that is not loopback."""
    ok = True
    for offset, line in enumerate(block.lines):
        for host in URL_HOST.findall(line):
            if host not in LOOPBACK and not host.startswith("$"):
                fail(f"{block.path}:{block.line + 1 + offset}",
                     f"names host {host}: snippets run against loopback only "
                     "(mark the block skip if it is meant for real OSS); the file is not run")
                ok = False
    return ok


def check_usage(block, program, bin_dir):
    exe = os.path.join(bin_dir, program)
    if not os.access(exe, os.X_OK):
        fail(block.where, f"usage {program}: {exe} is not an executable this build made")
        return
    commands = []  # [subcommand or None, [flags], line]
    for offset, line in enumerate(block.lines):
        words = line.split()
        if words and words[0] == program:
            is_sub = len(words) > 1 and re.fullmatch(r"[a-z][a-z0-9-]*", words[1])
            sub = words[1] if is_sub else None
            commands.append([sub, [], block.line + 1 + offset])
        elif not (line.startswith((" ", "\t")) and commands):
            continue
        commands[-1][1].extend(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", line))
    if not commands:
        fail(block.where, f"usage {program}: no line starts with `{program}`")
    failures_before = len(failures)
    helps = {}
    for sub, flags, line in commands:
        argv = [exe] + ([sub] if sub else []) + ["--help"]
        if sub not in helps:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                                 stdin=subprocess.DEVNULL)
            helps[sub] = (out.returncode, out.stdout + out.stderr)
        code, text = helps[sub]
        where = f"{block.path}:{line}"
        if code != 0:
            fail(where, f"`{' '.join(argv[1:])}` exits {code}: {text.strip()[:200]}")
            continue
        for flag in flags:
            if not re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", text):
                fail(where, f"{flag}: not an option of `{program}{' ' + sub if sub else ''}` "
                            "(not in its --help)")
    if commands and len(failures) == failures_before:
        print(f"ok   {block.where}: usage of {program} matches --help "
              f"({sum(len(c[1]) for c in commands)} flags)")


# The programs the docs run, copied (not linked) into the temporary directory, so that nothing a
# snippet does can change the build's own binaries.
PROGRAMS = ("fake-oss", "ossup", "oss-scenario", "ossup-example-upload")


def make_workdir(root, bin_dir):
    work = tempfile.mkdtemp(prefix="ossup-doc-test-")
    for entry in os.listdir(root):
        if entry in ("build", ".git"):
            continue
        os.symlink(os.path.join(root, entry), os.path.join(work, entry))
    os.makedirs(os.path.join(work, "build", "release", "bin"))
    for program in PROGRAMS:
        if os.path.exists(os.path.join(bin_dir, program)):
            shutil.copy2(os.path.join(bin_dir, program),
                         os.path.join(work, "build", "release", "bin", program))
    os.makedirs(os.path.join(work, ".home"))
    os.makedirs(os.path.join(work, ".tmp"))
    return work


def kill_group(proc):
    """Stops every process the session left (snippets start servers in the background)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def run_session(rel, blocks, args):
    """Runs the file's command blocks in order in one bash session; True if it passed."""
    work = make_workdir(args.source, args.bin_dir)
    proc = None
    try:
        stem = re.sub(r"[^A-Za-z0-9]+", "-", rel).strip("-")
        driver = ["set -euo pipefail"]
        for block in blocks:
            name = f"{stem}-L{block.line}"
            driver.append(f"printf '\\n== doc-test: {block.where}\\n'")
            if block.lang in ("python", "python3"):
                with open(os.path.join(work, name + ".py"), "w", encoding="utf-8") as f:
                    f.write("\n".join(block.lines) + "\n")
                driver.append(f"python3 '{work}/{name}.py'")
            else:
                with open(os.path.join(work, name + ".sh"), "w", encoding="utf-8") as f:
                    f.write(shell_text(block, args, preset_names(args.source)))
                driver.append(f". '{work}/{name}.sh'")
            driver.append(f"echo '{block.where}' >> '{work}/.doc-test-done'")  # a block may cd
        with open(os.path.join(work, ".doc-test-driver.sh"), "w", encoding="utf-8") as f:
            f.write("\n".join(driver) + "\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("OSS_")}
        env.update(PATH=os.path.join(work, "build", "release", "bin") + os.pathsep +
                   env.get("PATH", "/usr/bin:/bin"),
                   HOME=os.path.join(work, ".home"), TMPDIR=os.path.join(work, ".tmp"))
        # Output to a file, not a pipe: a server a snippet starts in the background would
        # hold a pipe open after the session ends.
        log_path = os.path.join(work, ".doc-test-output")
        with open(log_path, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(["bash", ".doc-test-driver.sh"], cwd=work, env=env,
                                    stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        timed_out = False
        try:
            proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            kill_group(proc)
        with open(log_path, encoding="utf-8", errors="replace") as log:
            output = log.read()
        if timed_out:
            print(output, end="")
            fail(rel, f"its commands did not finish within {args.timeout} s")
            return False
        try:
            with open(os.path.join(work, ".doc-test-done"), encoding="utf-8") as f:
                ended = f.read().split()
        except FileNotFoundError:
            ended = []
        if proc.returncode != 0 or len(ended) != len(blocks):
            print(output, end="")
            culprit = blocks[len(ended)].where if len(ended) < len(blocks) else rel
            fail(culprit, f"the block fails: exit {proc.returncode} (its output is above)")
            return False
        print(output, end="" if output.endswith("\n") else "\n")
        for where in ended:
            print(f"ok   {where}: ran")
        return True
    finally:
        if proc is not None:
            kill_group(proc)
        shutil.rmtree(work, ignore_errors=True)


def check_fault_plans(checks, args):
    """POSTs each plan (or each rule, one per line, as a one-rule plan) to a fake-oss started
    for this; every one must be accepted (201)."""
    import select
    import urllib.error
    import urllib.request

    work = tempfile.mkdtemp(prefix="ossup-doc-test-plans-")
    proc = None
    try:
        proc = subprocess.Popen([os.path.join(args.bin_dir, "fake-oss"), "--host", "127.0.0.1",
                                 "--port", "0", "--anonymous", "--bucket", "doc-bucket",
                                 "--data-dir", os.path.join(work, "data")],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, text=True, start_new_session=True)
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline().strip() if ready else ""
        prefix = "fake-oss listening on "
        if not line.startswith(prefix):
            for block, _ in checks:
                fail(block.where, f"fake-oss did not start to check the plan: {line!r}")
            return
        endpoint = line[len(prefix):]
        failures_before = len(failures)
        for block, kind in checks:
            if kind == "plan":
                plans = [(block.line + 1, "\n".join(block.lines))]
            else:
                plans = [(block.line + 1 + i, '{"rules": [' + text + "]}")
                         for i, text in enumerate(block.lines) if text.strip()]
            for line_number, body in plans:
                where = f"{block.path}:{line_number}"
                request = urllib.request.Request(endpoint + "/_fake/faults", method="POST",
                                                 data=body.encode())
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, text = answer.status, answer.read().decode()
                except urllib.error.HTTPError as error:
                    status, text = error.code, error.read().decode()
                if status != 201:
                    what = "plan" if kind == "plan" else "rule"
                    fail(where, f"POST /_fake/faults refuses this {what}: {status} {text}")
        if len(failures) == failures_before:
            print(f"ok   fault plans and rules in {len(checks)} block(s) accepted by fake-oss")
    finally:
        if proc is not None:
            kill_group(proc)
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    args.source = os.path.realpath(args.source)
    args.bin_dir = os.path.realpath(args.bin_dir)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)  # unwinds through run_session's cleanup

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    files = args.files or markdown_files(args.source)
    tests = ctest_names(args.source)
    counts = {"ran": 0, "skipped": 0, "covered": 0, "usage": 0, "fault plans": 0,
              "not commands": 0}
    plan_checks = []
    for rel in files:
        to_run, runnable = [], True
        for block in parse_markdown(args.source, rel):
            marker = block.marker
            if marker:
                m = re.fullmatch(r"skip\s*\((.+)\)", marker)
                c = re.fullmatch(r"covered-by\s+([A-Za-z0-9_.\- ]+?)\s*(\(.+\))?", marker)
                u = re.fullmatch(r"usage\s+(\S+)", marker)
                fp = re.fullmatch(r"fault-(plan|rules)", marker)
                cb = re.fullmatch(r"compiled-by\s+([A-Za-z0-9_.+-]+)\s*(\(.+\))?", marker)
                if m and m.group(1).strip():
                    print(f"skip {block.where}: {m.group(1).strip()}")
                    counts["skipped"] += 1
                elif c:
                    missing = [n for n in c.group(1).split() if n not in tests]
                    if missing:
                        fail(block.where, f"covered-by {' '.join(missing)}: no such ctest "
                                          "(add_test(NAME ...) in a CMakeLists.txt)")
                    else:
                        print(f"cov  {block.where}: run by ctest {c.group(1)}")
                        counts["covered"] += 1
                elif u:
                    check_usage(block, u.group(1), args.bin_dir)
                    counts["usage"] += 1
                elif cb:
                    if cb.group(1) in cmake_targets(args.source):
                        print(f"cov  {block.where}: built by target {cb.group(1)}")
                        counts["covered"] += 1
                    else:
                        fail(block.where, f"compiled-by {cb.group(1)}: no such target "
                                          "(add_executable/add_library in a CMakeLists.txt)")
                elif fp and block.lang == "json":
                    plan_checks.append((block, fp.group(1)))
                    counts["fault plans"] += 1
                else:
                    fail(f"{block.path}:{block.marker_line}",
                         f"unknown doc-test marker `{marker}` for a ```{block.lang} block "
                         "(skip (REASON), covered-by CTEST, compiled-by TARGET, usage PROGRAM, "
                         "and for ```json "
                         "fault-plan or fault-rules)")
            elif block.lang in COMMAND_LANGS:
                runnable = check_loopback(block) and runnable
                to_run.append(block)
            elif block.lang in NON_COMMAND_LANGS:
                counts["not commands"] += 1
            elif not block.lang:
                fail(block.where, "code block without a language: say what it is (```sh, "
                                  "```text, ...), and mark it if it is a command not run")
            else:
                fail(block.where, f"```{block.lang}: unknown language; add it to "
                                  "COMMAND_LANGS or NON_COMMAND_LANGS in tests/docs/"
                                  "doc_snippets.py")
        if to_run and runnable and run_session(rel, to_run, args):
            counts["ran"] += len(to_run)
    if plan_checks:
        check_fault_plans(plan_checks, args)
    print("doc blocks: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    if failures:
        print(f"{len(failures)} failure(s):")
        for line in failures:
            print(f"  {line}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
