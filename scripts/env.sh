# shellcheck shell=bash
# Source me (". scripts/env.sh"): puts the project's tools on PATH.
#   - cargo-installed tools (trunk, wasm-bindgen) in $CARGO_INSTALL_ROOT/bin or ~/.cargo/bin
#   - npm-installed tools (binaryen's wasm-opt) in e2e/node_modules/.bin
FAULTLINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FAULTLINE_CARGO_BIN="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
case ":$PATH:" in *":$FAULTLINE_CARGO_BIN:"*) ;; *) PATH="$FAULTLINE_CARGO_BIN:$PATH" ;; esac
case ":$PATH:" in *":$FAULTLINE_ROOT/e2e/node_modules/.bin:"*) ;; *) PATH="$FAULTLINE_ROOT/e2e/node_modules/.bin:$PATH" ;; esac
export PATH FAULTLINE_ROOT
# One shared target dir for native and wasm builds (trunk calls cargo too).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$FAULTLINE_ROOT/target}"
# Trunk must never try to download tools or check for updates.
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
