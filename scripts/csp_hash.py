#!/usr/bin/env python3
"""Trunk post_build hook: allow Trunk's inline scripts under a strict CSP.

Trunk injects an inline <script type="module"> that imports the wasm-bindgen
glue and starts the app (and, under `trunk serve`, an inline autoreload
script). A policy of `script-src 'self'` blocks inline scripts, so this hook
reads $TRUNK_STAGING_DIR/index.html, computes the CSP hash
('sha256-<base64>') of the exact text of every inline <script>, and writes
those hashes into the script-src directive of the
<meta http-equiv="Content-Security-Policy"> tag, replacing any hash that was
there (including the 'sha256-INLINE-SCRIPT-HASHES' placeholder in the source
index.html).

Under `trunk serve`, Trunk rewrites the autoreload script per request
(the '{{__TRUNK_ADDRESS__}}' placeholder becomes the request's Host header),
so for that script we hash the text as it will be served for each host in
FAULTLINE_DEV_HOSTS (comma-separated, e.g. "127.0.0.1:8080,localhost:8080";
scripts/serve.sh sets it).

Fails (non-zero exit) if the CSP meta tag is missing, so a broken policy can
never ship silently.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import sys

SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
CSP_META_RE = re.compile(
    r"""(<meta\b[^>]*\bhttp-equiv\s*=\s*["']Content-Security-Policy["'][^>]*\bcontent\s*=\s*")([^"]*)(")""",
    re.IGNORECASE | re.DOTALL,
)
HASH_SOURCE_RE = re.compile(r"^'sha(256|384|512)-[^']*'$")
AUTORELOAD_ADDR = "{{__TRUNK_ADDRESS__}}"
AUTORELOAD_BASE = "{{__TRUNK_WS_BASE__}}"


def csp_hash(text: str) -> str:
    # The HTML parser normalises newlines before the browser hashes the text.
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return "'sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii") + "'"


def ws_base(public_url: str) -> str:
    """The path `trunk serve` substitutes for {{__TRUNK_WS_BASE__}} (trunk 0.21)."""
    if "://" in public_url:
        rest = public_url.split("://", 1)[1]
        base = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    elif public_url.startswith("."):
        base = public_url[1:]
    else:
        base = public_url
    if not base.startswith("/"):
        base = "/" + base
    if not base.endswith("/"):
        base += "/"
    return base


def inline_script_texts(html: str) -> list[str]:
    texts = []
    for attrs, body in SCRIPT_RE.findall(html):
        if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE):
            continue  # external script: covered by 'self'
        if AUTORELOAD_ADDR in body:
            hosts = [h.strip() for h in os.environ.get("FAULTLINE_DEV_HOSTS", "").split(",") if h.strip()]
            base = ws_base(os.environ.get("TRUNK_PUBLIC_URL", "/"))
            for host in hosts:
                served = body.replace(f"'{AUTORELOAD_ADDR}'", f"'{host}'")
                served = served.replace(f"`{AUTORELOAD_ADDR}`", f"'{host}'")
                texts.append(served.replace(AUTORELOAD_BASE, base))
            if not hosts:
                print("csp_hash: autoreload script found but FAULTLINE_DEV_HOSTS unset; "
                      "live reload will be blocked by the CSP", file=sys.stderr)
            continue
        texts.append(body)
    return texts


def rewrite_policy(policy: str, hashes: list[str]) -> str:
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    out = []
    found = False
    for d in directives:
        parts = d.split()
        if parts[0].lower() == "script-src":
            found = True
            kept = [p for p in parts[1:] if not HASH_SOURCE_RE.match(p)]
            parts = ["script-src", *kept, *hashes]
        out.append(" ".join(parts))
    if not found:
        raise SystemExit("csp_hash: CSP has no script-src directive")
    return "; ".join(out)


def html_path(tool: str) -> str | None:
    """The HTML file a hook rewrites: its argument, or Trunk's staged
    index.html; None (after saying why) when it has neither."""
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if len(sys.argv) > 1:
        return sys.argv[1]
    if staging:
        return os.path.join(staging, os.environ.get("TRUNK_HTML_OUTPUT", "index.html"))
    print(f"{tool}: TRUNK_STAGING_DIR is not set (run me as a Trunk hook) "
          "or pass the HTML file as an argument", file=sys.stderr)
    return None


def main() -> int:
    path = html_path("csp_hash")
    if path is None:
        return 2

    with open(path, encoding="utf-8", newline="") as f:
        html = f.read()

    hashes = list(dict.fromkeys(csp_hash(t) for t in inline_script_texts(html)))

    matches = CSP_META_RE.findall(html)
    if len(matches) != 1:
        print(f"csp_hash: expected exactly one CSP <meta> in {path}, found {len(matches)}", file=sys.stderr)
        return 1

    html = CSP_META_RE.sub(lambda m: m.group(1) + rewrite_policy(m.group(2), hashes) + m.group(3), html, count=1)

    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(html)
    print(f"csp_hash: {len(hashes)} inline script hash(es) written to the CSP in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
