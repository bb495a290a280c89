"""``kingraph policy show | check FILE | use FILE | whatif FILE --as-of DATE``: the birth-policy
table as the operator's data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from kingraph.cli.common import activate_policy, console, driver, settings

policy_app = typer.Typer(help="The birth-policy table (政策表): show, check, install, what-if.",
                         no_args_is_help=True)

FILE = typer.Argument(..., exists=False, help="A policy table file (JSON).")


def register(app: typer.Typer) -> None:
    """Add the ``policy`` group."""
    app.add_typer(policy_app, name="policy")


def _versions(table: Any) -> Table:
    out = Table("版本 version", "施行 from", "至 until", "日期 date", "条款 rules", "名称 title")
    versions = table.versions
    for i, v in enumerate(versions):
        until = (versions[i + 1].effective_from.isoformat() + " 前" if i + 1 < len(versions)
                 else f"{table.covers_until} (covers_until)")
        window = v.review_window
        confirmed = ("已确认 confirmed" if v.effective_from_confirmed else
                     f"待确认 unconfirmed, window -{window.days_before}/+{window.days_after} d"
                     if window else "待确认 unconfirmed")
        out.add_row(v.id, v.effective_from.isoformat(), until, confirmed,
                    "review only" if v.review_only else str(len(v.rules)), v.title.zh)
    return out


def _summary(table: Any) -> dict[str, Any]:
    return {"source": table.source, "table_version": table.table_version,
            "digest": table.digest, "covers_from": table.covers_from.isoformat(),
            "covers_until": table.covers_until.isoformat() if table.covers_until else None,
            "versions": [{"id": v.id, "effective_from": v.effective_from.isoformat(),
                          "confirmed": v.effective_from_confirmed,
                          "rules": [r.id for r in v.rules]} for v in table.versions]}


def _print(table: Any, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps(_summary(table), ensure_ascii=False))
        return
    console.print(f"政策表 table {table.table_version} · digest {table.digest} · "
                  f"source {table.source}")
    console.print(f"适用范围 range {table.covers_from} – {table.covers_until}")
    console.print(_versions(table))


@policy_app.command(name="show")
def show(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the table in force: where it comes from, its version, digest and versions."""
    from queries.eligibility import policy

    activate_policy(settings())
    _print(policy.load(), as_json)


@policy_app.command(name="check")
def check(path: Path = FILE,
          as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Check a table file; a malformed one is refused with the line and reason of each problem."""
    from queries.eligibility import policy_file

    table = policy_file.read(path)
    _print(table, as_json)
    if not as_json:
        console.print("[green]OK[/]: the table may be installed with `kingraph policy use`.")


@policy_app.command(name="use")
def use(path: Path = FILE) -> None:
    """Check a table file and install it as the table in force (var/policy/); a running API
    reads it at its next start."""
    from queries.eligibility import policy_file

    config = settings()
    table = policy_file.install(path, config.var_dir)
    console.print(f"installed {table.table_version} (digest {table.digest}) at {table.source}")
    if config.policy_file is not None:
        console.print("[yellow]note[/]: KINGRAPH_POLICY_FILE is set and names the table in "
                      "force; unset it for the installed table to apply.")


@policy_app.command(name="whatif")
def whatif(
    path: Path = FILE,
    as_of: str = typer.Option(..., "--as-of", help="The day to decide on, YYYY-MM-DD."),
    sample: int = typer.Option(10, "--sample", min=0, max=200, help="Decisions to show."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Run a draft table over every couple on a date beside the table in force: which
    couples' outcomes change, by county and outcome, with a sample of decisions."""
    from queries.eligibility import policy_file
    from queries.eligibility import whatif as what_if

    config = settings()
    activate_policy(config)
    draft = policy_file.read(path)
    with driver(config) as drv:
        result = what_if.whatif(drv, config.neo4j_database, draft, date.fromisoformat(as_of))
    report = what_if.summary(result, sample)
    if as_json:
        console.print_json(json.dumps(report, ensure_ascii=False, default=str))
        return
    _print_whatif(report)


def _print_whatif(report: dict[str, Any]) -> None:
    console.print(f"{report['as_of']}: {report['couples']} couples, {report['changed']} change "
                  f"({report['base']['table_version']} → {report['draft']['table_version']}); "
                  f"{report['seconds']['total']:.1f} s")
    moves = Table("之前 before", "之后 after", "夫妻 couples")
    for row in report["transitions"]:
        moves.add_row(row["before"], row["after"], str(row["couples"]))
    console.print(moves)
    places = Table("区县 county", "名称 name", "变化 changed", "变化明细 changes")
    for row in report["by_division"]:
        detail = ", ".join(f"{t['before']}→{t['after']} {t['couples']}" for t in row["changes"])
        places.add_row(row["division"], row["division_name"] or "", str(row["changed"]), detail)
    console.print(places)
    for item in report["sample"]:
        console.print(f"[bold]{item['husband']} + {item['wife']}[/] ({item['division']}): "
                      f"{item['before']['outcome']} → {item['after']['outcome']}")
        for reason in item["after"]["reasons"]:
            console.print(f"  {reason['zh']}")
