#!/usr/bin/env bash
# The lab page's helper worker (crates/faultline-helper) for one lab: built
# with that lab alone (as its page is), bound with wasm-bindgen's
# no-modules glue (a classic worker script), shrunk with wasm-opt, named by
# its content hash (so no cache ever serves an old one with a new page; the
# service worker's list, written after, includes it) and put beside the
# page, whose <html> gets data-helper="<script>" (src/helper.rs reads it).
# Not in the page's first load: the page starts the worker on first use.
#
#   bash scripts/helper.sh <lab> <the lab page's built folder>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh

lab="$1"
page="$2"
# Its own profile: the explorer's search runs here, so the engine is built
# for speed (Cargo.toml, [profile.helper]), not for size as on the page.
cargo build --profile helper --quiet --target wasm32-unknown-unknown -p faultline-helper \
  --no-default-features --features "${lab}lab"
tmp="target/helper-build/$lab"
rm -rf "$tmp"
mkdir -p "$tmp"
wasm-bindgen --target no-modules --no-typescript --out-dir "$tmp" --out-name helper \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/helper/faultline_helper.wasm"
wasm-opt -O3 --strip-debug --strip-producers "$tmp/helper_bg.wasm" -o "$tmp/helper.wasm"
python3 - "$tmp" "$page" <<'PY'
import hashlib, pathlib, re, sys
tmp, page = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
wasm = (tmp / "helper.wasm").read_bytes()
glue = (tmp / "helper.js").read_text()
tag = hashlib.sha256(wasm + glue.encode()).hexdigest()[:16]
name = f"helper-{tag}"
(page / f"{name}.wasm").write_bytes(wasm)
# The glue defines `wasm_bindgen`; starting it runs the crate's start
# function, which sets the listener that answers the page. The page's
# first request arrives while the wasm is still loading: it is kept and
# handed to that listener once it is set. A wasm that cannot load is
# thrown as an uncaught error, which the page sees as the worker's
# `error` event. The wasm's URL is relative to the worker script.
start = (
    "var early = [];\n"
    "self.onmessage = function (e) { early.push(e); };\n"
    f'wasm_bindgen({{ module_or_path: "{name}.wasm" }}).then(function () {{\n'
    "  early.forEach(function (e) { self.onmessage(e); });\n"
    "}, function (e) { setTimeout(function () { throw e; }); });\n"
)
(page / f"{name}.js").write_text(glue + "\n" + start)
html = page / "index.html"
text = html.read_text()
text = re.sub(r' data-helper="[^"]*"', "", text)
text, n = re.subn(r"<html([^>]*)>", lambda m: f'<html{m.group(1)} data-helper="{name}.js">', text, count=1)
if n != 1:
    sys.exit(f"helper: no <html> tag in {html}")
html.write_text(text)
print(f"helper: {page}/{name}.js + .wasm ({len(wasm) / 1024:.1f} KB, loaded on first use)")
PY
