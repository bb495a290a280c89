"""``/docs`` works with no network: Swagger UI's files come from this server."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Page


def test_api_docs_render_offline(web: Page) -> None:
    outside: list[str] = []

    def only_this_server(route: Any) -> None:
        if route.request.url.startswith(web.server.url):
            route.continue_()
        else:  # anything else would need the internet: refused, and recorded
            outside.append(route.request.url)
            route.abort()

    web.page.route("**/*", only_this_server)
    web.page.goto(f"{web.server.url}/docs")
    web.page.wait_for_selector(".opblock", timeout=30_000)
    paths = web.page.locator(".opblock-summary-path").all_inner_texts()
    openapi = web.page.request.get(f"{web.server.url}/openapi.json").json()
    assert {p.replace("\u200b", "") for p in paths} == set(openapi["paths"])
    assert "Kingraph" in web.page.inner_text(".info")
    assert outside == []
    web.shot("docs")
