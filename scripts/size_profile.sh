#!/usr/bin/env bash
# Where the release wasm's bytes go, by area (engine, each lab, Yew and the
# views, serde, text...): builds a names-kept copy of the release wasm in
# its own target dir (the shipped build is untouched), runs twiggy on it and
# prints scripts/size_profile.py's table, scaled to the shipped gzip size.
# Not part of the test command (it needs twiggy: `cargo install twiggy
# --locked`, version 0.8.0); SIZE_PROFILE_FEATURES=sagaslab profiles a build
# with those cargo features. ARCHITECTURE.md's size table comes from it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/env.sh
out="${SIZE_PROFILE_DIR:-/tmp/faultline-size-profile}"
mkdir -p "$out"
command -v twiggy >/dev/null || { echo "size_profile: install twiggy first (cargo install twiggy --locked)" >&2; exit 1; }
CARGO_TARGET_DIR="$out/target" CARGO_PROFILE_RELEASE_STRIP=none CARGO_PROFILE_RELEASE_DEBUG=false \
  RUSTFLAGS="-C symbol-mangling-version=v0" \
  cargo build --release --target wasm32-unknown-unknown -p faultline ${SIZE_PROFILE_FEATURES:+--features "$SIZE_PROFILE_FEATURES"}
wasm-bindgen --target web --keep-debug --out-dir "$out/bg" "$out/target/wasm32-unknown-unknown/release/faultline.wasm"
wasm-opt -Oz --debuginfo "$out/bg/faultline_bg.wasm" -o "$out/named.wasm"
wasm-opt -Oz --strip-debug --strip-producers "$out/bg/faultline_bg.wasm" -o "$out/stripped.wasm"
twiggy top --format csv "$out/named.wasm" > "$out/all.csv"
python3 scripts/size_profile.py "$out/all.csv" --final "$out/stripped.wasm" "$@"
