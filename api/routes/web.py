"""``/``: the officers' web page, static files from ``api/web`` (no build step, no CDN).

Only files that exist in the folder when the app starts are served, by exact
relative path: no path from the request ever reaches the file system. A strict
Content-Security-Policy keeps the page on this origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse

from api.problems import problem
from kingraph import divisions

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
MEDIA_TYPES: Mapping[str, str] = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".json": "application/json",
}
# Every directive the page needs is named, none left to default-src's fallback: scripts
# only from this origin (no inline script, no eval), styles from it plus the inline style
# attributes the views set, images also as data: URLs, fetches to the API here.
CSP: Mapping[str, str] = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:", "font-src": "'self'", "connect-src": "'self'",
    "object-src": "'none'", "base-uri": "'none'", "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(directives: Mapping[str, str]) -> str:
    """A Content-Security-Policy header's value from its directives."""
    return "; ".join(f"{k} {v}" for k, v in directives.items())


HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": policy(CSP),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["web"], include_in_schema=False)


def assets(root: Path = WEB_DIR) -> dict[str, Path]:
    """The servable files under a folder, by relative POSIX path."""
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in MEDIA_TYPES}


ASSETS = assets()


def _file(path: Path) -> FileResponse:
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=dict(HEADERS))


@router.get("/")
async def index() -> FileResponse:
    """The web page."""
    return _file(ASSETS["index.html"])


@router.get("/web/divisions.json")
async def division_names() -> JSONResponse:
    """Every division code with its name and today's county code (for the map)."""
    names = {code: [d.name, divisions.current(code)] for code, d in divisions.table().items()}
    return JSONResponse(names, headers=dict(HEADERS))


@router.get("/web/{name:path}", response_model=None)
async def asset(name: str) -> FileResponse | JSONResponse:
    """A script, style sheet or image of the web page."""
    found = ASSETS.get(name)
    if found is None:
        return problem("not_found")
    return _file(found)
