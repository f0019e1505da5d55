#!/usr/bin/env bash
# The release build: dist/ from `trunk build --release` (wasm-opt -Oz, CSP
# hashing hook; see Trunk.toml). Used by scripts/test.sh and by the GitHub
# Pages workflow, so both build the same way. Expects the tools from
# scripts/setup.sh; runs offline.
#
#   bash scripts/build.sh                    # dist/ with relative asset URLs (Trunk.toml: public_url = "./")
#   bash scripts/build.sh --public-url /x/   # any extra arguments go to `trunk build`
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh

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

set -x
exec trunk build --release "$@"
