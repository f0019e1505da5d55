#!/usr/bin/env python3
"""Trunk post_build hook (release builds only): give the wasm's imports and
wasm-bindgen's closure exports short names, in the wasm and its JS glue.

wasm-bindgen names every import after the JS function it calls plus a
16-digit hash (`__wbg_addEventListener_f2d27251d333a631`) and every closure
shim after a hash too; each name is written twice (the wasm's import or
export section and the glue's object of imports or its calls). Those ~150
hashes are random text that gzip cannot shrink: 5 KB of the gzipped
build. This hook renames them `a`, `b`, … `ba`, … (and the import module
`./faultline_bg.js`, written 150 times, `w`) in both files at once, which
changes nothing the browser runs. Exports a page or test calls by
name (`memory`, `faultlineDigests`, …) keep their names: only the closure
shims (`wasm_bindgen__convert__closures…`) and wasm-bindgen's own
`__wbindgen_…` and `__externref_…` exports, which only the glue calls, are
renamed.

It runs after scripts/minify_js.py (the glue is already minified) and
rewrites the `integrity="sha384-…"` of any element of the staged
index.html that names either file, as that script does.

Fails (non-zero exit) if the glue does not name every renamed import or
export exactly where expected: a build never ships a wasm its glue cannot
instantiate.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import sys
from pathlib import Path

IMPORT_MODULE = b"./faultline_bg.js"
SHORT_MODULE = b"w"
RENAMED_EXPORT = re.compile(rb"^(wasm_bindgen__convert__closures_+invoke__h[0-9a-f]+|__wbindgen_\w+|__externref_\w+)$")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def leb(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def short_name(n: int) -> str:
    """The n-th of a, b, … z, ba, bb, …: valid JS identifiers."""
    s = ""
    while True:
        s = LETTERS[n % 26] + s
        n //= 26
        if not n:
            return s


def names():
    """Short names in order, skipping JS's two-letter keywords."""
    n = 0
    while True:
        s = short_name(n)
        n += 1
        if s not in ("do", "if", "in"):
            yield s


def rewrite_sections(wasm: bytes, fresh) -> tuple[bytes, dict[bytes, str]]:
    """The wasm with renamed imports and closure exports, and the renames."""
    assert wasm[:8] == b"\0asm\x01\0\0\0", "not a wasm module"
    out = bytearray(wasm[:8])
    renames: dict[bytes, str] = {}
    i = 8
    while i < len(wasm):
        sid = wasm[i]
        size, body_at = leb(wasm, i + 1)
        body = wasm[body_at : body_at + size]
        if sid == 2:
            body = rewrite_imports(body, renames, fresh)
        elif sid == 7:
            body = rewrite_exports(body, renames, fresh)
        out += bytes([sid]) + uleb(len(body)) + body
        i = body_at + size
    return bytes(out), renames


def read_name(body: bytes, i: int) -> tuple[bytes, int]:
    """A name (its length, then its bytes) at `i`, and where it ends."""
    n, i = leb(body, i)
    return body[i : i + n], i + n


def skip_limits(body: bytes, i: int) -> int:
    flags, i = leb(body, i)
    _, i = leb(body, i)
    if flags & 1:
        _, i = leb(body, i)
    return i


def rewrite_imports(body: bytes, renames, fresh) -> bytes:
    count, i = leb(body, 0)
    out = bytearray(uleb(count))
    for _ in range(count):
        module, i = read_name(body, i)
        field, i = read_name(body, i)
        kind = body[i]
        start = i
        i += 1
        if kind == 0:  # function: type index
            _, i = leb(body, i)
        elif kind == 1:  # table: reftype, limits
            i = skip_limits(body, i + 1)
        elif kind == 2:  # memory: limits
            i = skip_limits(body, i)
        elif kind == 3:  # global: valtype, mutability
            i += 2
        else:
            raise SystemExit(f"short_names: unknown import kind {kind}")
        if module == IMPORT_MODULE:
            module, new = SHORT_MODULE, renames.setdefault(field, next(fresh)).encode()
        else:
            new = field
        out += uleb(len(module)) + module + uleb(len(new)) + new + body[start:i]
    assert i == len(body), "import section not fully read"
    return bytes(out)


def rewrite_exports(body: bytes, renames, fresh) -> bytes:
    count, i = leb(body, 0)
    out = bytearray(uleb(count))
    for _ in range(count):
        field, i = read_name(body, i)
        start = i
        i += 1
        _, i = leb(body, i)
        new = renames.setdefault(field, next(fresh)).encode() if RENAMED_EXPORT.match(field) else field
        out += uleb(len(new)) + new + body[start:i]
    assert i == len(body), "export section not fully read"
    return bytes(out)


def rewrite_glue(js: str, renames: dict[bytes, str]) -> str:
    key = f'"{IMPORT_MODULE.decode()}":'
    if js.count(key) != 1:
        raise SystemExit(f"short_names: the glue names its import module {js.count(key)} times, not once")
    js = js.replace(key, SHORT_MODULE.decode() + ":")
    for old, new in renames.items():
        token = re.compile(r"(?<![\w$])" + re.escape(old.decode()) + r"(?![\w$])")
        js, n = token.subn(new, js)
        if n == 0:
            raise SystemExit(f"short_names: the glue never names {old.decode()}; not renaming")
    return js


def main() -> int:
    if os.environ.get("TRUNK_PROFILE", "release") != "release":
        print("short_names: debug build, nothing to do")
        return 0
    staging = Path(os.environ.get("TRUNK_STAGING_DIR", "dist"))
    wasms = sorted(staging.glob("*_bg.wasm"))
    if len(wasms) != 1:
        print(f"short_names: expected one *_bg.wasm in {staging}, found {len(wasms)}", file=sys.stderr)
        return 1
    wasm_path = wasms[0]
    js_path = staging / wasm_path.name.replace("_bg.wasm", ".js")
    html_path = staging / "index.html"
    wasm, js, html = wasm_path.read_bytes(), js_path.read_text(encoding="utf-8"), html_path.read_text(encoding="utf-8")
    # Short names must not already be JS property names the glue uses.
    taken = set(re.findall(r"[A-Za-z_$][\w$]*", js))
    fresh = (s for s in names() if s not in taken)
    new_wasm, renames = rewrite_sections(wasm, fresh)
    new_js = rewrite_glue(js, renames)
    for path, before, after in ((wasm_path, wasm, new_wasm), (js_path, js.encode(), new_js.encode())):
        pattern = re.compile(r'(href="[^"]*' + re.escape(path.name) + r'"[^>]*integrity=")' + re.escape(sri(before)) + '"')
        html, _ = pattern.subn(lambda m, a=after: m.group(1) + sri(a) + '"', html)
        path.write_bytes(after)
    html_path.write_text(html, encoding="utf-8")
    print(
        f"short_names: {len(renames)} names shortened; wasm {len(wasm)} -> {len(new_wasm)} bytes, "
        f"glue {len(js)} -> {len(new_js)} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
