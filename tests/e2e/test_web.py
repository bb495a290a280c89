"""The officers' web page driven in headless Chromium against the real API and graph.

Known answers come from the graph the synthetic drop loaded and from the masking rule
(officers see the ID number masked: first 4 and last 4 characters kept), never from
the page's own output.
"""

from __future__ import annotations

import csv
import io
from contextlib import closing
from datetime import date
from typing import Any

import httpx
import pytest

from api import keys, state
from api.keys import Role
from kingraph import ids
from tests.e2e.conftest import TABLET, Page

# A valid GB 11643 number (check digit by ids.make) for a day no synthetic person has.
UNKNOWN_ID = ids.make("460105", date(1901, 2, 3), 997)
NOT_LANDED = "route not landed in the API yet (built against the agreed path)"


def _search_by_id(web: Page, id_number: str) -> None:
    web.page.click("[data-nav=search]")
    web.page.fill("#q-id", id_number)
    web.page.click("#by-id button[type=submit]")
    web.page.wait_for_selector("#search-results a.candidate")


def test_sign_in_shows_who_and_switches_language(web: Page) -> None:
    web.sign_in(Role.OFFICER)
    who = web.page.inner_text("#whoami")
    assert "test officer" in who and "计生工作人员" in who
    assert web.page.get_attribute("html", "lang") == "zh-CN"
    web.shot("zh")
    web.page.click("#lang")
    assert "officer" in web.page.inner_text("#whoami")
    assert web.page.inner_text("[data-nav=search]") == "Find a person"
    web.shot("en")
    web.page.click("#lang")
    assert web.page.inner_text("[data-nav=search]") == "查找人员"


def test_search_by_id_number_and_open_person(web: Page, family: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    _search_by_id(web, family["id_number"])
    assert web.page.locator("#search-results a.candidate").count() == 1
    web.page.click("#search-results a.candidate")
    web.page.wait_for_selector("#identity")
    shown = web.page.inner_text("#identity")
    number = family["id_number"]
    assert family["name"] in shown and family["born"] in shown
    assert number not in shown, "an officer must see the ID number masked"
    assert f"{number[:4]}**********{number[-4:]}" in shown
    web.shot("person")


def test_search_by_name_and_birth_date_offers_candidates(web: Page, family: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    web.page.fill("#q-name", family["name"])
    web.page.fill("#q-born", family["born"])
    web.page.click("#by-name button[type=submit]")
    web.page.wait_for_selector("#search-results a.candidate")
    names = web.page.locator("#search-results a.candidate").all_inner_texts()
    assert family["name"] in names
    web.shot("by-name")


def test_search_for_unknown_id_number_says_so(web: Page) -> None:
    web.sign_in(Role.OFFICER)
    web.page.fill("#q-id", UNKNOWN_ID)
    web.page.click("#by-id button[type=submit]")
    web.page.wait_for_selector("#search-results .state.empty")
    assert "没有找到" in web.page.inner_text("#search-results")


@pytest.mark.xfail(strict=False, reason=f"pedigree/relatives/trajectory: {NOT_LANDED}")
def test_person_page_draws_pedigree(web: Page, family: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    web.open(f"#/person/{family['pid']}")
    web.page.wait_for_selector("#pedigree-box :is(g.pm, .state.error)", timeout=60_000)
    drawn = set(web.page.locator("#pedigree g.pm").evaluate_all(
        "gs => gs.map(g => g.dataset.pid)"))
    assert {family["pid"], family["father"], family["mother"], family["spouse"],
            family["child"]} <= drawn
    sexes = dict(web.page.locator("#pedigree g.pm").evaluate_all(
        "gs => gs.map(g => [g.dataset.pid, g.querySelector('rect') ? 'square' : "
        "g.querySelector('circle') ? 'circle' : 'diamond'])"))
    assert sexes[family["father"]] == "square" and sexes[family["mother"]] == "circle"
    web.page.wait_for_selector("#relatives-box table")
    web.page.wait_for_selector("#timeline")
    web.shot("pedigree")


def test_source_records_on_demand(web: Page, family: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    web.open(f"#/person/{family['pid']}")
    web.page.wait_for_selector("#relatives-box :is(table, .state.error)")
    details = web.page.locator("#relatives-box details.records-of")
    assert details.count() >= 1, "each relative names the records it rests on"
    details.first.locator("summary").click()
    assert web.page.locator("#relatives-box details[open] li").count() >= 1
    web.shot("sources")


@pytest.mark.xfail(strict=False, reason=f"/v1/relationship: {NOT_LANDED}")
def test_relationship_check_parent_and_child(web: Page, family: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    web.page.click("[data-nav=relationship]")
    web.page.fill("#rel-a", family["pid"])
    web.page.fill("#rel-b", family["father"])
    web.page.click("#relationship-form button[type=submit]")
    web.page.wait_for_selector("#relationship-result :is(#verdict, .state.error)")
    assert web.page.inner_text("#phi").strip() == "1/4"  # parent and child: φ = 1/4
    assert "禁止结婚" in web.page.inner_text("#verdict")  # Civil Code art. 1048: direct line
    assert web.page.locator("svg.path").count() >= 1
    web.shot("relationship")


@pytest.mark.xfail(strict=False, reason=f"/v1/persons/{{ref}}/cascade: {NOT_LANDED}")
def test_cascade_worklist_and_export(web: Page, family: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    web.open(f"#/thalassemia/cascade/{family['pid']}")
    web.page.wait_for_selector("#cascade-result :is(tbody tr, .state)", timeout=60_000)
    shown = web.page.locator("#cascade-result tbody tr").count()
    with web.page.expect_download() as got:
        web.page.click("#export-csv")
    text = got.value.path().read_bytes().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8 CSV"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "序号" and len(rows) == shown + 1
    with web.page.expect_download() as got_xls:
        web.page.click("#export-xls")
    assert b"urn:schemas-microsoft-com:office:spreadsheet" in got_xls.value.path().read_bytes()
    web.shot("cascade")


@pytest.mark.xfail(strict=False, reason=f"/v1/eligibility and /v1/permits: {NOT_LANDED}")
def test_eligibility_decision_and_permit(web: Page, family: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    web.page.click("[data-nav=eligibility]")
    husband, wife = ((family["pid"], family["spouse"]) if family["sex"] == "1"
                     else (family["spouse"], family["pid"]))
    web.page.fill("#el-husband", husband)
    web.page.fill("#el-wife", wife)
    web.page.click("#eligibility-form button[type=submit]")
    web.page.wait_for_selector("#eligibility-result :is([data-outcome], .state.error)")
    assert web.page.locator("#reasons li").count() >= 1
    if web.page.get_attribute("#decision [data-outcome]", "data-outcome") == "eligible":
        web.page.click("#issue-permit")
        web.page.wait_for_selector("#permit-result .verdict")
        web.page.wait_for_selector("#permits-list table tbody tr")
    web.shot("eligibility")


@pytest.mark.xfail(strict=False, reason=f"/v1/reviews: {NOT_LANDED}")
def test_review_item_decided(web: Page) -> None:
    web.sign_in(Role.OFFICER)
    web.page.click("[data-nav=review]")
    web.page.wait_for_selector("#review-list :is(article.review-item, .state)", timeout=60_000)
    before = web.page.locator("article.review-item").count()
    web.page.locator("article.review-item [data-decision=no_link]").first.click()
    web.page.wait_for_selector("article.review-item .review-status .verdict")
    web.page.wait_for_function(
        f"document.querySelectorAll('article.review-item').length < {before}")
    web.shot("review")


def test_expired_key_asks_to_sign_in_again(web: Page) -> None:
    with closing(state.connect(web.server.state_dir / "service.db")) as conn:
        key, raw = keys.create(conn, Role.OFFICER, "short-lived officer")
    web.open()
    web.page.fill("#key", raw)
    web.page.click("#signin button[type=submit]")
    web.page.wait_for_selector("#whoami")
    with closing(state.connect(web.server.state_dir / "service.db")) as conn:
        assert keys.revoke(conn, key.key_id)
    web.console.errors.clear()
    web.page.click("[data-nav=relationship]")
    web.page.click("[data-nav=search]")
    web.page.fill("#q-id", UNKNOWN_ID)
    web.page.click("#by-id button[type=submit]")
    web.page.wait_for_selector("#signin .state.error")
    assert "登录已失效" in web.page.inner_text("#signin")
    assert web.page.locator("#whoami").count() == 0
    web.shot("expired")
    # The browser itself logs the refused request (status 401); nothing else may be logged.
    web.console.errors[:] = [e for e in web.console.errors if "401" not in e]


def test_officer_cannot_reach_admin_views(web: Page) -> None:
    web.sign_in(Role.OFFICER)
    assert web.page.locator("[data-nav=admin]").count() == 0
    web.open("#/admin")
    web.page.wait_for_selector("#forbidden")
    web.shot("officer-admin")
    refused = httpx.get(f"{web.server.url}/v1/audit",
                        headers=web.server.keys.headers(Role.OFFICER), timeout=30)
    assert refused.status_code == 403


def test_admin_sees_admin_view(web: Page) -> None:
    web.sign_in(Role.ADMIN)
    web.page.click("[data-nav=admin]")
    web.page.wait_for_selector("#audit table, #audit .state")
    web.page.wait_for_selector("#audit table")
    web.shot("admin")


def test_researcher_key_cannot_open_the_person_page(web: Page, family: dict[str, Any]) -> None:
    web.open(f"#/person/{family['pid']}")
    web.page.fill("#key", web.server.keys.raw[Role.RESEARCHER])
    web.page.click("#signin button[type=submit]")
    web.page.wait_for_selector("#signin .state.error")
    assert "研究人员" in web.page.inner_text("#signin")
    assert web.page.locator("#identity").count() == 0
    assert family["name"] not in web.page.content()
    web.shot("researcher")


def test_tablet_width_person_page(web: Page, family: dict[str, Any]) -> None:
    web.page.set_viewport_size(TABLET)
    web.sign_in(Role.OFFICER)
    web.open(f"#/person/{family['pid']}")
    web.page.wait_for_selector("#identity")
    web.page.wait_for_selector("#pedigree-box :is(svg, .state.error, .state.empty)")
    assert web.fits_width(), "the person page scrolls sideways at 768 px"
    web.shot("tablet")


def test_wide_screen_search_fits(web: Page, family: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    _search_by_id(web, family["id_number"])
    assert web.fits_width()
    web.shot("wide")
