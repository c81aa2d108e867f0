# Sourced by the tests here: finds headless Chromium (Debian package `chromium`, which
# tools/bootstrap installs) and runs it bounded, loopback and file:// only.
#   chromium_or_skip           exits 77 (ctest SKIP_RETURN_CODE) with a message when absent
#   headless ARGS...           chromium --headless --no-sandbox --disable-gpu ... within 60 s
chromium_or_skip() {
  CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
  if [ -z "$CHROMIUM" ]; then
    echo "SKIP: chromium is not installed (tools/bootstrap installs the Debian package chromium)"
    exit 77
  fi
}

headless() {
  # A profile of its own, no network beyond the URLs given (loopback or file://).
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-extensions --disable-background-networking --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$work/profile" "$@" 2>>"$work/chromium.log"
}
