"""The contacts, inherited-conditions and exports views in headless Chromium, at 1280
and 390 px, in both languages, against the real API and the synthetic province.

Known answers: the API's own answer to the same question for what the page lists (as in
test_web.py), and Mendel's rules for the G6PD family this module writes into the graph
(the synthetic drop has no ``diagnosis`` feed yet): a man found deficient by a spot test
and his wife genotyped a carrier.  Then, X-linked recessive: his mother and his daughter
carry his allele for certain (100.0 %); the daughter is affected when her mother passes
hers too, 1/2 (50.0 %); the couple's risk per pregnancy is (g_w/2)(1 + g_h)/2 =
(1/2)(2)/2 = 1/2.  The exports are read back by the third-party GEDCOM 7 parser and the
``fhir.resources`` models: the daughter's pedigree holds her parents' family record, and
her father's family history carries ICD-10 D55.0 (G6PD deficiency).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import gedcom7
import httpx
import neo4j
import pytest
from fhir.resources.R4B.bundle import Bundle

from api.keys import Role
from graphdb.connection import write
from tests.e2e.conftest import Page
from tests.e2e.test_language import SIZES, _check, _sign_in, _visit
from tests.integration.synthetic import LoadedDrop

WINDOW = ("2025-05-01", "2025-05-30")
G6PD_ICD10 = "D55.0"
PREFIX = "diagnosis|hospital|e2e-"
READY = ":is(tbody tr, .state.empty, .state.error)"  # a result, or the page says why not

G6PD_FAMILY = """
MATCH (i:Person {sex: '1'})-[mar:MARRIED]->(w:Person {sex: '2'})
WHERE mar.ended_on IS NULL AND mar.end_reason IS NULL AND i.death_date IS NULL
  AND w.death_date IS NULL AND i.name IS NOT NULL AND NOT i.pid IN $exclude
MATCH (i)-[:CHILD_OF {kind: 'biological'}]->(m:Person {sex: '2'})
WHERE m.death_date IS NULL
MATCH (d:Person {sex: '2'})-[:CHILD_OF {kind: 'biological'}]->(i),
      (d)-[:CHILD_OF {kind: 'biological'}]->(w)
WHERE d.death_date IS NULL AND d.name IS NOT NULL
  // The known answers hold for these four alone: the daughter has no children (a tested
  // son of hers would weigh on her chance), each has one mother and one father, and
  // none has a G6PD result of the synthetic drop (the test writes the two it needs);
  // the parents have no thalassemia result but normal (a trait is a condition of the
  // FHIR history, D56.3: the father's must list G6PD alone).
  AND NOT EXISTS { MATCH (:Person)-[:CHILD_OF]->(d) }
  AND NOT EXISTS { MATCH (s:Screening)-[:MENTIONS]->(p)
                   WHERE p IN [i, w] AND coalesce(s.conclusion, '') <> 'normal' }
  AND COUNT { (i)-[:CHILD_OF {kind: 'biological'}]->() } <= 2
  AND COUNT { (d)-[:CHILD_OF {kind: 'biological'}]->() } = 2
  AND NOT EXISTS { MATCH (x:Diagnosis {condition: 'g6pd_deficiency'})-[:MENTIONS]->(p)
                   WHERE p IN [i, w, m, d] }
RETURN i.pid AS index, w.pid AS wife, m.pid AS mother, d.pid AS daughter
ORDER BY i.pid, w.pid, m.pid, d.pid LIMIT 1
"""
DIAGNOSES = """
UNWIND $rows AS row
MATCH (p:Person {pid: row.pid})
CREATE (d:Record:Diagnosis {key: row.key, feed: 'diagnosis', source: 'hospital',
        record_id: row.record_id, file: 'diagnosis_e2e.csv', line: row.line,
        condition: 'g6pd_deficiency', result: row.result, method: row.method,
        test_date: row.on, data: row.data})
CREATE (d)-[:MENTIONS {role: 'person'}]->(p)
"""
DROP_DIAGNOSES = "MATCH (d:Record:Diagnosis) WHERE d.key STARTS WITH $prefix DETACH DELETE d"
CONTACTS_INDEX = """
MATCH (i:Person)-[a:LIVED_AT]->(:Dwelling)<-[b:LIVED_AT]-(c:Person)
WHERE i.name IS NOT NULL AND c <> i
  AND a.from_date <= $end AND coalesce(a.to_date, $end) >= $start
  AND b.from_date <= $end AND coalesce(b.to_date, $end) >= $start
MATCH (i)-[e:EMPLOYED_BY]->(:Employer)<-[f:EMPLOYED_BY]-(k:Person)
WHERE k <> i AND e.from_date <= $end AND coalesce(e.to_date, $end) >= $start
  AND f.from_date <= $end AND coalesce(f.to_date, $end) >= $start
RETURN DISTINCT i.pid AS pid ORDER BY pid LIMIT 5
"""


@pytest.fixture(scope="module")
def g6pd(driver: neo4j.Driver, database: str, synthetic: LoadedDrop,
         family: dict[str, Any]) -> Iterator[dict[str, str]]:
    """A deficient man, his carrier wife, his mother and their daughter, with the two
    diagnosis rows written as the ingest writes them; removed after the module."""
    exclude = [family[k] for k in ("pid", "father", "mother", "spouse", "child")]
    rows, _, _ = driver.execute_query(G6PD_FAMILY, exclude=exclude, database_=database)
    assert rows, "the synthetic province has no living man with his mother, wife and daughter"
    found = {k: str(v) for k, v in dict(rows[0]).items()}
    results = [(found["index"], "affected", "荧光斑点法", date(2020, 3, 2)),
               (found["wife"], "carrier", "PCR", date(2021, 4, 5))]
    write(driver, database, "e2e_diagnoses", DIAGNOSES, rows=[
        {"pid": pid, "key": f"{PREFIX}{n}", "record_id": f"e2e-{n}", "line": n + 2,
         "result": result, "method": method, "on": on,
         "data": json.dumps({"condition": "g6pd_deficiency", "result": result,
                             "method": method, "test_date": on.isoformat()})}
        for n, (pid, result, method, on) in enumerate(results)])
    yield found
    write(driver, database, "e2e_drop_diagnoses", DROP_DIAGNOSES, prefix=PREFIX)


@pytest.fixture(scope="module")
def contacts_index(driver: neo4j.Driver, database: str, synthetic: LoadedDrop) -> str:
    """Someone who shared a dwelling and an employer with others in the window."""
    start, end = (date.fromisoformat(d) for d in WINDOW)
    rows, _, _ = driver.execute_query(CONTACTS_INDEX, start=start, end=end,
                                      database_=database)
    assert rows, "the synthetic province has no one with flatmates and colleagues in May 2025"
    return str(rows[0]["pid"])


def _api(web: Page, path: str, **params: Any) -> Any:
    got = httpx.get(f"{web.server.url}{path}", params=params, timeout=120,
                    headers=web.server.keys.headers(Role.OFFICER))
    assert got.status_code == 200, got.text
    return got


def _csv(web: Page, button: str) -> list[list[str]]:
    with web.page.expect_download() as got:
        web.page.click(button)
    text = got.value.path().read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("size", SIZES)
def test_contacts_view_lists_ranks_and_exports(web: Page, size: str,
                                               contacts_index: str) -> None:
    web.page.set_viewport_size(SIZES[size])
    web.sign_in(Role.OFFICER)
    api = _api(web, f"/v1/persons/{contacts_index}/contacts", **{
        "from": WINDOW[0], "to": WINDOW[1]}).json()
    kinds = {k for item in api["items"] for k in item["kinds"]}
    assert {"cohabitation", "colleague"} <= kinds and api["count"] >= 2
    web.open(f"#/contacts/{contacts_index}/{WINDOW[0]}/{WINDOW[1]}/1")
    web.page.wait_for_selector(f"#contacts-result {READY}", timeout=60_000)
    rows = web.page.locator("#contacts-result tbody tr")
    assert rows.count() == api["count"]
    names = rows.locator("td:nth-child(2)").all_inner_texts()
    # (a contact with no name registered is shown by its pid, a link to the person)
    assert names == [i["person"]["name"] or i["person"]["pid"] for i in api["items"]], \
        "closest first, as ranked"
    days = rows.locator("td:nth-child(5)").all_inner_texts()
    assert days == [str(i["days"]) for i in api["items"]]
    # the employer a colleague shared is named; the window and count are stated
    colleague = next(i for i in api["items"] if "colleague" in i["kinds"])
    at = [i["person"]["pid"] for i in api["items"]].index(colleague["person"]["pid"])
    link = next(k for k in colleague["links"] if k["kind"] == "colleague")
    cell = rows.nth(at).locator("td:nth-child(4)").inner_text()
    assert "同单位" in cell and (link["place_name"] or link["place"]) in cell
    assert f"{link['days']} 天" in cell
    summary = web.page.inner_text("#contacts-summary")
    assert WINDOW[0] in summary and WINDOW[1] in summary and f"共 {api['count']} 人" in summary
    # the field team's CSV: one row per contact, in rank order, ID numbers masked
    table = _csv(web, "#export-csv")
    assert table[0][:4] == ["序号", "姓名", "人员编号", "身份证号"]
    assert len(table) == api["count"] + 1
    assert [r[1] for r in table[1:]] == [i["person"]["name"] or "" for i in api["items"]]
    assert [r[6] for r in table[1:]] == [str(i["days"]) for i in api["items"]]
    numbers = [r[3] for r in table[1:] if r[3]]
    assert numbers and all("*" in n for n in numbers), "officers export masked ID numbers"
    assert web.fits_width()
    web.shot(f"contacts-{size}")

    # without kin, with the second ring: the page asks what the API answers
    web.page.uncheck(".contact-kind[value=kin]")
    web.page.select_option("#contacts-ring", "2")
    web.page.click("#contacts-form button[type=submit]")
    web.page.wait_for_selector("#contacts-result tbody tr.ring2", timeout=60_000)
    ring = _api(web, f"/v1/persons/{contacts_index}/contacts", ring=2,
                kinds="household,cohabitation,colleague",
                **{"from": WINDOW[0], "to": WINDOW[1]}).json()
    assert rows.count() == ring["count"]
    assert web.page.locator("#contacts-result tbody tr.ring2").count() == sum(
        i["ring"] == 2 for i in ring["items"]) >= 1
    assert "近亲" not in web.page.inner_text("#contacts-result tbody")
    first_far = next(i for i in ring["items"] if i["ring"] == 2)
    via = next(i["person"]["name"] or i["person"]["pid"] for i in ring["items"]
               if i["person"]["pid"] == first_far["via"])
    assert f"第二圈（经 {via}）" in web.page.inner_text("#contacts-result tbody")


@pytest.mark.parametrize("size", SIZES)
def test_g6pd_cascade_and_couples_by_the_x_linked_rules(web: Page, size: str,
                                                         g6pd: dict[str, str]) -> None:
    web.page.set_viewport_size(SIZES[size])
    web.sign_in(Role.OFFICER)
    api = _api(web, f"/v1/persons/{g6pd['index']}/conditions/g6pd_deficiency/cascade",
               max_degree=4).json()
    assert api["fallback"] is None, "the exact model ran (else 50 % is not the answer)"
    web.open(f"#/conditions/cascade/g6pd_deficiency/{g6pd['index']}")
    web.page.wait_for_selector(f"#condition-cascade-result {READY}", timeout=60_000)
    rows = web.page.locator("#condition-cascade-result tbody tr")
    assert rows.count() == api["count"]
    shown = {}
    for i in range(rows.count()):
        pid = rows.nth(i).locator("td:nth-child(2) a").get_attribute("href").rsplit("/", 1)[1]
        shown[pid] = rows.nth(i).locator("td").all_inner_texts()
    # columns: rank, relative, term, degree, r, carrier, affected, method, result, residence
    assert shown[g6pd["mother"]][5] == "100.0%", "the mother of an affected man carries"
    assert shown[g6pd["daughter"]][5] == "100.0%", "his daughter takes his X"
    assert shown[g6pd["daughter"]][6] == "50.0%", "and her carrier mother's X with 1/2"
    assert shown[g6pd["daughter"]][4] == "1" and shown[g6pd["mother"]][4] == "1"
    assert shown[g6pd["daughter"]][2] == "女儿" and shown[g6pd["mother"]][2] == "母亲"
    assert "X 连锁隐性遗传" in web.page.inner_text("#cascade-index")
    assert "患病" in web.page.inner_text("#cascade-index")
    ranked = [rows.nth(i).locator("td:nth-child(2)").inner_text() for i in range(rows.count())]
    assert ranked == [i["person"]["name"] or i["person"]["pid"] for i in api["items"]]
    table = _csv(web, "#export-csv")
    assert len(table) == api["count"] + 1 and table[0][0] == "序号"
    assert web.fits_width()
    web.shot(f"g6pd-cascade-{size}")

    web.page.click("[data-tab=couples]")
    web.page.wait_for_selector(f"#condition-couples-result {READY}", timeout=60_000)
    couples = _api(web, "/v1/conditions/g6pd_deficiency/couples", limit=200).json()
    pair = next(c for c in couples["items"] if c["husband"]["pid"] == g6pd["index"])
    assert pair["probability_exact"] == "1/2"  # (g_w/2)(1 + g_h)/2 with g_w = g_h = 1
    lines = web.page.locator("#condition-couples-result tbody tr")
    assert lines.count() == couples["count"]
    ours = lines.filter(has=web.page.locator(f"a[href='#/person/{g6pd['index']}']"))
    cells = ours.locator("td").all_inner_texts()
    assert cells[2] == "子女有患病风险" and cells[3] == "50.0% (1/2)"
    assert cells[4].startswith("患病") and cells[5].startswith("携带者")
    assert web.fits_width()
    web.shot(f"g6pd-couples-{size}")

    web.page.click("[data-tab=table]")
    web.page.wait_for_selector("#condition-table tbody tr")
    listed = web.page.locator("#condition-table tbody tr")
    conditions = _api(web, "/v1/conditions").json()
    assert listed.count() == len(conditions) >= 4
    g6pd_row = listed.filter(has_text="葡萄糖-6-磷酸脱氢酶").locator("td").all_inner_texts()
    assert g6pd_row[1] == G6PD_ICD10 and g6pd_row[2] == "X 连锁隐性遗传"
    assert "汉族 6.5%" in g6pd_row[3] and "黎族 10.0%" in g6pd_row[3]


def test_a_non_carrier_index_is_refused_with_the_reason(web: Page, g6pd: dict[str, str],
                                                        driver: neo4j.Driver,
                                                        database: str) -> None:
    web.sign_in(Role.OFFICER)
    write(driver, database, "e2e_diagnoses", DIAGNOSES, rows=[
        {"pid": g6pd["mother"], "key": f"{PREFIX}normal", "record_id": "e2e-normal",
         "line": 9, "result": "normal", "method": "基因测序", "on": date(2022, 1, 1),
         "data": "{}"}])
    try:
        web.open(f"#/conditions/cascade/g6pd_deficiency/{g6pd['mother']}")
        # genotyped normal: no copy, so she is no index case (and contradicts her son:
        # the exact model would refuse; the page says why in the officer's language)
        web.page.wait_for_selector("#condition-cascade-result :is(.state.error, tbody tr)",
                                   timeout=60_000)
        assert "未携带该病致病基因" in web.page.inner_text("#condition-cascade-result")
    finally:
        write(driver, database, "e2e_drop_one", "MATCH (d:Diagnosis {key: $k}) DETACH DELETE d",
              k=f"{PREFIX}normal")
    web.console.errors[:] = [e for e in web.console.errors if "Bad Request" not in e
                             and "400" not in e and "422" not in e]


@pytest.mark.parametrize("size", SIZES)
def test_exports_download_valid_gedcom_and_fhir(web: Page, size: str,
                                                g6pd: dict[str, str]) -> None:
    web.page.set_viewport_size(SIZES[size])
    web.sign_in(Role.OFFICER)
    web.open(f"#/person/{g6pd['daughter']}")
    web.page.wait_for_selector("#download-gedcom")
    with web.page.expect_download() as got:
        web.page.click("#download-gedcom")
    text = got.value.path().read_text("utf-8")
    records = gedcom7.loads(text)
    assert gedcom7.validate(records) == []
    indi = {r.xref: r for r in records if r.tag == "INDI"}
    refn = {next(c.text for c in r.children if c.tag == "REFN"): x for x, r in indi.items()}
    assert {g6pd["daughter"], g6pd["index"], g6pd["wife"], g6pd["mother"]} <= set(refn)
    parents = next(r for r in records if r.tag == "FAM" and any(
        c.tag == "CHIL" and c.pointer == refn[g6pd["daughter"]] for c in r.children))
    assert {(c.tag, c.pointer) for c in parents.children if c.tag in ("HUSB", "WIFE")} == {
        ("HUSB", refn[g6pd["index"]]), ("WIFE", refn[g6pd["wife"]])}
    fams = sum(r.tag == "FAM" for r in records)
    done = web.page.inner_text("#gedcom-done")
    assert f"{len(indi)} 人" in done and f"{fams} 个家庭" in done

    with web.page.expect_download() as got_fhir:
        web.page.click("#download-fhir")
    bundle = Bundle.model_validate_json(got_fhir.value.path().read_text("utf-8"))
    entries = [e.resource for e in bundle.entry or []]
    related = {r.identifier[0].value: r for r in entries
               if r.get_resource_type() == "RelatedPerson"}
    codes = {pid: related[pid].relationship[0].coding[0].code
             for pid in (g6pd["index"], g6pd["wife"])}
    assert codes == {g6pd["index"]: "FTH", g6pd["wife"]: "MTH"}
    father = next(r for r in entries if r.get_resource_type() == "FamilyMemberHistory"
                  and r.id == f"fmh-{g6pd['index']}")
    assert [c.code.coding[0].code for c in father.condition or []] == [G6PD_ICD10]
    mother = next(r for r in entries if r.get_resource_type() == "FamilyMemberHistory"
                  and r.id == f"fmh-{g6pd['wife']}")
    assert not mother.condition, "a carrier is not affected: no condition in her history"
    histories = sum(r.get_resource_type() == "FamilyMemberHistory" for r in entries)
    done = web.page.inner_text("#fhir-done")
    assert f"亲属 {len(related)} 人" in done and f"家族史 {histories} 条" in done
    assert web.fits_width()
    web.shot(f"exports-{size}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_new_views_speak_the_page_language(web: Page, lang: str, size: str,
                                               g6pd: dict[str, str],
                                               contacts_index: str) -> None:
    web.page.set_viewport_size(SIZES[size])
    _sign_in(web, Role.OFFICER, lang)
    _visit(web, f"#/contacts/{contacts_index}/{WINDOW[0]}/{WINDOW[1]}/2",
           "#contacts-result tbody tr")
    _check(web, lang, "contacts")
    web.page.locator("#contacts-result details.records-of summary").first.click()
    _check(web, lang, "contacts with records open")
    _visit(web, "#/contacts", "#contacts-form")
    _check(web, lang, "contacts form")
    _visit(web, f"#/conditions/cascade/g6pd_deficiency/{g6pd['index']}",
           "#condition-cascade-result tbody tr")
    _check(web, lang, "condition cascade")
    _visit(web, "#/conditions/couples/g6pd_deficiency", "#condition-couples-result tbody tr")
    _check(web, lang, "condition couples")
    _visit(web, "#/conditions/table", "#condition-table tbody tr")
    _check(web, lang, "conditions table")
    _visit(web, f"#/person/{g6pd['daughter']}", "#download-gedcom")
    with web.page.expect_download():
        web.page.click("#download-gedcom")
    web.page.wait_for_selector("#gedcom-done")
    with web.page.expect_download():
        web.page.click("#download-fhir")
    web.page.wait_for_selector("#fhir-done")
    _check(web, lang, "person page exports")
