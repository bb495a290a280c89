"""``kingraph trajectory`` and ``kingraph flows``: residence histories and migration flows."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import typer
from rich.table import Table

from kingraph.cli.common import console, driver, settings


def register(app: typer.Typer) -> None:
    """Add ``trajectory`` and ``flows``."""
    app.command(name="trajectory")(trajectory)
    app.command(name="flows")(flows)


def trajectory(
    person: str = typer.Argument(..., help="ID number or pid."),
    view: str = typer.Option("all", help="all | registered | lived (one timeline of where "
                                         "the person actually lived)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A person's registration (户籍) and residence (居住) episodes, 人户分离 flagged."""
    from queries import migration, persons

    if view not in migration.VIEWS:
        raise typer.BadParameter("expected all, registered or lived", param_hint="--view")

    config = settings()
    with driver(config) as drv:
        pid = persons.resolve(drv, config.neo4j_database, person)
        found = migration.trajectory(drv, config.neo4j_database, pid)
    episodes = found.view(view)
    if as_json:
        console.print_json(json.dumps([asdict(e) for e in episodes], default=str))
        return
    table = Table("类型 kind", "起 from", "止 to", "区划 division", "名称 name", "人户分离",
                  "来源记录 records")
    for e in episodes:
        kind = "户籍" if e.kind == "registration" else "居住"
        table.add_row(kind, str(e.start or "?"), str(e.end or "至今"),
                      e.current_code or "?", e.division_name or "", "是" if e.separated else "",
                      str(len(e.records)))
    console.print(table)


def flows(
    start: str = typer.Option(..., help="First day, YYYY-MM-DD."),
    end: str = typer.Option(..., help="Last day, YYYY-MM-DD."),
    level: str = typer.Option("county", help="county | prefecture"),
    top: int = typer.Option(10, min=1, max=200, help="Corridors to show."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Registration moves between divisions: top corridors (迁移走廊) and net migration."""
    from queries import migration

    config = settings()
    with driver(config) as drv:
        found = migration.flows(drv, config.neo4j_database, date.fromisoformat(start),
                                date.fromisoformat(end), level, top)
    if as_json:
        console.print_json(json.dumps({"corridors": found.corridors.to_dicts(),
                                       "net": found.net.to_dicts()}, ensure_ascii=False))
        return
    table = Table("迁出地 origin", "迁入地 destination", "人次 moves")
    for r in found.corridors.iter_rows(named=True):
        table.add_row(f"{r['origin_name']} {r['origin']}",
                      f"{r['destination_name']} {r['destination']}", str(r["moves"]))
    console.print(table)
    net = Table("区划 division", "迁入 in", "迁出 out", "净迁移 net")
    for r in found.net.iter_rows(named=True):
        unknown = "（区不详）" if r["district_unknown"] else ""
        net.add_row(f"{r['name']}{unknown} {r['division']}", str(r["inflow"]),
                    str(r["outflow"]), str(r["net"]))
    console.print(net)
    if found.net["district_unknown"].any():
        console.print("区不详: records that name only the city, made before its districts "
                      "existed; their district today is not known.")
