# shellcheck shell=bash disable=SC2034
# Shared environment for scripts/setup, scripts/serve and scripts/test. Source it; do not run it.
# It changes only the environment of the script that sources it (nothing persistent).

SYNACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SYNACK_ROOT

# node_modules/.bin first: its wasm-opt (npm binaryen 132) must win over Debian's binaryen 108,
# which cannot read wasm-bindgen 0.2.130 output. Then cargo's bin (trunk, wasm-bindgen).
export PATH="$SYNACK_ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Trunk must never try to download tools (there is no internet here); it uses the ones on PATH.
export TRUNK_SKIP_VERSION_CHECK=true
# Playwright drives Debian's /usr/bin/chromium; it must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# Pinned tool versions.
SYNACK_TRUNK_VERSION="0.22.1"
SYNACK_WASM_OPT_VERSION="132"
SYNACK_CHROMIUM="/usr/bin/chromium"

# banner "text": a visible step header.
if [ -t 1 ]; then SYNACK_BOLD=$'\033[1m' SYNACK_RED=$'\033[1;31m' SYNACK_GREEN=$'\033[1;32m' SYNACK_OFF=$'\033[0m'
else SYNACK_BOLD='' SYNACK_RED='' SYNACK_GREEN='' SYNACK_OFF=''; fi
banner() {
  printf '\n%s==> %s%s\n' "$SYNACK_BOLD" "$*" "$SYNACK_OFF"
}

# note "text": one line of progress.
note() {
  printf '    %s\n' "$*"
}

# die "text": a clear error and exit 1.
die() {
  printf '%serror:%s %s\n' "$SYNACK_RED" "$SYNACK_OFF" "$*" >&2
  exit 1
}

# The exact wasm-bindgen version that Cargo.lock pins (empty when there is no lock or no entry).
lock_wasm_bindgen_version() {
  [ -f "$SYNACK_ROOT/Cargo.lock" ] || return 0
  awk '
    /^\[\[package\]\]/ { inpkg = 0 }
    /^name = "wasm-bindgen"$/ { inpkg = 1 }
    inpkg && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' "$SYNACK_ROOT/Cargo.lock"
}
