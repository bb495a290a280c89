"""The web page's static files: what is served, and the two string catalogues."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from api.routes import web
from api.routes.reviews import ReviewKind

JS = web.WEB_DIR / "js"
KEY = re.compile(r"^\s+(\w+):", re.M)
USED = re.compile(r"\bt\(\"(\w+)\"")


def _keys(path: Path) -> set[str]:
    return {k for line in path.read_text("utf-8").splitlines() for k in KEY.findall(line + "\n")
            } | set(re.findall(r"[,{]\s*(\w+):\s*\"", path.read_text("utf-8")))


def test_catalogues_have_the_same_keys() -> None:
    assert _keys(JS / "i18n" / "zh.js") == _keys(JS / "i18n" / "en.js")


def _paired_keys(path: Path) -> set[str]:
    """Keys of a catalogue written as ``key: ["中文", "English"]`` (both languages at once)."""
    return set(re.findall(r"(\w+):\s*\[\s*\"", path.read_text("utf-8")))


def test_every_literal_key_is_in_the_chinese_catalogue() -> None:
    used = {k for f in JS.rglob("*.js") if f.name != "i18n.js"
            for k in USED.findall(f.read_text("utf-8"))}
    missing = used - _keys(JS / "i18n" / "zh.js") - _paired_keys(JS / "i18n" / "review.js")
    assert not missing


def test_assets_are_only_files_under_the_web_folder(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "js" / "main.js").write_text("")
    (tmp_path / "notes.txt").write_text("not served")
    assert set(web.assets(tmp_path)) == {"index.html", "js/main.js"}


def test_no_external_urls_in_the_page() -> None:
    for path in web.WEB_DIR.rglob("*"):
        if path.suffix in {".html", ".js", ".css"}:
            assert not re.search(r"(src|href)=\"https?://", path.read_text("utf-8")), path.name


# What a page needs of a Content-Security-Policy (CSP Level 3): each fetch directive the
# page uses, and the document directives that default-src does not cover.
FETCH_DIRECTIVES = ("default-src", "script-src", "style-src", "img-src", "font-src",
                    "connect-src", "object-src")
DOCUMENT_DIRECTIVES = ("base-uri", "form-action", "frame-ancestors")


def test_the_content_security_policy_is_complete_and_allows_no_eval() -> None:
    policy = dict(d.strip().split(" ", 1) for d in
                  web.HEADERS["Content-Security-Policy"].split(";"))
    assert set(FETCH_DIRECTIVES + DOCUMENT_DIRECTIVES) <= set(policy)
    assert policy["script-src"] == "'self'"  # no inline script, no eval, no other origin
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert not any("unsafe-eval" in v or "*" in v or "http" in v for v in policy.values())


def test_the_review_kind_filter_offers_the_apis_kinds() -> None:
    page = (JS / "views" / "review.js").read_text("utf-8")
    listed = re.search(r"const KINDS = \[(.*?)\];", page, re.S)
    assert listed is not None
    offered = re.findall(r"\"(\w*)\"", listed.group(1))
    assert offered[0] == ""  # every kind
    assert sorted(offered[1:]) == sorted(get_args(ReviewKind))


def test_the_api_docs_page_allows_only_its_own_inline_script() -> None:
    import asyncio
    import base64
    import hashlib

    from api.routes import docs

    page = asyncio.run(docs.docs())
    policy = dict(d.strip().split(" ", 1) for d in
                  page.headers["Content-Security-Policy"].split(";"))
    assert set(FETCH_DIRECTIVES + DOCUMENT_DIRECTIVES) <= set(policy)
    scripts = re.findall(rb"<script>(.*?)</script>", bytes(page.body), re.S)
    assert len(scripts) == 1  # Swagger UI's start-up; its bundle is a file of this origin
    digest = base64.b64encode(hashlib.sha256(scripts[0]).digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert not any("unsafe-eval" in v or "*" in v or "http" in v for v in policy.values())
