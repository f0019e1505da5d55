#!/usr/bin/env python3
"""Size budget for the release build.

Prints the raw and gzipped (level 9) size of every .html/.js/.wasm/.css file
in dist/ and fails if the gzipped total exceeds the budget.

usage: python3 scripts/budget.py [DIST_DIR]    (env BUDGET_KB, default 300)

The default is the budget of the whole build with every lab (issues 9 and
10: 300 KB). It was 230 KB while Payments was the only shipped lab.
"""

import gzip
import os
import sys
from pathlib import Path

KINDS = (".html", ".js", ".wasm", ".css")


def main() -> int:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    budget_kb = float(os.environ.get("BUDGET_KB", "300"))
    files = sorted(p for p in dist.rglob("*") if p.is_file() and p.suffix in KINDS)
    if not files:
        print(f"budget: no {'/'.join(KINDS)} files in {dist}/ (build first)", file=sys.stderr)
        return 1
    total_raw = total_gz = 0
    print(f"{'file':<48} {'raw KB':>9} {'gzip KB':>9}")
    for p in files:
        data = p.read_bytes()
        gz = len(gzip.compress(data, compresslevel=9, mtime=0))
        total_raw += len(data)
        total_gz += gz
        print(f"{str(p.relative_to(dist)):<48} {len(data) / 1024:>9.1f} {gz / 1024:>9.1f}")
    print(f"{'TOTAL':<48} {total_raw / 1024:>9.1f} {total_gz / 1024:>9.1f}")
    if total_gz / 1024 > budget_kb:
        print(f"budget: FAIL: {total_gz / 1024:.1f} KB gzipped > {budget_kb:g} KB", file=sys.stderr)
        return 1
    print(f"budget: OK: {total_gz / 1024:.1f} KB gzipped <= {budget_kb:g} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
