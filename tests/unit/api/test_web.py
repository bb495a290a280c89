"""The web page's static files: what is served, and the two string catalogues."""

from __future__ import annotations

import re
from pathlib import Path

from api.routes import web

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
