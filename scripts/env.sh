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
# The release wasm is built with this nightly when scripts/setup could install it (with
# rust-src): std is rebuilt at the release profile's opt-level "z" and every panic becomes a
# bare trap (no message formatting, no location strings), 20 KB gzip less. Without it the
# build uses stable and is only bigger. ARCHITECTURE.md, "The small wasm".
SYNACK_NIGHTLY="nightly-2026-05-20"

# nightly_ready: true when the pinned nightly and its rust-src are installed.
nightly_ready() {
  local sysroot
  sysroot="$(rustup run "$SYNACK_NIGHTLY" rustc --print sysroot 2>/dev/null)" || return 1
  [ -f "$sysroot/lib/rustlib/src/rust/library/Cargo.lock" ]
}

# The environment cargo needs for the small wasm: std built from source, panics as traps. Only
# the wasm target gets the flags (build scripts and proc macros are built as usual).
SYNACK_SMALL_WASM_ENV=(
  "RUSTUP_TOOLCHAIN=$SYNACK_NIGHTLY"
  "CARGO_UNSTABLE_BUILD_STD=std,panic_abort"
  "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=-Zunstable-options -Cpanic=immediate-abort"
)

# wasm_toolchain: sets SYNACK_WASM_ENV (VAR=value words for `env`, empty for stable) and
# SYNACK_WASM_TOOLCHAIN (what builds the wasm, for the log).
wasm_toolchain() {
  if nightly_ready; then
    SYNACK_WASM_ENV=("${SYNACK_SMALL_WASM_ENV[@]}")
    SYNACK_WASM_TOOLCHAIN="$SYNACK_NIGHTLY (std rebuilt, panic=immediate-abort)"
  else
    SYNACK_WASM_ENV=()
    SYNACK_WASM_TOOLCHAIN="stable (no $SYNACK_NIGHTLY with rust-src: the wasm is about 20 KB gzip bigger)"
  fi
}

# trunk_wasm ARGS...: Trunk with the wasm toolchain (`trunk_wasm build --release`).
trunk_wasm() {
  wasm_toolchain
  note "wasm toolchain: $SYNACK_WASM_TOOLCHAIN"
  env "${SYNACK_WASM_ENV[@]}" trunk "$@"
}

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
