"""The migration views on the real map of Hainan, at 1280 and 390 px, checking content.

Known answers: the API's own flows for the same period (what the officer asked), the
division table (today's units, 三亚市 460200 the city of 天涯区 460204 and 海棠区 460202,
whose districts date from 2014), and the map file's units (the division table's
county-level units, by scripts/hainan_map/extract.py). A city flagged district_unknown is
no place: never a coloured shape, label or corridor end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from api.keys import Role
from kingraph import divisions
from tests.e2e.conftest import Page
from tests.integration.synthetic import LoadedDrop

SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
MAP_FILE = Path(__file__).resolve().parents[2] / "api" / "web" / "vendor" / "hainan-map.json"
NO_MOVES = "#eef0ee"
LOSS = {"#fcd9d2", "#ee8a78", "#c0392b"}
GAIN = {"#d4e6f4", "#79acd8", "#1d5c8c"}


def _flows(web: Page, **params: str) -> Any:
    got = httpx.get(f"{web.server.url}/v1/flows", params=params, timeout=120,
                    headers=web.server.keys.headers(Role.OFFICER))
    assert got.status_code == 200, got.text
    return got.json()


def _open_flows(web: Page, size: str) -> Any:
    web.page.set_viewport_size(SIZES[size])
    web.sign_in(Role.OFFICER)
    web.page.click("[data-nav=flows]")
    web.page.wait_for_selector("#flows-result :is(#flow-map, .state.empty, .state.error)",
                            timeout=60_000)
    return _flows(web, start=web.page.input_value("#flows-start"),
                  end=web.page.input_value("#flows-end"), level="county")


def test_the_map_file_has_every_county_level_unit_of_the_division_table() -> None:
    shapes = json.loads(MAP_FILE.read_text("utf-8"))
    assert sorted(shapes["units"]) == sorted(divisions.counties())
    assert sorted(shapes["cities"]) == ["460100", "460200"]
    for unit in shapes["units"].values():
        x, y = unit["label"]
        assert 0 <= x <= shapes["width"] and 0 <= y <= shapes["height"]
        assert unit["d"].startswith("M") and unit["area"] > 0


@pytest.mark.parametrize("size", SIZES)
def test_flows_map_colours_places_draws_the_top_corridor_and_no_district_unknown(
        web: Page, size: str) -> None:
    api = _open_flows(web, size)
    unknown = {r["division"]: r for r in api["net"] if r["district_unknown"]}
    assert unknown, "the default period should hold records naming only 三亚市 or 海口市"
    places = {r["division"]: r for r in api["net"] if not r["district_unknown"]}

    # Every unit on the map is named in its tooltip as in the tables, and coloured by
    # the sign of its net migration (or as having no moves).
    units = web.page.evaluate("""() => [...document.querySelectorAll('#flow-map path.unit')].map(
        (p) => ({code: p.dataset.code, fill: p.getAttribute('fill'),
                 title: p.querySelector('title').textContent}))""")
    assert sorted(u["code"] for u in units) == sorted(divisions.counties())
    for u in units:
        row = places.get(u["code"])
        if row is None:
            assert u["fill"] == NO_MOVES and u["title"].startswith(divisions.name(u["code"]) or "")
            continue
        assert u["title"].startswith(f"{row['name']}："), u
        assert u["fill"] in (GAIN if row["net"] > 0 else LOSS if row["net"] < 0 else {"#f7f7f2"})

    # A city whose district is unknown: no shape, no label, no corridor end; named in
    # the tables with （区不详） and explained in the legend.
    for code, row in unknown.items():
        assert web.page.locator(f"#flow-map [data-code='{code}']").count() == 0
        assert web.page.locator(f"#flow-map [data-origin='{code}'], "
                                f"#flow-map [data-destination='{code}']").count() == 0
        assert web.page.locator(f"#net [data-division='{code}']").inner_text() == \
            f"{row['name']}（区不详）"
        assert f"{row['name']}（区不详）" in web.page.inner_text("#district-unknown-note")

    # The corridors: the table lists the API's, the map draws every one between places,
    # the busiest of those with its rank, its two ends and the widest line.
    assert web.page.locator("#corridors tbody tr").count() == len(api["corridors"])
    between = [(i + 1, r) for i, r in enumerate(api["corridors"])
               if r["origin"] not in unknown and r["destination"] not in unknown]
    assert between, "no corridor between two places in the default period"
    drawn = web.page.locator("#flow-map g.corridor")
    assert drawn.count() == len(between)
    rank, busiest = between[0]
    line = web.page.locator(f"#flow-map g.corridor[data-rank='{rank}']")
    assert (line.get_attribute("data-origin"), line.get_attribute("data-destination")) == \
        (busiest["origin"], busiest["destination"])
    assert f"{busiest['origin_name']} → {busiest['destination_name']}：{busiest['moves']}" in \
        line.locator("title").first.text_content()
    widths = web.page.evaluate("""() => [...document.querySelectorAll('#flow-map g.corridor')]
        .map((g) => [g.dataset.rank, Number(g.querySelectorAll('path')[1]
                                             .getAttribute('stroke-width'))])""")
    # the busiest is drawn the widest (a corridor as busy may be as wide)
    assert dict(widths)[str(rank)] == max(w for _, w in widths)
    row1 = web.page.locator("#corridors tbody tr").nth(rank - 1).locator("td").all_inner_texts()
    assert row1 == [str(rank), busiest["origin_name"], busiest["destination_name"],
                    str(busiest["moves"])]

    # Labels: one per unit, each a part of the unit's name as the tables give it.
    labels = web.page.evaluate("""() => [...document.querySelectorAll('#flow-map text.map-label')]
        .map((t) => [t.dataset.code, t.textContent])""")
    assert sorted(code for code, _ in labels) == sorted(divisions.counties())
    for code, text in labels:
        assert text and text in (divisions.name(code) or ""), (code, text)

    legend = web.page.inner_text("#flow-legend")
    assert "净迁移" in legend and "无迁移" in legend
    box = web.page.locator("#flow-map").bounding_box()
    assert box is not None and box["width"] >= (340 if size == "390" else 600)
    assert web.fits_width(), f"the flows view scrolls sideways at {size} px"
    web.shot(f"flows-map-{size}")


def test_prefecture_level_colours_each_city_as_one_unit(web: Page) -> None:
    _open_flows(web, "1280")
    web.page.select_option("#flows-level", "prefecture")
    web.page.click("#flows-form button[type=submit]")
    web.page.wait_for_selector("#flow-map path.city-outline")
    api = _flows(web, start=web.page.input_value("#flows-start"),
                 end=web.page.input_value("#flows-end"), level="prefecture")
    assert not any(r["district_unknown"] for r in api["net"])
    fills = web.page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '#flow-map path.unit')].map((p) => [p.dataset.code, p.getAttribute('fill')]))""")
    for city in ("460100", "460200"):
        districts = {fill for code, fill in fills.items() if code[:4] == city[:4]}
        assert len(districts) == 1, (city, districts)  # the city's districts share its colour
        assert web.page.locator(f"#flow-map text.map-label[data-code='{city}']").count() == 1
    web.shot("flows-map-prefecture")


# A household registered under 三亚市 460200 in 2001 whose rows after 2014 carry 天涯区
# 460204: one stay under two names, a renaming, not a move.
RENAMED = """
CREATE (p:Person {pid: $pid, name: '测试更名', sex: '2', birth_date: date('1980-02-03')})
CREATE (h:Household {household_id: $household})
CREATE (p)-[:MEMBER_OF {from_date: date('2001-03-01'), to_date: date('2014-05-31'),
                        division_code: '460200', record: $pid + '-r1'}]->(h)
CREATE (p)-[:MEMBER_OF {from_date: date('2014-06-01'), division_code: '460204',
                        record: $pid + '-r2'}]->(h)
WITH h
MATCH (v:Division) WHERE v.code IN ['460200', '460204']
CREATE (h)-[:IN]->(v)
"""
REMOVE = "MATCH (p:Person {pid: $pid}) MATCH (h:Household {household_id: $household}) " \
         "DETACH DELETE p, h"


@pytest.fixture
def renamed(driver: neo4j.Driver, database: str, synthetic: LoadedDrop) -> Iterator[str]:
    """A person (made for this test, removed after it) in one household renamed in 2014."""
    ids = {"pid": "Ptest-renamed-household", "household": "HTEST-RENAMED-2014"}
    driver.execute_query(REMOVE, ids, database_=database)
    driver.execute_query(RENAMED, ids, database_=database)
    yield ids["pid"]
    driver.execute_query(REMOVE, ids, database_=database)


SUCCESSION = """
MATCH (p:Person)-[a:MEMBER_OF]->(h1), (p)-[b:MEMBER_OF]->(h2)
WHERE h1 <> h2 AND a.division_code = '460200' AND b.division_code STARTS WITH '46020'
  AND b.division_code <> '460200' AND b.from_date = a.to_date
  AND COUNT { (p)-[:MEMBER_OF]->() } = 2 AND COUNT { (p)-[:LIVED_AT]->() } = 0
  AND ALL(c IN [(h1)-[:IN]->(v) | v.code] WHERE c = '460200')
RETURN p.pid AS pid, b.division_code AS district ORDER BY p.pid LIMIT 1
"""


@pytest.mark.parametrize("size", SIZES)
def test_a_renamed_household_is_one_place_under_both_names_and_no_move(
        web: Page, renamed: str, size: str) -> None:
    web.page.set_viewport_size(SIZES[size])
    web.sign_in(Role.OFFICER)
    web.open(f"#/person/{renamed}")
    web.page.wait_for_selector("#trajectory-box #timeline")
    titles = web.page.locator("#timeline text.place-title").all_text_contents()
    assert titles == ["1. 三亚市 → 天涯区"]
    assert web.page.locator("#timeline line.renaming").count() == 1
    assert "2014" in web.page.locator("#timeline line.renaming title").text_content()
    assert web.page.locator("#map path.move").count() == 0
    assert web.page.locator("#map g.stop").count() == 1
    assert web.page.locator("#map g.stop").get_attribute("data-unit") == "460204"
    rows = web.page.locator("#trajectory-box tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[1] == "天涯区" and "三亚市（2001） → 天涯区（2014）" in cells[5]
    web.shot(f"trajectory-renamed-{size}")


def test_a_new_household_in_a_district_of_the_same_city_continues_and_is_no_move(
        web: Page, driver: neo4j.Driver, database: str, synthetic: LoadedDrop) -> None:
    rows, _, _ = driver.execute_query(SUCCESSION, database_=database)
    assert rows, "the synthetic province has no 三亚市 household followed by a Sanya district"
    pid, district = str(rows[0]["pid"]), str(rows[0]["district"])
    web.page.set_viewport_size(SIZES["1280"])
    web.sign_in(Role.OFFICER)
    web.open(f"#/person/{pid}")
    web.page.wait_for_selector("#trajectory-box #timeline")
    assert web.page.locator("#timeline text.place-title").all_text_contents() == [
        f"1. 三亚市 → {divisions.name(district)}"]
    assert web.page.locator("#map path.move").count() == 0
    cells = web.page.locator("#trajectory-box tbody tr").nth(0).locator("td").all_inner_texts()
    assert cells[1] == "三亚市（区不详）"
    later = web.page.locator("#trajectory-box tbody tr").nth(1).locator("td").all_inner_texts()
    assert later[1] == divisions.name(district) and "不是迁移" in later[5]
    web.shot("trajectory-new-household")


def test_a_refused_period_is_explained_from_the_reason_code(web: Page) -> None:
    """The API's reason end_before_start, not its English detail, gives the page's words."""
    _open_flows(web, "1280")
    web.page.fill("#flows-start", "2020-01-01")
    web.page.fill("#flows-end", "2010-12-31")
    web.page.click("#flows-form button[type=submit]")
    web.page.wait_for_selector("#flows-result .state.error .reason")
    assert web.page.inner_text("#flows-result .reason") == "日期有误：结束日期不能早于开始日期。"
    assert web.page.locator("#flows-result details.technical").count() == 0
    # The browser itself logs the refusal asked for (status 422).
    web.console.errors[:] = [e for e in web.console.errors if "(Unprocessable Entity)" not in e]
