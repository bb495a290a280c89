"""The review queue in headless Chromium, at 1280 and 390 px, checking what it says.

Known answers are the API's (the officer's own key) and the graph's: the persons on
both sides by name and birth date, codes decoded (sex, feed, source department, role),
pages and filters agreeing with the API's totals, a merge's preview stating what will
change, the decision's progress while its job runs and its result once done.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from api.keys import Role
from tests.e2e.conftest import ARTIFACTS, Page

SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
SEX = {"1": "男", "2": "女"}


def _api(web: Page, path: str, method: str = "GET", **params: Any) -> Any:
    headers = web.server.keys.headers(Role.OFFICER, "review")
    if method == "GET":
        got = httpx.get(f"{web.server.url}{path}", params=params, timeout=120, headers=headers)
    else:
        got = httpx.post(f"{web.server.url}{path}", json=params, timeout=120, headers=headers)
    assert got.status_code == 200, got.text
    return got.json()


def _open(web: Page, size: str) -> None:
    web.page.set_viewport_size(SIZES[size])
    web.sign_in(Role.OFFICER)
    web.open("#/review")
    web.page.wait_for_selector("#review-list article.review-item", timeout=60_000)


def _shot(web: Page, element: Any, label: str) -> None:
    """A screenshot of one element (an item, a panel) beside the page's full ones."""
    ARTIFACTS.mkdir(exist_ok=True)
    element.screenshot(path=str(ARTIFACTS / f"{web.name}-{label}.png"))


def _ids(web: Page) -> list[str]:
    return web.page.locator("#review-list article.review-item").evaluate_all(
        "items => items.map(i => i.dataset.review)")


def _shows(web: Page, page: dict[str, Any]) -> None:
    """Wait until the list shows this API page: its first and last items, its length.

    The list is replaced at once when a page arrives (a loading state meanwhile), so
    these three hold only once the page has rendered.  Locators, not a predicate string:
    the page's Content-Security-Policy forbids the eval ``wait_for_function`` needs.
    """
    ids = [i["review_id"] for i in page["items"]]
    assert ids, "the API's page is empty: nothing to wait for"
    items = web.page.locator("#review-list article.review-item")
    expect(items.first).to_have_attribute("data-review", ids[0])
    expect(items.last).to_have_attribute("data-review", ids[-1])
    expect(items).to_have_count(len(ids))


@pytest.mark.parametrize("size", SIZES)
def test_both_sides_by_name_and_birth_date_with_codes_decoded(web: Page, size: str) -> None:
    _open(web, size)
    first = _api(web, "/v1/reviews", status="open", limit=20)
    assert _ids(web) == [i["review_id"] for i in first["items"]]  # the same page, in order
    match = next(i for i in first["items"] if i["left_pid"] and i["right_pid"]
                 and i["left_pid"] != i["right_pid"] and not i["kind"].startswith("conflict_"))
    article = web.page.locator(f"article.review-item[data-review='{match['review_id']}']")
    cards = {c["person"]["pid"]: c for c in match["persons"]}
    for pid in (match["left_pid"], match["right_pid"]):
        person = cards[pid]["person"]
        shown = article.locator(f".side-card .person-card[data-pid='{pid}']")
        assert shown.count() == 1
        text = shown.inner_text()
        assert (person["name"] or "未登记姓名") in text
        assert (person["birth_date"] or "不详") in text
        assert SEX.get(person["sex"], "不详") in shown.locator("[data-field=sex]").inner_text()
        if person["id_number"]:
            assert person["id_number"] in text and "*" in person["id_number"]  # masked
    record = match["left_record"]
    facts = article.locator(".side-card .record").first.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", facts)  # labels in Chinese
    for code in (record["feed"], record["source"]):
        assert code not in facts, f"raw code {code} shown"
    page_text = web.page.inner_text("#review-pager")
    assert f"共 {first['total']} 条" in page_text
    assert web.fits_width(), "the queue scrolls sideways"
    if size == "390":  # the two sides stacked, not squeezed
        boxes = article.locator(".pair > .side-card").evaluate_all(
            "cs => cs.map(c => c.getBoundingClientRect().top)")
        assert boxes[1] > boxes[0]
    web.shot(f"queue-{size}")


def test_pages_and_filters_agree_with_the_api(web: Page) -> None:
    _open(web, "1280")
    web.page.click("#review-pager .page-next")
    second = _api(web, "/v1/reviews", status="open", limit=20, offset=20)
    _shows(web, second)
    assert _ids(web) == [i["review_id"] for i in second["items"]]
    assert "第 21–" in web.page.inner_text("#review-pager")
    # Conflicts only: every conflict_* kind, as the API's family filter answers.
    web.page.select_option("#review-kind", "conflict")
    conflicts = _api(web, "/v1/reviews", status="open", kind="conflict", limit=20)
    _shows(web, conflicts)
    assert _ids(web) == [i["review_id"] for i in conflicts["items"]]
    kinds = web.page.locator("#review-list article.review-item").evaluate_all(
        "items => items.map(i => i.dataset.kind)")
    assert kinds and all(k.startswith("conflict_") for k in kinds)
    expect(web.page.locator("#review-pager")).to_contain_text(f"共 {conflicts['total']} 条")
    # A division by name: the API's items for that code.
    web.page.select_option("#review-kind", "")
    everything = _api(web, "/v1/reviews", status="open", limit=200)["items"]
    county = next(d for i in everything for d in i["divisions"])
    web.page.wait_for_selector(f"#review-division option[value='{county}']", state="attached")
    web.page.select_option("#review-division", county)
    there = _api(web, "/v1/reviews", status="open", division=county, limit=20)
    expect(web.page.locator("#review-pager")).to_contain_text(f"共 {there['total']} 条")
    _shows(web, there)
    assert _ids(web) == [i["review_id"] for i in there["items"]]
    # Nothing in the queue is a month old: the age filter says so.
    web.page.select_option("#review-division", "")
    web.page.select_option("#review-age", "old30")
    web.page.wait_for_selector("#review-list .state.empty")
    assert "没有待复核" in web.page.inner_text("#review-list")
    web.shot("filters")


def test_an_earlier_pages_late_answer_does_not_replace_the_page_asked_for_last(
        web: Page) -> None:
    _open(web, "1280")
    held: list[Any] = []

    def hold_page_two(route: Any) -> None:  # the server's answer for page 2 comes last
        if "offset=20" in route.request.url and not held:
            held.append(route)
        else:
            route.continue_()

    web.page.route("**/v1/reviews?*", hold_page_two)
    web.page.click("#review-pager .page-next")  # page 2: asked, its answer held back
    expect(web.page.locator("#review-list .state.loading")).to_have_count(1)
    web.page.click("#review-pager .page-next")  # page 3, before page 2 has come
    third = _api(web, "/v1/reviews", status="open", limit=20, offset=40)
    _shows(web, third)
    assert len(held) == 1
    with web.page.expect_response(lambda r: "offset=20" in r.url) as late:
        held[0].continue_()
    late.value.finished()
    web.page.wait_for_timeout(500)  # the page has read the late answer by now
    assert _ids(web) == [i["review_id"] for i in third["items"]]
    assert "第 41–" in web.page.inner_text("#review-pager")


@pytest.mark.parametrize("size", SIZES)
def test_two_persons_records_side_by_side(web: Page, size: str) -> None:
    _open(web, size)
    article = web.page.locator("#review-list article.review-item.match").first
    review_id = article.get_attribute("data-review")
    article.locator(".compare-toggle").click()
    compare = article.locator(".compare")
    compare.wait_for()
    full = _api(web, f"/v1/reviews/{review_id}")
    cards = {c["person"]["pid"]: c for c in full["persons"]}
    facts = compare.locator(".cmp-facts").inner_text()
    for pid in (full["left_pid"], full["right_pid"]):
        assert (cards[pid]["person"]["name"] or "未登记姓名") in facts
    shown = compare.locator(".cmp-rows li").count()
    assert shown == sum(len(c["records"]) for c in full["compared"]) > 0
    labels = compare.locator(".cmp-rows .cmp-label").all_inner_texts()
    assert labels and all(re.search(r"[\u4e00-\u9fff]", label) for label in labels)
    assert web.fits_width()
    _shot(web, article, f"compare-{size}")


def test_a_merge_is_previewed_confirmed_and_followed_to_its_result(web: Page) -> None:
    _open(web, "1280")
    # The weakest possible match between two persons (other tests take the first ones).
    items = _api(web, "/v1/reviews", status="open", kind="possible_match", limit=200)["items"]
    item = [i for i in items if i["left_pid"] and i["right_pid"]
            and i["left_pid"] != i["right_pid"]][-1]
    web.page.select_option("#review-kind", "possible_match")
    offset = items.index(item) // 20 * 20
    while offset:
        web.page.click("#review-pager .page-next")
        offset -= 20
    article = web.page.locator(f"article.review-item[data-review='{item['review_id']}']")
    article.wait_for()
    expected = _api(web, f"/v1/reviews/{item['review_id']}/preview", method="POST",
                    decision="link")
    article.locator("[data-decision=link]").click()
    preview = article.locator(".preview[data-action=merge]")
    preview.wait_for()
    text = preview.inner_text()
    assert f"{expected['moved_total']} 条记录将转到该人员名下" in text
    assert expected["survivor"] in text
    names = [c["person"]["name"] for c in expected["persons"] if c["person"]["name"]]
    assert names and all(n in text for n in names)
    _shot(web, article, "merge-preview")
    preview.locator("button.confirm").click()
    # The job's progress is shown while the re-fusion runs ...
    job = article.locator(".job")
    job.wait_for()
    assert job.get_attribute("data-status") in ("queued", "running", "succeeded")
    if job.get_attribute("data-status") != "succeeded":
        assert "正在处理" in job.inner_text()
        _shot(web, article, "merge-pending")
    # ... then what it changed.
    web.page.wait_for_selector(f"article[data-review='{item['review_id']}'] "
                               ".job[data-status=succeeded]", timeout=300_000)
    result = article.locator(".job-result").inner_text()
    assert "已合并" in result and expected["survivor"] in result
    assert article.get_attribute("data-decided") == "link"
    decided = _api(web, "/v1/reviews", status="decided", limit=200)["items"]
    assert any(r["review_id"] == item["review_id"] and r["decision"] == "link" for r in decided)
    _shot(web, article, "merge-done")


def test_keeping_two_persons_apart(web: Page) -> None:
    _open(web, "1280")
    open_before = _api(web, "/v1/reviews", status="open", limit=1)["total"]
    article = web.page.locator("#review-list article.review-item.match").first
    review_id = article.get_attribute("data-review")
    article.locator("[data-decision=no_link]").click()
    web.page.wait_for_selector(f"article[data-review='{review_id}'] .job[data-status=succeeded]",
                               timeout=300_000)
    assert "不是同一人" in article.locator(".job").inner_text()
    assert _api(web, "/v1/reviews", status="open", limit=1)["total"] == open_before - 1
    assert web.page.inner_text("#review-total").endswith(f"{open_before - 1} 条")


def test_conflicts_show_the_persons_and_records_on_each_side(web: Page) -> None:
    _open(web, "1280")
    web.page.select_option("#review-kind", "conflict")
    web.page.wait_for_selector("#review-list article.review-item.conflict")
    first = web.page.locator("#review-list article.review-item.conflict").first
    item = _api(web, f"/v1/reviews/{first.get_attribute('data-review')}")
    assert first.locator(".side-card").count() == len(item["sides"]) >= 2
    stated = sum(len(s["records"]) for s in item["sides"] if s["dismissable"])
    assert first.locator("input.dismiss").count() == stated >= 1
    cards = {c["person"]["pid"]: c["person"] for c in item["persons"]}
    text = first.inner_text()
    for side in item["sides"]:
        for pid in (side.get("pid"), side.get("parent_pid")):
            if pid and cards.get(pid, {}).get("name"):
                assert cards[pid]["name"] in text
    assert first.locator("[data-decision=accept]").count() == 1
    _shot(web, first, "conflicts")


def test_an_unmerge_is_previewed_and_confirmed(web: Page, loner: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    web.open(f"#/review/{loner['pid']}")
    web.page.wait_for_selector("#unmerge-records input.mention")
    boxes = web.page.locator("#unmerge-records input.mention")
    assert sorted(boxes.evaluate_all("bs => bs.map(b => b.value)")) == sorted(loner["mentions"])
    assert web.page.is_disabled("#unmerge-submit")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    assert web.page.is_disabled("#unmerge-submit"), "splitting every record off is refused"
    assert "至少保留一条" in web.page.inner_text("#unmerge-result")
    for i in range(1, boxes.count()):
        boxes.nth(i).uncheck()
    split = boxes.first.get_attribute("value")
    web.page.click("#unmerge-submit")
    preview = web.page.locator("#unmerge-result .preview[data-action=split]")
    preview.wait_for()
    assert "将从此人拆出 1 条记录" in preview.inner_text()
    _shot(web, web.page.locator("#unmerge-result"), "unmerge-preview")
    preview.locator("button.confirm").click()
    web.page.wait_for_selector("#unmerge-result .job[data-status=succeeded]", timeout=300_000)
    result = web.page.inner_text("#unmerge-result .job-result")
    assert "已拆分" in result
    # Only this person was split: fusion kept its model, so no other person moved.
    splits = web.page.locator("#unmerge-result .job-result li.split")
    assert splits.count() == 1, "an unmerge split persons it does not touch"
    links = splits.first.locator("a.link").all_inner_texts()
    assert links[0] == loner["pid"]
    new_pid = next(p for p in links[1:] if p != loner["pid"])
    # The record left this person for the one it now names: a new person, or one that
    # fusion links it to once it may no longer stay here (the loner is drawn by pid,
    # and pids are keyed by each session's new key, so either happens).
    moved = _api(web, f"/v1/persons/{new_pid}/records")
    assert split in [i["mention"] for i in moved["items"]]
    kept = _api(web, f"/v1/persons/{loner['pid']}/records")
    assert split not in [i["mention"] for i in kept["items"]]
    assert len(kept["items"]) == len(loner["mentions"]) - 1
    _shot(web, web.page.locator("#unmerge-result"), "unmerge")
