"""The page reads its own writes on a cluster: a decision is a job, and once the page has
polled it to its end every request it makes carries the ``X-Bookmarks`` the ended job
answered with (the decision's write; kept in the tab's sessionStorage, so across a
reload too), and whichever API worker serves it waits for that write."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from api.keys import Role
from tests.e2e.conftest import Page


def test_after_a_decision_the_page_sends_its_bookmark(web: Page) -> None:
    sent: list[tuple[str, str | None]] = []
    jobs: list[tuple[str, str | None]] = []  # the job's answers: status, X-Bookmarks

    def on_request(request: Any) -> None:
        path = urlsplit(request.url).path
        if path.startswith("/v1/"):
            sent.append((path, request.headers.get("x-bookmarks")))

    def on_response(response: Any) -> None:
        if urlsplit(response.url).path.startswith("/v1/jobs/"):
            jobs.append((response.json()["status"], response.headers.get("x-bookmarks")))

    web.page.on("request", on_request)
    web.page.on("response", on_response)
    web.sign_in(Role.OFFICER)
    web.page.click("[data-nav=review]")
    web.page.wait_for_selector("#review-list article.review-item", timeout=60_000)
    assert sent and all(bookmark is None for _, bookmark in sent)  # nothing written yet
    first = web.page.locator("article.review-item").first
    review_id = first.get_attribute("data-review")
    with web.page.expect_response(lambda r: r.request.method == "POST"
                                  and r.url.endswith("/decision"), timeout=180_000) as info:
        first.locator("[data-decision=no_link]").click()
    decided = info.value
    assert decided.status == 202  # a job writes it; the request itself wrote nothing
    assert decided.headers.get("x-bookmarks") is None
    web.page.wait_for_selector(f"article.review-item[data-review='{review_id}']"
                               "[data-decided='no_link']", timeout=180_000)
    # Polled to its end, the job answered with the bookmark of the decision's write
    # (and, while it ran, with none).
    assert jobs and jobs[-1][0] == "succeeded", jobs
    bookmark = jobs[-1][1]
    assert bookmark and bookmark.startswith("FB:")
    assert all(b is None for status, b in jobs if status in ("queued", "running"))
    sent.clear()
    web.page.reload()  # the tab keeps its bookmarks
    web.page.wait_for_selector("#whoami")
    web.page.click("[data-nav=review]")
    web.page.wait_for_selector("#review-list article.review-item", timeout=60_000)
    assert {path for path, _ in sent} >= {"/v1/me", "/v1/reviews"}
    assert all(b == bookmark for _, b in sent), sorted({p for p, b in sent if b != bookmark})
    # and the queue it reads no longer holds the decided item
    assert web.page.locator(f"article.review-item[data-review='{review_id}']").count() == 0
