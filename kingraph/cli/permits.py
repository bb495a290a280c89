"""``kingraph eligibility`` and ``kingraph permits issue``: birth-permit decisions."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import typer
from rich.table import Table

from kingraph.cli.common import console, driver, settings, writing

permits_app = typer.Typer(help="Birth permits (生育服务证) issued by Kingraph.",
                          no_args_is_help=True)

OUTCOME_ZH = {"eligible": "符合条件", "ineligible": "不符合条件", "needs_review": "需人工审核"}


def register(app: typer.Typer) -> None:
    """Add ``eligibility`` and the ``permits`` group."""
    app.command(name="eligibility")(eligibility)
    app.add_typer(permits_app, name="permits")


def eligibility(
    husband: str = typer.Argument(..., help="The husband's ID number or pid."),
    wife: str = typer.Argument(..., help="The wife's ID number or pid."),
    as_of: str = typer.Option(..., "--as-of", help="Application date, YYYY-MM-DD."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Decide whether a couple may have their next child (生育审批), with reasons and evidence."""
    from queries import eligibility, persons

    config = settings()
    db = config.neo4j_database
    with driver(config) as drv:
        found = eligibility.decide_couple(drv, db, persons.resolve(drv, db, husband),
                                           persons.resolve(drv, db, wife),
                                           date.fromisoformat(as_of))
    if as_json:
        console.print_json(json.dumps(asdict(found), ensure_ascii=False, default=str))
        return
    table = Table("项目 item", "内容 value")
    table.add_row("结论 outcome", f"{OUTCOME_ZH[found.outcome.value]} ({found.outcome.value})")
    table.add_row("孩次 child", str(found.child_order or "?"))
    table.add_row("条款 rule", found.rule_id or "")
    table.add_row("政策版本 version", found.policy_version)
    table.add_row("法律依据 reference", found.legal_reference)
    for reason in found.reasons:
        table.add_row("理由 reason", f"{reason.zh}\n{reason.en}")
    table.add_row("依据记录 evidence", "\n".join(found.evidence))
    console.print(table)


@permits_app.command(name="issue")
def issue(
    as_of: str = typer.Option(..., "--as-of", help="The day of the run, YYYY-MM-DD."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    wait: bool = typer.Option(True, help="Wait while another writer holds the graph's "
                                         "store (a load would change the couples); "
                                         "--no-wait gives up at once (exit 75)."),
) -> None:
    """Decide for every married couple; issue, close, revoke or flag permits (idempotent)."""
    from graphdb.schema import apply
    from ingest.store import Store
    from queries import eligibility

    config = settings()
    store = Store.for_graph(config.var_dir, config.bolt_uri, config.neo4j_database)
    with writing(store.root, "permits", wait), driver(config) as drv:
        apply(drv, config.neo4j_database)  # a graph loaded before PermitEvent's constraint
        report = eligibility.issue(drv, config.neo4j_database, date.fromisoformat(as_of))
    if as_json:
        console.print_json(json.dumps({"couples": report.couples,
                                       "outcomes": dict(report.outcomes),
                                       "events": dict(report.events)}))
        return
    table = Table("项目 item", "数量 count")
    table.add_row("夫妻 couples", str(report.couples))
    for key, n in sorted(report.outcomes.items()):
        table.add_row(f"{OUTCOME_ZH.get(key, key)} {key}", str(n))
    for key, n in sorted(report.events.items()):
        table.add_row(f"事件 {key}", str(n))
    console.print(table)
