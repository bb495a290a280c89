"""The decision sheet, the at-risk couples and the policy what-if in headless Chromium, at
1280 and 390 px, checking what the officer reads against the graph and the API (never the
page's own output): names and birth dates of both spouses, the legal basis in Chinese,
readable evidence with its keys on demand, a refused application naming its fields, a
printable sheet; couples as links, a division picked by its name, the three lists;
a draft table's what-if with its chart, and a malformed draft refused with its line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest
from playwright.sync_api import expect

from api.keys import Role
from queries.eligibility import policy
from tests.e2e.conftest import Page
from tests.integration.synthetic import LoadedDrop

SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}

# A couple married since 2004 (so a later day is under the rules in force), both named,
# and married to each other once (a couple who married, divorced and married again is,
# on a day before the second wedding, a couple whose marriage had ended). The pids are
# keyed by each run's own key, so which couple comes first differs from run to run.
COUPLE = """
MATCH (h:Person {sex: '1'})-[m:MARRIED]->(w:Person {sex: '2'})
WHERE m.ended_on IS NULL AND m.married_on >= date('2004-01-01')
  AND NOT EXISTS { (h)-[o:MARRIED]-(w) WHERE o <> m }
  AND m.married_on <= date('2024-01-01') AND coalesce(m.inferred, false) = false
  AND h.name IS NOT NULL AND w.name IS NOT NULL AND h.birth_date IS NOT NULL
  AND w.birth_date IS NOT NULL
  AND EXISTS { (c:Person)-[:CHILD_OF]->(w) }
RETURN h.pid AS husband, w.pid AS wife, h.name AS husband_name, w.name AS wife_name,
       toString(h.birth_date) AS husband_born, toString(w.birth_date) AS wife_born,
       toString(m.married_on + duration({years: 2})) AS as_of
ORDER BY h.pid LIMIT 1
"""


@pytest.fixture(scope="module")
def couple(driver: neo4j.Driver, database: str, synthetic: LoadedDrop) -> dict[str, Any]:
    """A married couple with a child of hers, from the loaded province."""
    rows, _, _ = driver.execute_query(COUPLE, database_=database)
    assert rows, "the synthetic province has no named couple married since 2004"
    return dict(rows[0])


def _api(web: Page, method: str, path: str, role: Role = Role.OFFICER, **kw: Any) -> Any:
    got = httpx.request(method, f"{web.server.url}{path}", timeout=120,
                        headers=web.server.keys.headers(role), **kw)
    assert got.status_code < 300, got.text
    return got.json()


def _decide(web: Page, husband: str, wife: str, as_of: str) -> None:
    web.open(f"#/eligibility/{husband}/{wife}")
    web.page.wait_for_selector("#eligibility-form")
    web.page.fill("#el-as-of", as_of)
    web.page.click("#eligibility-form button[type=submit]")
    web.page.wait_for_selector("#eligibility-result :is(#decision, .state.error)")


@pytest.mark.parametrize("size", SIZES)
def test_the_decision_sheet_names_the_couple_and_reads_its_evidence(
        web: Page, couple: dict[str, Any], size: str) -> None:
    web.page.set_viewport_size(SIZES[size])
    web.sign_in(Role.OFFICER)
    _decide(web, couple["husband"], couple["wife"], couple["as_of"])
    sheet = _api(web, "POST", "/v1/eligibility/sheet", json={
        "husband": couple["husband"], "wife": couple["wife"], "as_of": couple["as_of"]})
    husband = web.page.inner_text("#couple tr[data-role=husband]")
    wife = web.page.inner_text("#couple tr[data-role=wife]")
    assert couple["husband_name"] in husband and couple["husband_born"] in husband
    assert couple["wife_name"] in wife and couple["wife_born"] in wife
    assert web.page.locator("#couple a.link[href^='#/person/']").count() == 2
    for role in ("husband", "wife"):
        place = sheet[role]["division_name"]
        if place:
            assert place in web.page.inner_text(f"#couple tr[data-role={role}] .division")
    outcome = web.page.get_attribute("#decision [data-outcome]", "data-outcome")
    assert outcome == sheet["decision"]["outcome"]
    basis = web.page.inner_text("#legal-basis")
    assert basis == sheet["decision"]["legal_basis"]["zh"] and ("条例" in basis or "法" in basis)
    assert web.page.locator("#reasons li").count() == len(sheet["decision"]["reasons"]) >= 1
    rows = web.page.locator("#evidence tbody tr")
    assert rows.count() == len(sheet["evidence"]) >= 1
    first = rows.first.locator("td").all_inner_texts()
    assert first[0] == sheet["evidence"][0]["record_type"]["zh"]
    assert first[2] == sheet["evidence"][0]["department"]["zh"]
    # Keys on demand: hidden until asked for.
    key = sheet["evidence"][0]["key"]
    assert not web.page.locator("#evidence code.key").first.is_visible()
    web.page.click("#show-keys")
    assert web.page.locator("#evidence code.key").first.inner_text() == key
    assert web.page.locator("#evidence code.key").first.is_visible()
    assert web.fits_width(), f"the decision sheet scrolls sideways at {size} px"
    web.shot(f"decision-{size}")
    # Printable: the sheet alone, without the page's bar, forms and buttons.
    web.page.emulate_media(media="print")
    assert web.page.locator("#decision").is_visible()
    assert not web.page.locator("header#bar").is_visible()
    assert not web.page.locator("#eligibility-form").is_visible()
    assert not web.page.locator("#print-sheet").is_visible()
    web.shot(f"decision-print-{size}")
    web.page.emulate_media(media="screen")
    printed = web.page.evaluate("""() => { let n = 0; window.print = () => { n += 1; };
        document.querySelector('#print-sheet').click(); return n; }""")
    assert printed == 1


def test_a_man_given_as_the_wife_and_a_day_before_the_marriage_are_refused(
        web: Page, couple: dict[str, Any]) -> None:
    web.sign_in(Role.OFFICER)
    _decide(web, couple["wife"], couple["husband"], couple["as_of"])
    problems = web.page.locator("#eligibility-result .field-errors li").all_inner_texts()
    assert any("丈夫" in p and "登记性别不是男性" in p for p in problems), problems
    assert any("妻子" in p and "登记性别不是女性" in p for p in problems), problems
    married = date.fromisoformat(couple["as_of"]) - timedelta(days=3 * 366)
    _decide(web, couple["husband"], couple["wife"], married.isoformat())
    problems = web.page.locator("#eligibility-result .field-errors li").all_inner_texts()
    assert problems == ["审批日期：早于二人结婚的日期"]
    web.shot("decision-refused")
    web.console.errors[:] = [e for e in web.console.errors if "(Unprocessable Entity)" not in e]


@pytest.mark.parametrize("size", SIZES)
def test_couples_are_paged_linked_and_picked_by_division_name(web: Page, size: str) -> None:
    web.page.set_viewport_size(SIZES[size])
    web.sign_in(Role.OFFICER)
    everyone = _api(web, "GET", "/v1/thalassemia/couples", params={"limit": 50})
    web.open("#/thalassemia/couples")
    web.page.wait_for_selector("#couples-result :is(#couples-range, .state.empty, .state.error)",
                            timeout=60_000)
    rows = web.page.locator("#couples-result tbody tr")
    assert rows.count() == everyone["count"] >= 1
    shown = web.page.inner_text("#couples-range")
    assert f"共 {everyone['total']} 对" in shown
    # Both spouses of each couple are links to their person pages.
    links = web.page.locator("#couples-result tbody tr a.link[href^='#/person/']")
    assert links.count() == 2 * rows.count()
    first = everyone["items"][0]
    assert links.first.get_attribute("href") == f"#/person/{first['husband']['pid']}"
    flags = rows.evaluate_all("rs => rs.map(r => r.classList.contains('hl'))")
    assert flags == [c["worklist"] == "prenatal_diagnosis" for c in everyone["items"]]
    # A division by its name.
    code, name = first["division"], first["division_name"]
    assert code and name
    web.page.fill("#couples-division", name)
    web.page.click("#thal-panel form button[type=submit]")
    there = _api(web, "GET", "/v1/thalassemia/couples", params={"limit": 50, "division": code})
    expect(web.page.locator("#couples-range")).to_contain_text(f"共 {there['total']} 对")
    assert name in web.page.inner_text("#couples-division-chosen")
    assert web.page.locator("#couples-result tbody tr").count() == there["count"]
    assert web.fits_width(), f"the couples list scrolls sideways at {size} px"
    web.shot(f"couples-{size}")


def test_the_counselling_list_holds_no_couple_of_reproductive_age(web: Page) -> None:
    web.sign_in(Role.OFFICER)
    counselling = _api(web, "GET", "/v1/thalassemia/couples",
                       params={"limit": 50, "list": "counselling"})
    web.open("#/thalassemia/couples")
    web.page.wait_for_selector("#couples-result :is(#couples-range, .state.empty, .state.error)",
                            timeout=60_000)
    web.page.select_option("#couples-list", "counselling")
    web.page.click("#thal-panel form button[type=submit]")
    expect(web.page.locator("#couples-result .state.loading")).to_have_count(0)
    if counselling["count"]:
        expect(web.page.locator("#couples-range")).to_contain_text(
            f"共 {counselling['total']} 对")
    else:
        expect(web.page.locator("#couples-result .state.empty")).to_be_visible()
    rows = web.page.locator("#couples-result tbody tr")
    assert rows.count() == counselling["count"]
    today = date.today()
    for c in counselling["items"]:
        born = date.fromisoformat(c["wife"]["birth_date"])
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        assert age >= 50 and c["pregnancy_status"] != "ongoing"
    if counselling["count"]:
        assert "已过育龄" in web.page.inner_text("#couples-result tbody")


def _draft(tmp: Path, old: str, new: str, name: str) -> Path:
    text = policy.packaged_bytes().decode("utf-8")
    assert text.count(old) == 1
    path = tmp / name
    path.write_text(text.replace(old, new), "utf-8")
    return path


@pytest.mark.parametrize("size", SIZES)
def test_a_drafts_what_if_with_its_chart(web: Page, size: str, tmp_path: Path) -> None:
    web.page.set_viewport_size(SIZES[size])
    draft = _draft(tmp_path, '"table_version": "2026-11-draft-1"',
                   '"table_version": "draft-same"', "same.json")
    web.sign_in(Role.ADMIN)
    web.page.click("[data-nav=policy]")
    web.page.wait_for_selector("#policy-current table")
    assert web.page.locator("#policy-current tbody tr").count() == len(
        _api(web, "GET", "/v1/policy", Role.ADMIN)["versions"])
    web.page.set_input_files("#draft-file", str(draft))
    web.page.fill("#whatif-as-of", "2017-06-01")
    web.page.click("#whatif-form button[type=submit]")
    web.page.wait_for_selector("#whatif-result", timeout=180_000)
    # The same rules under another label change nothing.
    summary = web.page.inner_text("#whatif-summary")
    assert "其中 0 对结论改变" in summary and "draft-same" in summary
    assert web.page.locator("#whatif-chart").count() == 0
    web.shot(f"whatif-none-{size}")
    three = _draft(tmp_path, '{"test": "counted", "lt": 2}\n          ],\n          '
                   '"legal_reference": "Hainan Population and Family Planning Regulation '
                   '(amended 2016): two children per couple"',
                   '{"test": "counted", "lt": 3}\n          ],\n          '
                   '"legal_reference": "Hainan Population and Family Planning Regulation '
                   '(amended 2016): two children per couple"', "three.json")
    web.page.set_input_files("#draft-file", str(three))
    web.page.click("#whatif-form button[type=submit]")
    web.page.wait_for_selector("#whatif-result #whatif-transitions", timeout=180_000)
    bars = web.page.locator("#whatif-chart rect.bar")
    counts = [int(x) for x in bars.evaluate_all("bs => bs.map(b => b.dataset.couples)")]
    rows = web.page.locator("#whatif-divisions tbody tr")
    shown = [int(t) for t in rows.evaluate_all("rs => rs.map(r => r.cells[1].textContent)")]
    total = int(web.page.inner_text("#whatif-summary").split("其中 ")[1].split(" 对")[0])
    assert total >= 1 and sum(shown) == total
    if len(shown) <= 20:
        assert sum(counts) == total  # every changed couple is drawn
    # Raising the limit to three makes couples eligible, never ineligible.
    assert web.page.locator("#whatif-chart rect.bar.ineligible").count() == 0
    assert web.page.locator("#whatif-sample tbody tr").count() >= 1
    assert web.fits_width(), f"the what-if scrolls sideways at {size} px"
    web.shot(f"whatif-{size}")


def test_a_malformed_draft_is_refused_with_its_line(web: Page, tmp_path: Path) -> None:
    bad = _draft(tmp_path, '{"test": "counted", "lt": 1}', '{"test": "countd", "lt": 1}',
                 "bad.json")
    line = next(n for n, row in enumerate(bad.read_text("utf-8").splitlines(), 1)
                if '"countd"' in row)
    web.sign_in(Role.ADMIN)
    web.open("#/policy")
    web.page.wait_for_selector("#whatif-form")
    web.page.set_input_files("#draft-file", str(bad))
    web.page.click("#whatif-form button[type=submit]")
    web.page.wait_for_selector("#draft-problems li")
    text = web.page.inner_text("#draft-problems li")
    assert f"第 {line} 行" in text and "countd" in text
    web.shot("whatif-refused")
    web.console.errors[:] = [e for e in web.console.errors if "(Unprocessable Entity)" not in e]
