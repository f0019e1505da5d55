#!/usr/bin/env python3
"""Size profile of the release wasm by crate/area, from twiggy's output.

Input: `twiggy top --format csv X.wasm` output (a file or "-"), twiggy's text
table, or a names-kept .wasm (then twiggy is run here). Sizes are raw
(uncompressed) bytes of the names-kept build; sections that never ship
(names, DWARF, producers) are listed but left out of the shares.

  twiggy top --format csv named.wasm > all.csv
  python3 scripts/size_profile.py all.csv --final dist/x_bg.wasm -n 25

--final gives the shipped (-Oz, stripped) wasm: its raw and gzip -9 sizes
are printed and each area's share is scaled to an estimated gzip size (an
estimate: data compresses better than code). Works with legacy and v0
symbol mangling; with v0 (RUSTFLAGS="-C symbol-mangling-version=v0") the
monomorphised Yew `CompStateInner::view` functions are also broken down by
the app component they render.
"""
import argparse
import csv
import gzip
import io
import re
import subprocess
import sys
from collections import defaultdict

STD = ("core", "alloc", "std")
PRIMS = {"str", "bool", "char", "f32", "f64", "u8", "u16", "u32", "u64", "u128",
         "usize", "i8", "i16", "i32", "i64", "i128", "isize", "!", "()"}

# Area order in the table; the first matching rule (see area()) wins.
AREAS = [
    "faultline_sim::engine",
    "faultline_sim::labs::payments",
    "faultline_sim::labs::oauth",
    "faultline_sim::labs::sagas",
    "faultline_sim::labs::toy",
    "faultline_sim::jose",
    "faultline_sim (other)",
    "faultline (app)",
    "yew: CompStateInner::view (app views, monomorphised)",
    "yew (other)",
    "serde / serde_core",
    "serde_json",
    "core",
    "alloc",
    "std / dlmalloc",
    "wasm-bindgen / js-sys / web-sys",
    "gloo / implicit-clone / other web",
    "rand_chacha / rand_core",
    "base64",
    "crypto (p256, ecdsa, elliptic-curve, sha2, hmac...)",
    "other crates",
    "data segments",
    "unnamed code",
    "wasm structure (types, imports, exports, tables)",
]
NON_SHIPPING = "names / DWARF / producers (not shipped)"

# Cross-cutting items (overlap the areas): regex over the demangled name.
TRACE = r"faultline_sim::(?:trace|scenario|fault)::(?:Run|Step|Flight|Scenario|Fault)\b"
SERDE_TRAIT = r"serde(?:_core)?::(?:ser::Serialize|de::Deserialize)"
FOCUS = [
    # legacy names say "<impl Trait for Type>", v0 names say "<Type as Trait>"
    ("anything over serde_json::Value (Value ser/de, maps)", r"serde_json::value"),
    ("  Value as Deserializer (from_value)", r"serde_json::value::de|::<serde_json::value::Value>$"),
    ("  Value Serializer (to_value, json!)", r"serde_json::value::ser|value::to_value"),
    ("core::fmt (formatting machinery, Display/Debug impls)", r"core::fmt::"),
    ("derived serde impls of faultline types",
     r"<impl " + SERDE_TRAIT + r" for faultline|<+faultline(?:_sim)?::[\w:]+ as " + SERDE_TRAIT + r">"),
    ("  ... of Run/Step/Flight/Scenario/Fault",
     r"<impl " + SERDE_TRAIT + r" for " + TRACE + r"|<+" + TRACE + r" as " + SERDE_TRAIT + r">"),
    ("serde_json deserializer over StrRead (from_str)", r"StrRead|de::Deserializer<R>"),
    ("LabInfo builders (Lab::info/build, lab::*)", r"as faultline_sim::lab::Lab>::(?:info|build)|faultline_sim::lab::"),
    ("presets / palette (labs::payments::presets)", r"labs::payments::presets"),
    ("permalink / base64", r"permalink|base64::"),
    ("yew CompStateInner::view (app views)", r"Stateful>::view"),
    ("app FunctionProvider::run (hooks, callbacks)", r"as yew::functional::FunctionProvider>::run"),
    ("drop glue (core::ptr::drop_in_place)", r"core::ptr::drop_in_place"),
    ("core::slice::sort", r"core::slice::sort"),
    ("BTreeMap/BTreeSet code", r"alloc::collections::btree"),
    ("dlmalloc", r"dlmalloc"),
    ("float parse/print (dec2flt, zmij, ryu)", r"dec2flt|flt2dec|f64 as core::str::traits::FromStr|zmij::|ryu::"),
]


def clean(name):
    name = re.sub(r"::h[0-9a-f]{16}$", "", name)           # legacy hash
    name = re.sub(r"\[[0-9a-f]{8,16}\]", "", name)          # v0 crate disambiguator
    return name


def split_qualified(name):
    """'<X as Y>::rest' -> (X, Y); None if not of that shape."""
    if not name.startswith("<"):
        return None
    s = name.replace("->", "\u2192")
    depth = 0
    as_pos = None
    for i, c in enumerate(s):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
            if depth == 0:
                inner = s[1:i]
                if as_pos is None:
                    return (inner, None)
                return (s[1:as_pos], s[as_pos + 4:i])
        elif depth == 1 and s.startswith(" as ", i) and as_pos is None:
            as_pos = i
    return None


def crate_of(path):
    path = path.lstrip("&*").strip()
    for p in ("mut ", "const ", "dyn "):
        if path.startswith(p):
            path = path[len(p):]
    if path.startswith("<"):
        q = split_qualified(path)
        if q:
            return owner(q)
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", path)
    if not m:
        return "core"                                       # [T], (A, B), fn(...)
    head = m.group(1)
    return "core" if head in PRIMS or "::" not in path else head


def owner(q):
    self_ty, trait = q
    c = crate_of(self_ty)
    if trait is None:
        return c
    t = crate_of(trait)
    if c in STD and t not in STD:
        return t                                            # <Vec<T> as serde::Serialize>
    return c


def module_path(name):
    """Path the item is defined under (self type's path for <X as Y>)."""
    q = split_qualified(name)
    if q:
        self_ty, trait = q
        c = crate_of(self_ty)
        if trait and c in STD and crate_of(trait) not in STD:
            return trait
        return self_ty.lstrip("&*")
    return name


def area(raw):
    n = clean(raw)
    if n == '"function names" subsection' or n.startswith("custom section") \
            or n in ("producers", "target_features") or "names\" subsection" in n:
        return NON_SHIPPING
    if n.startswith("data segment") or re.match(r"data\[\d+\]", n):
        return "data segments"
    if re.match(r"code\[\d+\]$", n):
        return "unnamed code"
    if re.match(r"(type|import|export|table|elem|global|memory|func|start)\b", n) \
            or n.startswith("wasm magic") or n.startswith("section headers"):
        return "wasm structure (types, imports, exports, tables)"
    if re.search(r"CompStateInner<.*>.* as yew::html::component::lifecycle::Stateful>::view$", n):
        return "yew: CompStateInner::view (app views, monomorphised)"
    q = split_qualified(n)
    crate = owner(q) if q else crate_of(n)
    path = module_path(n)
    if crate == "faultline_sim":
        for sub in ("engine", "labs::payments", "labs::oauth", "labs::sagas", "labs::toy", "jose"):
            if path.startswith("faultline_sim::" + sub):
                return "faultline_sim::" + sub
        return "faultline_sim (other)"
    table = {
        "faultline": "faultline (app)", "yew": "yew (other)",
        "serde": "serde / serde_core", "serde_core": "serde / serde_core",
        "serde_json": "serde_json", "core": "core", "alloc": "alloc",
        "std": "std / dlmalloc", "dlmalloc": "std / dlmalloc",
        "wasm_bindgen": "wasm-bindgen / js-sys / web-sys", "js_sys": "wasm-bindgen / js-sys / web-sys",
        "web_sys": "wasm-bindgen / js-sys / web-sys",
        "wasm_bindgen_futures": "wasm-bindgen / js-sys / web-sys",
        "rand_chacha": "rand_chacha / rand_core", "rand_core": "rand_chacha / rand_core",
        "ppv_lite86": "rand_chacha / rand_core", "base64": "base64",
    }
    if crate in ("p256", "ecdsa", "elliptic_curve", "primeorder", "crypto_bigint", "sha2",
                 "hmac", "digest", "rfc6979", "ff", "group", "sec1", "der", "signature",
                 "generic_array", "subtle", "block_buffer", "crypto_common", "zeroize",
                 "base16ct", "typenum"):
        return "crypto (p256, ecdsa, elliptic-curve, sha2, hmac...)"
    if crate in table:
        return table[crate]
    if crate.startswith("gloo") or crate in ("implicit_clone", "indexmap", "hashbrown",
                                             "slab", "futures_util", "futures_channel",
                                             "futures_core", "pin_project", "tracing",
                                             "tracing_core", "console_error_panic_hook",
                                             "prokio", "bincode", "anymap2"):
        return "gloo / implicit-clone / other web"
    return "other crates"


def read_rows(src):
    if src.endswith(".wasm"):
        text = subprocess.run(["twiggy", "top", "--format", "csv", src], check=True,
                              capture_output=True, text=True).stdout
    else:
        text = sys.stdin.read() if src == "-" else open(src, encoding="utf-8").read()
    rows = []
    if text.startswith("Name,"):
        for r in csv.DictReader(io.StringIO(text)):
            rows.append((r["Name"], int(r["ShallowSize"])))
    else:                                                    # twiggy text table
        for line in text.splitlines():
            parts = [p.strip() for p in line.split("\u250a")]
            if len(parts) == 3 and parts[0].isdigit() and not parts[2].startswith(("...", "\u03a3")):
                rows.append((parts[2], int(parts[0])))
    return [r for r in rows if not r[0].startswith(("Σ", "... and"))]


def view_component(raw):
    m = re.search(r"CompStateInner<(.*)> as yew::html::component::lifecycle::Stateful>::view$", clean(raw))
    if not m:
        return None
    inner = m.group(1)
    m2 = re.search(r"faultline::([A-Za-z0-9_:]+?)(?:::[A-Z][A-Za-z0-9_]*)?(?:[<>]|$)", inner)
    return ("faultline::" + m2.group(1)) if m2 else inner[:80]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="twiggy top csv/text output, '-' for stdin, or a names-kept .wasm")
    ap.add_argument("--final", help="the shipped (-Oz, stripped) wasm, for gzip scaling")
    ap.add_argument("-n", type=int, default=25, help="how many biggest functions to list")
    ap.add_argument("--unknown", action="store_true", help="list items classified 'other crates'")
    a = ap.parse_args()

    rows = read_rows(a.input)
    by_area = defaultdict(int)
    for name, size in rows:
        by_area[area(name)] += size
    ship = sum(v for k, v in by_area.items() if k != NON_SHIPPING)
    total = ship + by_area[NON_SHIPPING]

    gz = None
    if a.final:
        data = open(a.final, "rb").read()
        gz = len(gzip.compress(data, 9, mtime=0))
        print(f"final wasm: {len(data):,} B raw, {gz:,} B gzip -9")
    print(f"names-kept wasm: {total:,} B; shipping items {ship:,} B "
          f"(+{by_area[NON_SHIPPING]:,} B names/DWARF not shipped)\n")

    hdr = f"{'area':54} {'bytes':>9} {'share':>7}" + (f" {'~gz':>8}" if gz else "")
    print(hdr)
    print("-" * len(hdr))
    for k in AREAS:
        v = by_area.get(k, 0)
        line = f"{k:54} {v:9,} {100 * v / ship:6.1f}%"
        if gz:
            line += f" {gz * v / ship:8,.0f}"
        print(line)
    print("-" * len(hdr))
    print(f"{'total shipping':54} {ship:9,} {100.0:6.1f}%" + (f" {gz:8,}" if gz else ""))
    print(f"{NON_SHIPPING:54} {by_area[NON_SHIPPING]:9,}")

    print("\nfocus (overlapping, regex over names)")
    for label, rx in FOCUS:
        r = re.compile(rx)
        v = sum(s for n, s in rows if area(n) != NON_SHIPPING and r.search(clean(n)))
        c = sum(1 for n, s in rows if area(n) != NON_SHIPPING and r.search(clean(n)))
        print(f"  {label:52} {v:9,} {100 * v / ship:6.1f}%  ({c} items)")

    views = defaultdict(lambda: [0, 0])
    for n, s in rows:
        comp = view_component(n)
        if comp:
            views[comp][0] += s
            views[comp][1] += 1
    if views and not all(k.startswith("COMP") for k in views):
        print("\nCompStateInner::view by component (needs v0 mangling)")
        for k, (v, c) in sorted(views.items(), key=lambda kv: -kv[1][0]):
            print(f"  {k:60} {v:8,}  ({c})")

    print(f"\ntop {a.n} functions")
    funcs = [(s, clean(n)) for n, s in rows
             if area(n) not in (NON_SHIPPING, "data segments",
                                "wasm structure (types, imports, exports, tables)")]
    for s, n in sorted(funcs, reverse=True)[:a.n]:
        print(f"  {s:7,}  {n[:150]}")

    if a.unknown:
        print("\nunclassified ('other crates')")
        for n, s in sorted(rows, key=lambda r: -r[1]):
            if area(n) == "other crates":
                print(f"  {s:7,}  {clean(n)[:150]}")


if __name__ == "__main__":
    main()
