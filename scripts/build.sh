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

set -x
exec trunk build --release "$@"
