#!/usr/bin/env bash
# The release build of every page into dist/: the landing page (static
# HTML, no wasm: scripts/landing.py) and one page per lab
# (pages/<lab>/index.html, each built by `trunk build --release` with its
# lab alone, into dist/<lab>/, with its helper worker: scripts/helper.sh).
# Used by scripts/test.sh, scripts/serve.sh
# and the GitHub Pages workflow, so all build the same way. Expects the
# tools from scripts/setup.sh; runs offline.
#
#   bash scripts/build.sh                     # dist/ (relative asset URLs: works from any sub-path)
#   bash scripts/build.sh --dist DIR          # another folder
#   bash scripts/build.sh --hooks --dist DIR  # the E2E test build: one page with every lab and the
#                                             # golden-digests hook (FAULTLINE_E2E_HOOKS=1), at DIR/
#   bash scripts/build.sh --only payments     # one lab's page (and the landing page)
# Any other argument goes to every `trunk build`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh

dist="dist"
hooks=0
only=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist="$2"; shift 2 ;;
    --dist=*) dist="${1#--dist=}"; shift ;;
    --hooks) hooks=1; shift ;;
    --only) only="$2"; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done

# Panic locations name their source files: write dependencies' paths
# relative to the registry ("yew-0.23.0/src/...", not
# "/home/.../.cargo/registry/src/index.crates.io-<hash>/yew-0.23.0/src/...").
# Shorter text in the wasm, and the same on every machine.
if [ -z "${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:-}" ]; then
  remap=""
  for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
    [ -d "$d" ] && remap="$remap --remap-path-prefix=$d="
  done
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${remap# }"
fi

# Trunk empties its --dist folder before moving files in: each page is
# built into a folder of its own, then moved into place.
staging="target/pages-build"
rm -rf "$staging" "$dist"
mkdir -p "$staging" "$dist"

if [ "$hooks" = 1 ]; then
  # One page with every lab (the crate's default features) and the test
  # hook: the golden digests of every preset, in one page load. The same
  # simulation code as each lab page; its folder sits two levels down, as
  # the pages do, so the page's relative links hold.
  first="$(find pages -mindepth 2 -maxdepth 2 -name index.html | sort | head -n 1)"
  mkdir -p target/e2e-hooks-page
  sed -e 's/ data-cargo-no-default-features//' -e 's/ data-cargo-features="[a-z0-9,]*"//' \
    "$first" >target/e2e-hooks-page/index.html
  export FAULTLINE_E2E_HOOKS=1
  set -x
  trunk build --release true target/e2e-hooks-page/index.html --dist "$staging/all" "${extra[@]}"
  { set +x; } 2>/dev/null
  rm -rf "$dist" && mv "$staging/all" "$dist"
  exit 0
fi

for page in pages/*/index.html; do
  lab="$(basename "$(dirname "$page")")"
  if [ -n "$only" ] && [ "$lab" != "$only" ]; then continue; fi
  set -x
  trunk build --release true "$page" --dist "$staging/$lab" "${extra[@]}"
  { set +x; } 2>/dev/null
  bash scripts/helper.sh "$lab" "$staging/$lab"
  mv "$staging/$lab" "$dist/$lab"
done
python3 scripts/landing.py "$dist"
python3 scripts/offline.py "$dist"
