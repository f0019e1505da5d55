#!/usr/bin/env python3
"""Make a built dist/ work offline after a first visit: copy the web app
manifest and its icons beside the landing page, then write dist/sw.js from
static/sw.js with the list of every file of the merged build (each page's
folder as well as its index.html, as a browser asks for it) and a version
that is a hash of their contents. Run after every page is in place
(scripts/build.sh), so the list is the whole build, not one page's.

usage: python3 scripts/offline.py DIST_DIR
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("manifest.webmanifest", "icon-192.png", "icon-512.png")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    dist = Path(sys.argv[1])
    for name in COPIED:
        shutil.copyfile(ROOT / "static" / name, dist / name)
    files = sorted(p for p in dist.rglob("*") if p.is_file() and p.name != "sw.js")
    digest = hashlib.sha256()
    urls = []
    for p in files:
        rel = p.relative_to(dist).as_posix()
        digest.update(rel.encode() + b"\0" + p.read_bytes())
        urls.append(f"./{rel}")
        if p.name == "index.html":
            urls.append("./" + rel[: -len("index.html")])
    version = digest.hexdigest()[:16]
    template = (ROOT / "static" / "sw.js").read_text(encoding="utf-8")
    for needed in ("'__VERSION__'", "__FILES__"):
        if template.count(needed) != 1:
            print(f"offline: static/sw.js should hold {needed} once", file=sys.stderr)
            return 1
    sw = template.replace("'__VERSION__'", json.dumps(version)).replace("__FILES__", json.dumps(urls, indent=2))
    (dist / "sw.js").write_text(sw, encoding="utf-8")
    size = sum(p.stat().st_size for p in files)
    print(f"offline: {dist}/sw.js, version {version}: {len(urls)} URLs, {len(files)} files, {size / 1024:.1f} KB to cache")
    return 0


if __name__ == "__main__":
    sys.exit(main())
