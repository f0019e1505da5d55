#!/usr/bin/env python3
"""Draw the installable app's PNG icons from the favicon's shapes (a dark
rounded square and an orange zigzag, static/favicon.svg), with no imaging
library: each pixel is sampled 4x4 and written as an RGBA PNG with zlib.
The output is committed (static/icon-192.png, static/icon-512.png); run
this again only if the favicon changes.

usage: python3 scripts/icons.py
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BG = (0x1B, 0x23, 0x30)
LINE = (0xFF, 0x6B, 0x3D)
# In the favicon's 32-unit box: corner radius 6, the zigzag 3 units wide.
POINTS = [(4, 19), (11, 14), (15, 21), (20, 8), (24, 17), (28, 13)]


def in_rounded_square(x: float, y: float, r: float = 6.0, n: float = 32.0) -> bool:
    cx = min(max(x, r), n - r)
    cy = min(max(y, r), n - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def near_line(x: float, y: float, half: float = 1.5) -> bool:
    for (ax, ay), (bx, by) in zip(POINTS, POINTS[1:]):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        if math.hypot(x - (ax + t * dx), y - (ay + t * dy)) <= half:
            return True
    return False


def png(size: int) -> bytes:
    rows = bytearray()
    s = 4  # samples per pixel side
    for py in range(size):
        rows.append(0)  # no filter
        for px in range(size):
            bg = line = 0
            for sy in range(s):
                for sx in range(s):
                    x = (px + (sx + 0.5) / s) * 32 / size
                    y = (py + (sy + 0.5) / s) * 32 / size
                    if in_rounded_square(x, y):
                        if near_line(x, y):
                            line += 1
                        else:
                            bg += 1
            n = s * s
            alpha = (bg + line) / n
            if alpha == 0:
                rows += b"\0\0\0\0"
                continue
            mix = line / (bg + line)
            rgb = [round(b + (l - b) * mix) for b, l in zip(BG, LINE)]
            rows += bytes(rgb + [round(alpha * 255)])

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    head = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


def main() -> None:
    for size in (192, 512):
        out = ROOT / "static" / f"icon-{size}.png"
        out.write_bytes(png(size))
        print(f"icons: {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
