#!/usr/bin/env python3
"""Trunk post_build hook (release builds only): minify the wasm-bindgen JS
glue with terser and keep its Subresource Integrity hash true.

Trunk 0.21.14's own `minify` cannot minify this JS. This hook runs terser
(pinned in e2e/package.json, installed by scripts/setup.sh) on every .js
file in $TRUNK_STAGING_DIR, then rewrites the `integrity="sha384-…"` of any
element in the staged index.html that names that file, so the browser still
accepts it. It runs before scripts/csp_hash.py (see Trunk.toml), which
hashes the inline loader script; that script only names the file, so its
hash does not change.

Fails (non-zero exit) if terser is missing or fails: a release is never
shipped half-minified with a stale integrity hash.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def main() -> int:
    if os.environ.get("TRUNK_PROFILE", "release") != "release":
        print("minify_js: debug build, nothing to do")
        return 0
    staging = Path(os.environ.get("TRUNK_STAGING_DIR", "dist"))
    root = Path(__file__).resolve().parent.parent
    terser = root / "e2e" / "node_modules" / "terser" / "bin" / "terser"
    if not terser.exists():
        print(f"minify_js: {terser} is missing; run scripts/setup.sh", file=sys.stderr)
        return 1
    html_path = staging / "index.html"
    html = html_path.read_text(encoding="utf-8")
    for js in sorted(staging.glob("*.js")):
        before = js.read_bytes()
        subprocess.run(
            ["node", str(terser), str(js), "--module", "--compress", "--mangle", "--output", str(js)],
            check=True,
        )
        after = js.read_bytes()
        pattern = re.compile(
            r'(href="[^"]*' + re.escape(js.name) + r'"[^>]*integrity=")' + re.escape(sri(before)) + '"'
        )
        html, n = pattern.subn(lambda m: m.group(1) + sri(after) + '"', html)
        print(f"minify_js: {js.name} {len(before)} -> {len(after)} bytes; {n} integrity hash(es) updated")
    html_path.write_text(html, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
