#!/usr/bin/env python3
"""Trunk post_build hook: paint first, then fetch the WebAssembly.

Trunk's page asks for the wasm in <head> (`<link rel="preload" as="fetch">`)
and its loader script starts `init()` as soon as the HTML is parsed, so the
~290 KB download competes with the first paint for a slow phone's
bandwidth. The page's text is already in index.html (the static landing
page or lab shell, src/components/shell.rs), so nothing on screen needs the
wasm: this hook drops the preload and has the loader start the download in
the task after the first frame (one requestAnimationFrame, then a task).

Measured with Lighthouse (tools/lighthouse/run.mjs, mobile defaults, median
of 3, 2026-11-26): landing 95 -> 100 and lab link 84 -> 92; the largest
paint, the static title, goes from 2.6 s to 1.0 s in Lighthouse's model,
which counted the preloaded wasm as competing with it.

Runs before scripts/csp_hash.py (the loader's hash changes). Fails if
Trunk's output no longer has what it rewrites, rather than skip silently.

usage: python3 scripts/paint_first.py [index.html]   (else TRUNK_STAGING_DIR)
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from csp_hash import html_path  # noqa: E402

PRELOAD_RE = re.compile(r'<link rel="preload" href="[^"]*_bg\.wasm"[^>]*>')
INIT = "const wasm = await init("
AFTER_PAINT = "await new Promise(r => requestAnimationFrame(() => setTimeout(r))); "


def main() -> int:
    path = html_path("paint_first")
    if path is None:
        return 2
    with open(path, encoding="utf-8", newline="") as f:
        html = f.read()
    if AFTER_PAINT in html:
        print(f"paint_first: {path} already loads the wasm after the first paint")
        return 0
    html, preloads = PRELOAD_RE.subn("", html)
    if preloads != 1 or html.count(INIT) != 1:
        print(f"paint_first: expected one wasm preload and one `{INIT}` in {path}, "
              f"found {preloads} and {html.count(INIT)}", file=sys.stderr)
        return 1
    html = html.replace(INIT, AFTER_PAINT + INIT)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(html)
    print(f"paint_first: {path} fetches the wasm after the first paint")
    return 0


if __name__ == "__main__":
    sys.exit(main())
