"""``/docs``: Swagger UI for the API, from files served by this app (no CDN).

The UI's script and style sheet are swagger-ui-dist's, pinned in ``package.json`` and
copied by ``make web`` into ``api/web/vendor/swagger-ui/``, where the web page's asset
route serves them; the page loads nothing from outside, so it works offline.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from api.routes.web import CSP, policy

VENDOR = "/web/vendor/swagger-ui"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css")

router = APIRouter(tags=["docs"], include_in_schema=False)


INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    """The page with the officers' page's Content-Security-Policy, its one inline script
    (Swagger UI's start-up, FastAPI's) allowed by its hash: nothing else inline, no eval."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(bytes(page.body)))
    page.headers["Content-Security-Policy"] = policy(
        dict(CSP) | {"script-src": f"'self' {hashes}".strip()})
    return page


@router.get("/docs")
async def docs() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``."""
    return _with_csp(get_swagger_ui_html(
        openapi_url="/openapi.json", title="Kingraph API",
        swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js", swagger_css_url=f"{VENDOR}/swagger-ui.css",
        swagger_favicon_url="/web/favicon.svg",
        # No validator badge: it would send the schema to an outside service.
        swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": False}))
