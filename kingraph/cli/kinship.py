"""``kingraph kin | relate | pedigree | cascade | couples``: kinship and thalassemia.

Persons are given by pid or ID number. Tables print Chinese terms; ``--json``
prints machine-readable output (pids, never names or ID numbers).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import typer
from rich.table import Table

from kingraph.cli.common import console, driver, settings


def register(app: typer.Typer) -> None:
    """Add the kinship and thalassemia commands."""
    for name, fn in (("kin", kin), ("relate", relate), ("pedigree", pedigree_cmd),
                     ("cascade", cascade_cmd), ("couples", couples_cmd),
                     ("conditions", conditions_cmd)):
        app.command(name=name)(fn)


def _dump(payload: object) -> None:
    console.print_json(json.dumps(payload, ensure_ascii=False, default=str))


def _frac(value: Any) -> str:
    return str(value)


def kin(
    person: str = typer.Argument(..., help="pid or ID number"),
    degree: int = typer.Option(3, "--degree", "-d", help="Genetic degree, 1..6."),
    in_laws: bool = typer.Option(False, "--in-laws", help="Add relatives by marriage."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List a person's relatives (亲属) within a genetic degree."""
    from queries import kinship, persons

    config = settings()
    with driver(config) as drv:
        pid = persons.resolve(drv, config.neo4j_database, person)
        found = kinship.relatives(drv, config.neo4j_database, pid, degree, in_laws)
    if as_json:
        _dump(found.table().to_dicts())
        return
    table = Table(title=f"亲属 (degree ≤ {degree}): {len(found.relatives)}")
    for col in ("称谓", "pid", "关系", "亲等", "r", "路径", "对方称我", "来源"):
        table.add_column(col)
    for rel in found.relatives:
        table.add_row(rel.term.zh, rel.pid, rel.kind.value, str(rel.degree or "-"),
                      _frac(rel.r), ",".join(rel.path), rel.inverse.zh if rel.inverse else "",
                      str(len(rel.records)) + (" (推断)" if rel.inferred else ""))
    console.print(table)


def relate(
    a: str = typer.Argument(..., help="pid or ID number"),
    b: str = typer.Argument(..., help="pid or ID number"),
    bound: int = typer.Option(6, help="Generations searched above each person, 1..6."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """How two persons are related: φ, r, paths, terms, and the marriage check (民法典1048)."""
    from queries import kinship, persons

    config = settings()
    db = config.neo4j_database
    with driver(config) as drv:
        rel = kinship.relationship(drv, db, persons.resolve(drv, db, a),
                                   persons.resolve(drv, db, b), bound)
    payload = {
        "phi": str(rel.phi), "r": _frac(rel.r), "degree": rel.degree,
        "term_ab": rel.term_ab.zh if rel.term_ab else None,
        "term_ba": rel.term_ba.zh if rel.term_ba else None,
        "paths": [{"ancestor": p.ancestor, "steps": ",".join(p.steps),
                   "contribution": str(p.contribution)} for p in rel.paths],
        "marriage": {"verdict": rel.marriage.verdict.value, "reason": rel.marriage.reason_zh},
    }
    if as_json:
        _dump(payload)
        return
    console.print(f"φ = {rel.phi}   r = {rel.r}   亲等 = {rel.degree or '-'}")
    console.print(f"A 称 B: {payload['term_ab'] or '-'}   B 称 A: {payload['term_ba'] or '-'}")
    table = Table(title="血缘路径 (Wright)")
    for col in ("共同祖先", "路径", "贡献"):
        table.add_column(col)
    for p in rel.paths:
        table.add_row(p.ancestor, ",".join(p.steps), str(p.contribution))
    console.print(table)
    console.print(f"婚姻审查: [bold]{rel.marriage.verdict.value}[/] {rel.marriage.reason_zh}")


def pedigree_cmd(
    person: str = typer.Argument(..., help="pid or ID number"),
    up: int = typer.Option(3, help="Generations up, 0..6."),
    down: int = typer.Option(3, help="Generations down, 0..6."),
    fmt: str = typer.Option("table", "--format",
                            help="table | json | ped | fam | gedcom | fhir"),
) -> None:
    """Print a person's pedigree (家系): a table, JSON, LINKAGE PED, PLINK .fam, GEDCOM 7,
    or the family as a FHIR R4 Bundle (RelatedPerson, FamilyMemberHistory)."""
    from queries import exports, persons, thalassemia

    if fmt not in ("table", "json", "ped", "fam", "gedcom", "fhir"):
        raise typer.BadParameter("format must be table, json, ped, fam, gedcom or fhir")
    config = settings()
    with driver(config) as drv:
        pid = persons.resolve(drv, config.neo4j_database, person)
        if fmt in ("gedcom", "fhir"):
            if fmt == "gedcom":
                text = exports.gedcom(drv, config.neo4j_database, pid, up, down)[0]
            else:
                bundle = exports.fhir(drv, config.neo4j_database, pid, max(down, 1))[0]
                text = json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"
            typer.echo(text, nl=False)
            return
        view = thalassemia.screened_pedigree(drv, config.neo4j_database, pid, up, down)
    if fmt in ("ped", "fam"):
        typer.echo(view.ped() if fmt == "ped" else view.fam(), nl=False)
        return
    frame = view.table().select("pid", "sex", "birth_date", "death_date", "father", "mother",
                                "generation", "inbreeding")
    if fmt == "json":
        _dump(frame.to_dicts())
        return
    table = Table(title=f"家系: {len(view.pedigree)} 人")
    for col in ("pid", "性别", "出生", "死亡", "父", "母", "代"):
        table.add_column(col)
    for row in frame.sort("generation").iter_rows():
        table.add_row(*(str(v) if v is not None else "" for v in row[:7]))
    console.print(table)


def cascade_cmd(
    person: str = typer.Argument(..., help="index case: pid or ID number"),
    degree: int = typer.Option(4, "--degree", "-d", help="Genetic degree, 1..6."),
    condition: str = typer.Option("thalassemia", "--condition",
                                  help="thalassemia, or a code of `kingraph conditions`."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The cascade-screening worklist (级联筛查) around an index case."""
    from queries import persons, thalassemia

    if condition != "thalassemia":
        _condition_cascade(person, condition, degree, as_json)
        return
    config = settings()
    with driver(config) as drv:
        pid = persons.resolve(drv, config.neo4j_database, person)
        found = thalassemia.cascade(drv, config.neo4j_database, pid, degree)
    if as_json:
        _dump(found.table().to_dicts())
        return
    genes = "+".join(g.value for g in found.genes)
    table = Table(title=f"级联筛查 ({genes}, degree ≤ {degree}): {len(found.entries)}")
    for col in ("称谓", "pid", "亲等", "r", "筛查结果", "检测日期", "现居", "携带概率", "方法"):
        table.add_column(col)
    for e in found.entries:
        table.add_row(e.relation.term.zh, e.person.pid, str(e.relation.degree),
                      str(e.relation.r), e.facts.status.value if e.facts.status else "未筛查",
                      str(e.facts.tested_on or ""), e.facts.division_name or "",
                      f"{e.probability:.1%}", e.method.value)
    console.print(table)
    if found.fallback:
        console.print(f"prior model used: {found.fallback}")


def couples_cmd(
    division: str = typer.Option(None, help="County or prefecture code."),
    since: str = typer.Option(None, help="ISO date: couples with an event since."),
    limit: int = typer.Option(50, min=1, help="Rows to print."),
    condition: str = typer.Option("thalassemia", "--condition",
                                  help="thalassemia, or a recessive condition's code."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """At-risk couples (高风险夫妇): prenatal-diagnosis list, then partner screening."""
    from queries import thalassemia

    day = date.fromisoformat(since) if since else None
    if condition != "thalassemia":
        _condition_couples(condition, division, day, limit, as_json)
        return
    config = settings()
    with driver(config) as drv:
        found = thalassemia.at_risk_couples(drv, config.neo4j_database, division, day)
    rows = [{"husband": c.husband, "wife": c.wife, "list": c.classification.value,
             "risk": str(c.severe_probability),
             "outcomes": [r.outcome.value for r in c.risk.risks],
             "pregnancy": c.pregnancy_status, "division": c.division} for c in found[:limit]]
    if as_json:
        _dump(rows)
        return
    table = Table(title=f"高风险夫妇: {len(found)}")
    for col in ("名单", "丈夫 pid", "妻子 pid", "风险/胎", "结局", "孕情", "地区"):
        table.add_column(col)
    for row in rows:
        table.add_row(str(row["list"]), str(row["husband"]), str(row["wife"]), str(row["risk"]),
                      ",".join(row["outcomes"]), str(row["pregnancy"] or ""),  # type: ignore[arg-type]
                      str(row["division"] or ""))
    console.print(table)


def conditions_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The conditions table (遗传病): mode, allele frequency by ethnic group, source."""
    from kingraph import conditions

    rows = [{"code": c.code, "name": c.name_zh, "icd10": c.icd10, "mode": c.mode.value,
             "allele_frequency": c.allele_frequency, "source": c.source}
            for c in conditions.table().values()]
    if as_json:
        _dump(rows)
        return
    table = Table(title=f"遗传病参考表: {len(rows)}")
    for col in ("code", "名称", "ICD-10", "遗传方式", "等位基因频率 (汉/黎)"):
        table.add_column(col)
    for c in conditions.table().values():
        table.add_row(c.code, c.name_zh, c.icd10, c.mode.value,
                      f"{c.frequency('01'):.3g} / {c.frequency('19'):.3g}")
    console.print(table)


def _condition_cascade(person: str, condition: str, degree: int, as_json: bool) -> None:
    from queries import conditions, persons

    config = settings()
    with driver(config) as drv:
        pid = persons.resolve(drv, config.neo4j_database, person)
        found = conditions.cascade(drv, config.neo4j_database, pid, condition, degree)
    if as_json:
        _dump(found.table().to_dicts())
        return
    table = Table(title=f"级联检测 ({found.condition.code}, {found.condition.mode.value}, "
                        f"degree ≤ {degree}): {len(found.entries)}")
    for col in ("称谓", "pid", "性别", "亲等", "r", "结果", "现居", "携带概率", "患病概率",
                "方法"):
        table.add_column(col)
    for e in found.entries:
        latest = e.facts.latest
        table.add_row(e.relation.term.zh, e.person.pid, e.person.sex or "",
                      str(e.relation.degree), f"{e.r:.3g}",
                      latest.result.value if latest else "未检测", e.facts.division_name or "",
                      f"{e.carrier:.1%}", f"{e.affected:.1%}", e.method.value)
    console.print(table)
    if found.fallback:
        console.print(f"prior model used: {found.fallback}")


def _condition_couples(condition: str, division: str | None, since: date | None, limit: int,
                       as_json: bool) -> None:
    from queries import conditions

    config = settings()
    with driver(config) as drv:
        found = conditions.at_risk_couples(drv, config.neo4j_database, condition, division,
                                           since)
    rows = [{"husband": c.husband, "wife": c.wife, "list": c.classification.value,
             "risk": str(c.probability), "pregnancy": c.pregnancy_status,
             "division": c.division} for c in found[:limit]]
    if as_json:
        _dump(rows)
        return
    table = Table(title=f"高风险夫妇 ({condition}): {len(found)}")
    for col in ("名单", "丈夫 pid", "妻子 pid", "风险/胎", "孕情", "地区"):
        table.add_column(col)
    for row in rows:
        table.add_row(*(str(row[k] or "") for k in ("list", "husband", "wife", "risk",
                                                     "pregnancy", "division")))
    console.print(table)
