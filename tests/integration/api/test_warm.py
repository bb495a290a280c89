"""Each API worker makes what the officers' page opens with before anyone asks for it."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from api.app import create_app
from api.flow_tables import page_period
from api.runtime import Runtime
from api.warm import OPEN_QUEUE
from ingest import stewardship
from ingest.stewardship import graph_version
from kingraph.settings import Settings
from queries import migration
from queries.thalassemia import worklists as thalassemia
from tests.integration.api.conftest import api_settings, serving
from tests.integration.synthetic import LoadedDrop


def _kept(rt: Runtime, name: str, ready: Any) -> Any:
    deadline = time.monotonic() + 60
    while (found := rt.kept.get(name)) is None or not ready(found):
        assert time.monotonic() < deadline, f"{name} not made within 60 s of start"
        time.sleep(0.1)
    return found


def test_a_worker_makes_the_couple_lists_flows_and_queue_order_before_anyone_asks(
        settings: Settings, synthetic: LoadedDrop, tmp_path: Path) -> None:
    # At a province's size each takes seconds (couples 7-8 s, ten years of flows about
    # 10 s at 1 M): the first officer must not wait.  No request is sent here.
    app = create_app(api_settings(settings, tmp_path, api_warm_every_s=30.0))
    with serving(settings, app):
        rt: Runtime = app.state.runtime
        today = date.today()
        version = graph_version(rt.sync_driver, rt.database)
        lists = _kept(rt, "couple_lists", lambda c: len(c.entries) > 0)
        assert list(lists.entries) == [(version, today)]
        expected = thalassemia.at_risk_couples(rt.sync_driver, rt.database, as_of=today)
        assert expected
        assert [(c.husband, c.wife) for c in lists.entries[(version, today)]] == [
            (c.husband, c.wife) for c in expected]
        start, end = page_period(today)
        assert (start, end) == (date(today.year - 10, 1, 1), date(today.year, 12, 31))
        key = (version, (start, end, "county"))
        tables = _kept(rt, "flow_tables", lambda t: key in t.entries)
        direct = migration.flows(rt.sync_driver, rt.database, start, end, "county")
        assert direct.od.height > 0
        assert tables.entries[key].od.equals(direct.od)
        opened = (version, OPEN_QUEUE)
        orders = _kept(rt, "review_orders", lambda o: opened in o.entries)
        assert orders.entries[opened] == stewardship.queue_order(rt.sync_driver, rt.database,
                                                                 OPEN_QUEUE)
        assert orders.entries[opened]
