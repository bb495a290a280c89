"""Contacts on the real graph: days of overlap on a hand-made graph (known answers by
arithmetic), and against a synthetic drop's truth (residences, employment).

The truth comparison counts what the departments' rows can show: a true stay or job
is observable for the period a cohabitation or employment row of the same person and
place reports (residence_truth.reported: the feeds cover a sample of stays, 人户分离
registrations and a share of others, and 95 % of job rows; a job enrolled twice is two
rows, one of which may be missing).  Every true cohabitant and colleague of an index case
in the window, over the period so reported, must be found (recall >= 0.98) and none
invented (precision >= 0.99): measured 1,064 of 1,064 on the 4,000-person fixture.
Before the wider generator (second enrolments at one
employer, people back at an earlier employer) the person and place alone said a job
was reported: a colleague of an undelivered current job then counted as one to find.
"""

from __future__ import annotations

from datetime import date

import neo4j
import polars as pl
import pytest

from graphdb.connection import write
from ingest.fusion.evaluation import pid_to_truth
from ingest.pipeline import mention_table
from kingraph.errors import InvalidArgument, PersonNotFound
from queries import contacts as tracing
from queries.contacts import Kind
from tests.integration.queries.residence_truth import reported
from tests.integration.synthetic import LoadedDrop, main_pids

PREFIX = "ct-"
SETUP = """
UNWIND $persons AS p CREATE (:Person {pid: p.pid, sex: p.sex, death_date: p.death})
WITH count(*) AS n
MATCH (i:Person {pid: 'ct-index'})
CREATE (h:Household {household_id: 'ct-H1'}), (d:Dwelling {dwelling_id: 'ct-D1'}),
       (e:Employer {code: 'ct-E1', name: '海口某厂'})
WITH i, h, d, e
UNWIND $edges AS row
MATCH (p:Person {pid: row.pid})
CALL (p, row, h, d, e) {
  WITH p, row, h WHERE row.type = 'MEMBER_OF'
  CREATE (p)-[:MEMBER_OF {record: row.record, from_date: row.from, to_date: row.to,
                          division_code: '460106'}]->(h)
}
CALL (p, row, d) {
  WITH p, row, d WHERE row.type = 'LIVED_AT'
  CREATE (p)-[:LIVED_AT {record: row.record, from_date: row.from, to_date: row.to,
                         division_code: '460106'}]->(d)
}
CALL (p, row, e) {
  WITH p, row, e WHERE row.type = 'EMPLOYED_BY'
  CREATE (p)-[:EMPLOYED_BY {record: row.record, from_date: row.from, to_date: row.to,
                            division_code: '460105'}]->(e)
}
"""
KIN = """
MATCH (i:Person {pid: 'ct-index'}), (m:Person {pid: 'ct-mother'}), (s:Person {pid: 'ct-sister'})
MATCH (f:Person {pid: 'ct-father'})
CREATE (i)-[:CHILD_OF {kind: 'biological', records: ['birth|x|ct1']}]->(m),
       (i)-[:CHILD_OF {kind: 'biological', records: ['birth|x|ct1']}]->(f),
       (s)-[:CHILD_OF {kind: 'biological', records: ['birth|x|ct2']}]->(m),
       (s)-[:CHILD_OF {kind: 'biological', records: ['birth|x|ct2']}]->(f)
"""
CLEAN = """
MATCH (n) WHERE n.pid STARTS WITH $p OR n.household_id STARTS WITH $p
   OR n.dwelling_id STARTS WITH $p OR n.code STARTS WITH $p
DETACH DELETE n
"""
WINDOW = (date(2024, 3, 1), date(2024, 3, 30))  # 30 days


@pytest.fixture()
def hand_graph(driver: neo4j.Driver, database: str) -> None:
    people = ["index", "flatmate", "moved_out", "colleague", "old_colleague", "mother",
              "father", "sister", "registered"]
    persons = [{"pid": PREFIX + p, "sex": "1", "death": None} for p in people]
    persons[people.index("father")]["death"] = date(2020, 1, 1)  # died before the window
    d = date
    edges = [
        # the index lived at D1 from 2023 on, in the household since 2010, at E1 until 10 March
        ("index", "LIVED_AT", d(2023, 1, 1), None), ("index", "MEMBER_OF", d(2010, 1, 1), None),
        ("index", "EMPLOYED_BY", d(2020, 1, 1), d(2024, 3, 10)),
        # a flatmate through the whole window; one who moved out on 5 March (5 days)
        ("flatmate", "LIVED_AT", d(2022, 6, 1), None),
        ("moved_out", "LIVED_AT", d(2021, 1, 1), d(2024, 3, 5)),
        # a colleague from 8 March on: 8, 9, 10 March (3 days); one who left in February
        ("colleague", "EMPLOYED_BY", d(2024, 3, 8), None),
        ("old_colleague", "EMPLOYED_BY", d(2019, 1, 1), d(2024, 2, 28)),
        # registered in the household but not living there (人户分离): 30 days
        ("registered", "MEMBER_OF", d(2015, 1, 1), None),
    ]
    rows = [{"pid": PREFIX + p, "type": t, "from": a, "to": b, "record": f"x|{p}|{t}"}
            for p, t, a, b in edges]
    write(driver, database, "ct_clean", CLEAN, p=PREFIX)
    write(driver, database, "ct_setup", SETUP, persons=persons, edges=rows)
    write(driver, database, "ct_kin", KIN)
    yield
    write(driver, database, "ct_clean", CLEAN, p=PREFIX)


def test_days_of_overlap_and_kinds_by_arithmetic(driver: neo4j.Driver, database: str,
                                                 hand_graph: None) -> None:
    found = tracing.contacts(driver, database, PREFIX + "index", *WINDOW)
    by = {c.pid.removeprefix(PREFIX): c for c in found.items}
    days = {p: {(link.kind.value, link.days) for link in c.links} for p, c in by.items()}
    assert days == {
        "flatmate": {("cohabitation", 30)}, "moved_out": {("cohabitation", 5)},
        "colleague": {("colleague", 3)}, "registered": {("household", 30)},
        "mother": {("kin", 30)}, "sister": {("kin", 30)},
    }  # the father died before the window; the old colleague left before it
    assert by["colleague"].links[0].place_name == "海口某厂"
    assert by["moved_out"].links[0].last_day == date(2024, 3, 5)
    assert set(by["flatmate"].links[0].records) == {"x|index|LIVED_AT", "x|flatmate|LIVED_AT"}
    assert by["sister"].links[0].place == "sibling"
    # closest first: a flatmate for the whole window, then the registered household
    # member, kin, the one who moved out (5/30 of a dwelling), the colleague (3/30)
    assert [c.pid.removeprefix(PREFIX) for c in found.items][:2] == ["flatmate", "registered"]
    assert found.items[-1].pid == PREFIX + "colleague"


def test_kinds_filter_and_second_ring(driver: neo4j.Driver, database: str,
                                      hand_graph: None) -> None:
    only = tracing.contacts(driver, database, PREFIX + "index", *WINDOW, kinds=["colleague"])
    assert [c.pid for c in only.items] == [PREFIX + "colleague"]
    ring = tracing.contacts(driver, database, PREFIX + "flatmate", *WINDOW, ring=2,
                            kinds=["cohabitation", "colleague"])
    second = {c.pid: c.via for c in ring.items if c.ring == 2}
    # the flatmate's flatmate (the index) is ring 1; the index's colleague is ring 2
    assert second == {PREFIX + "colleague": PREFIX + "index"}


def test_bad_requests(driver: neo4j.Driver, database: str, hand_graph: None) -> None:
    with pytest.raises(InvalidArgument):
        tracing.contacts(driver, database, PREFIX + "index", *WINDOW, kinds=["school"])
    with pytest.raises(InvalidArgument):
        tracing.contacts(driver, database, PREFIX + "index", date(2024, 1, 1), date(2025, 6, 1))
    with pytest.raises(PersonNotFound):
        tracing.contacts(driver, database, PREFIX + "nobody", *WINDOW)


def _pairs(episodes: pl.DataFrame, place: str, start: date, end: date) -> pl.DataFrame:
    live = episodes.filter((pl.col("from_date") <= end)
                           & (pl.col("to_date").is_null() | (pl.col("to_date") >= start)))
    both = live.join(live, on=place, suffix="_c").filter(
        pl.col("person_key") != pl.col("person_key_c"))
    lo = pl.max_horizontal("from_date", "from_date_c", pl.lit(start))
    hi = pl.min_horizontal(pl.col("to_date").fill_null(end), pl.col("to_date_c").fill_null(end),
                           pl.lit(end))
    return both.filter(lo <= hi).select("person_key", "person_key_c").unique()


def test_contacts_against_the_drops_truth(driver: neo4j.Driver, database: str,
                                          synthetic: LoadedDrop) -> None:
    start, end = date(2025, 5, 1), date(2025, 5, 30)
    stays = reported(synthetic.drop, "cohabitation", "dwelling_id",
                     pl.read_parquet(synthetic.truth / "residences.parquet"))
    jobs = reported(synthetic.drop, "employment", "employer_code",
                    pl.read_parquet(synthetic.truth / "employment.parquet"))
    truth = {Kind.COHABITATION: _pairs(stays, "dwelling_id", start, end),
             Kind.COLLEAGUE: _pairs(jobs, "employer_code", start, end)}
    pids = main_pids(synthetic)
    pid_of = dict(zip(pids["person_key"], pids["pid"], strict=True))
    # A contact's pid is the person most of its mentions are (a pid can be the main pid
    # of a second person fusion wrongly merged one mention of into it).
    links = pl.read_parquet(synthetic.truth / "record_links.parquet")
    key_of = dict(pid_to_truth(mention_table(synthetic.store).drop_nulls("pid"), links)
                  .iter_rows())
    indexes = sorted(set(truth[Kind.COHABITATION]["person_key"].to_list()[:60]
                         + truth[Kind.COLLEAGUE]["person_key"].to_list()[:60]))
    expected: set[tuple[int, int, Kind]] = set()
    for kind, frame in truth.items():
        expected |= {(a, b, kind) for a, b in frame.iter_rows() if a in indexes}
    found: set[tuple[int, int | None, Kind]] = set()
    for key in indexes:
        if key not in pid_of:
            continue
        got = tracing.contacts(driver, database, pid_of[key], start, end,
                               kinds=["cohabitation", "colleague"])
        found |= {(key, key_of.get(c.pid), link.kind) for c in got.items for link in c.links}
    hits = len(expected & found)
    recall, precision = hits / len(expected), hits / len(found)
    assert len(expected) > 100
    assert recall >= 0.98, (recall, len(expected))
    assert precision >= 0.99, (precision, len(found))
