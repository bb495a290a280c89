"""``/docs``: Swagger UI for the API, from files served by this app (no CDN).

The UI's script and style sheet are swagger-ui-dist's, pinned in ``package.json`` and
copied by ``make web`` into ``api/web/vendor/swagger-ui/``, where the web page's asset
route serves them; the page loads nothing from outside, so it works offline.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

VENDOR = "/web/vendor/swagger-ui"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css")

router = APIRouter(tags=["docs"], include_in_schema=False)


@router.get("/docs")
async def docs() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json", title="Kingraph API",
        swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js", swagger_css_url=f"{VENDOR}/swagger-ui.css",
        swagger_favicon_url="/web/favicon.svg",
        # No validator badge: it would send the schema to an outside service.
        swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": False})
