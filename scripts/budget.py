#!/usr/bin/env python3
"""Size budget for the release build, page by page.

Each page's first load is what it fetches before the learner acts: its
HTML, JS, wasm and CSS, gzipped (level 9). The landing page (dist's
index.html: no wasm, its stylesheet inline) must stay within LANDING_KB;
each lab page (dist/<lab>/: its index.html and the files beside it) within
PAGE_KB. A lab page's helper workers (named on its <html data-helper>
and data-explorer: scripts/helper.sh) are fetched only when the learner
first uses what they do (a QR code, a token card, a comparison; the
explorer), so they are reported apart, not in the first load. Prints every file, each page's total and where its bytes go, and
fails if any page is over its budget.

usage: python3 scripts/budget.py [DIST_DIR]
       (env LANDING_KB, default 20; PAGE_KB, default 300)
"""

import gzip
import os
import re
import sys
from pathlib import Path

KINDS = (".html", ".js", ".wasm", ".css")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def page_files(folder: Path, recursive: bool) -> list[Path]:
    found = folder.rglob("*") if recursive else folder.glob("*")
    return sorted(p for p in found if p.is_file() and p.suffix in KINDS)


HELPERS = ("helper", "explorer")


def helper_files(folder: Path, kind: str) -> list[Path]:
    """The page's helper worker `kind` (named on its <html data-<kind>>):
    its script and wasm (not first load)."""
    m = re.search(rf'<html[^>]*\sdata-{kind}="([^"]+)\.js"', (folder / "index.html").read_text())
    if not m:
        return []
    return [folder / f"{m.group(1)}.js", folder / f"{m.group(1)}.wasm"]


def report_helper(kind: str, name: str, files: list[Path]) -> None:
    total = sum(gz(p.read_bytes()) for p in files if p.is_file())
    raw = sum(p.stat().st_size for p in files if p.is_file())
    print(f"FIGURE: {kind} {name}: {total / 1024:.1f} KB gzipped ({raw / 1024:.1f} KB raw), fetched on first use, not in the first load")


def report(name: str, files: list[Path], dist: Path, budget_kb: float) -> bool:
    total_raw = total_gz = 0
    by_kind: dict[str, int] = {}
    print(f"\n{name}  (budget {budget_kb:g} KB gzipped)")
    print(f"  {'file':<46} {'raw KB':>9} {'gzip KB':>9}")
    for p in files:
        data = p.read_bytes()
        g = gz(data)
        total_raw += len(data)
        total_gz += g
        by_kind[p.suffix] = by_kind.get(p.suffix, 0) + g
        print(f"  {str(p.relative_to(dist)):<46} {len(data) / 1024:>9.1f} {g / 1024:>9.1f}")
    print(f"  {'TOTAL':<46} {total_raw / 1024:>9.1f} {total_gz / 1024:>9.1f}")
    shares = ", ".join(f"{k[1:]} {v / 1024:.1f} KB ({100 * v / total_gz:.0f}%)" for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1]))
    print(f"  where the bytes go: {shares}")
    ok = total_gz / 1024 <= budget_kb
    verdict = "OK" if ok else "FAIL"
    print(f"FIGURE: page {name}: {total_gz / 1024:.1f} KB gzipped first load ({verdict}, budget {budget_kb:g} KB)")
    return ok


def main() -> int:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    landing_kb = float(os.environ.get("LANDING_KB", "20"))
    page_kb = float(os.environ.get("PAGE_KB", "300"))
    if not (dist / "index.html").is_file():
        print(f"budget: {dist}/index.html is missing (build first: bash scripts/build.sh)", file=sys.stderr)
        return 1
    labs = sorted(d for d in dist.iterdir() if d.is_dir() and (d / "index.html").is_file())
    ok = True
    if labs:
        ok &= report("landing (index.html)", [dist / "index.html"], dist, landing_kb)
        for d in labs:
            helpers = {kind: helper_files(d, kind) for kind in HELPERS}
            apart = [p for files in helpers.values() for p in files]
            first = [p for p in page_files(d, recursive=True) if p not in apart]
            ok &= report(f"{d.name}/", first, dist, page_kb)
            for kind, files in helpers.items():
                if files:
                    report_helper(kind, f"{d.name}/", files)
    else:
        # A single-page build (the E2E hooks build): one page.
        ok &= report("index.html", page_files(dist, recursive=False), dist, page_kb)
    if not ok:
        print("budget: FAIL: a page is over its budget", file=sys.stderr)
        return 1
    print(f"\nbudget: OK: landing <= {landing_kb:g} KB, each lab page <= {page_kb:g} KB gzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
