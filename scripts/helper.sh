#!/usr/bin/env bash
# The lab page's helper workers (crates/faultline-helper) for one lab, each
# built with that lab alone (as its page is), bound with wasm-bindgen's
# no-modules glue (a classic worker script), shrunk with wasm-opt, named by
# its content hash (so no cache ever serves an old one with a new page; the
# service worker's list, written after, includes them) and put beside the
# page, whose <html> names them (src/helper.rs reads them):
#   data-helper="helper-<hash>.js"      the quick helper: QR codes, run
#       files, a comparison's summary, token cards; built for size (the
#       release profile, wasm-opt -Oz), without the explorer;
#   data-explorer="explorer-<hash>.js"  the explorer's: searches and random
#       runs, built for speed (the `helper` profile, wasm-opt -O3).
# Neither is in the page's first load: the page starts each on first use.
#
#   bash scripts/helper.sh <lab> <the lab page's built folder>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/env.sh

lab="$1"
page="$2"

# bind <name> <cargo profile> <features> <wasm-opt level>
bind() {
  local name="$1" profile="$2" features="$3" level="$4"
  cargo build --profile "$profile" --quiet --target wasm32-unknown-unknown -p faultline-helper \
    --no-default-features --features "$features"
  local tmp="target/helper-build/$lab-$name"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  wasm-bindgen --target no-modules --no-typescript --out-dir "$tmp" --out-name helper \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/faultline_helper.wasm"
  wasm-opt "$level" --strip-debug --strip-producers "$tmp/helper_bg.wasm" -o "$tmp/helper.wasm"
  python3 - "$tmp" "$page" "$name" <<'PY'
import hashlib, pathlib, re, sys
tmp, page, kind = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
wasm = (tmp / "helper.wasm").read_bytes()
glue = (tmp / "helper.js").read_text()
tag = hashlib.sha256(wasm + glue.encode()).hexdigest()[:16]
name = f"{kind}-{tag}"
(page / f"{name}.wasm").write_bytes(wasm)
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
text = re.sub(rf' data-{kind}="[^"]*"', "", text)
text, n = re.subn(r"<html([^>]*)>", lambda m: f'<html{m.group(1)} data-{kind}="{name}.js">', text, count=1)
if n != 1:
    sys.exit(f"helper: no <html> tag in {html}")
html.write_text(text)
print(f"{kind}: {page}/{name}.js + .wasm ({len(wasm) / 1024:.1f} KB, loaded on first use)")
PY
}

bind helper release "${lab}lab" -Oz
bind explorer helper "${lab}lab,explore" -O3
