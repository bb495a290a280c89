"""``kingraph contacts``: infectious-disease contacts (传染病密切接触者) of an index case.

Tables print pids (never names or ID numbers); ``--json`` prints the rows; ``--csv``
writes the field team's table (one row per contact and link) to a file.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from kingraph.cli.common import console, driver, settings


def register(app: typer.Typer) -> None:
    """Add the contacts command."""
    app.command(name="contacts")(contacts_cmd)


def contacts_cmd(
    person: str = typer.Argument(..., help="index case: pid or ID number"),
    start: str = typer.Option(..., "--from", help="First day of the window (ISO)."),
    end: str = typer.Option(..., "--to", help="Last day of the window (ISO)."),
    kinds: str = typer.Option("household,cohabitation,colleague,kin", "--kinds",
                              help="Comma-separated kinds of contact."),
    ring: int = typer.Option(1, "--ring", min=1, max=2, help="2: contacts of contacts too."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    csv: Path = typer.Option(None, "--csv", help="Write the table as CSV to this file."),
) -> None:
    """Who shared a household, dwelling or employer with the person in the window, and kin."""
    from queries import contacts, persons

    config = settings()
    with driver(config) as drv:
        pid = persons.resolve(drv, config.neo4j_database, person)
        found = contacts.contacts(drv, config.neo4j_database, pid, date.fromisoformat(start),
                                  date.fromisoformat(end), kinds.split(","), ring)
    frame = found.table()
    if csv is not None:
        frame.write_csv(csv)
        console.print(f"{frame.height} rows written")
    if as_json:
        console.print_json(json.dumps(frame.to_dicts(), ensure_ascii=False, default=str))
        return
    if csv is not None:
        return
    table = Table(title=f"密切接触者 {start}–{end}: {len(found.items)}")
    for col in ("pid", "圈", "经由", "类型", "天数", "场所", "现居", "接近度"):
        table.add_column(col)
    for c in found.items:
        table.add_row(c.pid, str(c.ring), c.via or "", ",".join(k.value for k in c.kinds),
                      str(c.days), c.links[0].place or "", c.division_name or "",
                      f"{c.closeness:.2f}")
    console.print(table)
