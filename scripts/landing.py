#!/usr/bin/env python3
"""Write the landing page into a built dist/: the root index.html (written
by `FAULTLINE_BLESS=1 cargo test -p faultline static_pages`; no wasm, each
lab card a link to its page) with its stylesheet inlined and minified (one
request, nothing to hash-name), its comments dropped, and the CSP hashes of
its inline script and stylesheet written in place of the placeholders. The
favicons go beside it.

usage: python3 scripts/landing.py DIST_DIR
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from csp_hash import csp_hash, inline_script_texts  # noqa: E402
from minify_static import minify, strip_comments  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STYLE_LINK = '<link rel="stylesheet" href="static/style.css">'
ICON_LINK = 'href="static/favicon.svg"'


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    dist = Path(sys.argv[1])
    html = (ROOT / "index.html").read_text(encoding="utf-8")
    for needed in (STYLE_LINK, ICON_LINK, "'sha256-INLINE-SCRIPT-HASHES'", "'sha256-INLINE-STYLE-HASHES'"):
        if html.count(needed) != 1:
            print(f"landing: index.html should hold {needed} once", file=sys.stderr)
            return 1
    css = minify((ROOT / "static" / "style.css").read_text(encoding="utf-8"))
    if "</style" in css:
        print("landing: the stylesheet cannot be inlined (it holds </style)", file=sys.stderr)
        return 1
    html = html.replace(STYLE_LINK, f"<style>{css}</style>")
    html = html.replace(ICON_LINK, 'href="favicon.svg"')
    html = strip_comments(html)
    scripts = " ".join(dict.fromkeys(csp_hash(t) for t in inline_script_texts(html)))
    styles = " ".join(
        dict.fromkeys(csp_hash(t) for t in re.findall(r"<style>(.*?)</style>", html, flags=re.S))
    )
    html = html.replace("'sha256-INLINE-SCRIPT-HASHES'", scripts)
    html = html.replace("'sha256-INLINE-STYLE-HASHES'", styles)
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "index.html").write_text(html, encoding="utf-8")
    for icon in ("favicon.svg", "favicon.ico"):
        shutil.copyfile(ROOT / "static" / icon, dist / icon)
    print(f"landing: {dist}/index.html ({len(html)} bytes, stylesheet inlined; CSP {scripts} / {styles})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
