"""A pedigree as a FamilySearch GEDCOM 7.0 file (pure: from an extracted pedigree).

Every member is an ``INDI`` record (``REFN`` with the pid, or the caller's pseudonym;
``NAME`` only when names may be shown; ``SEX``; ``BIRT`` and ``DEAT`` with ``DATE``, the
year only when ``years_only``), every couple a ``FAM`` record: each pair of parents
the pedigree gives a child (``CHIL``), and each marriage (``MARR``, ``DIV`` for one
ended by divorce).  Lines follow the 7.0 grammar (``0 HEAD`` / ``1 GEDC`` / ``2 VERS
7.0`` … ``0 TRLR``, UTF-8, no line longer than the text allows); the tests validate the
output with the third-party ``gedcom7`` parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from queries.kinship import PedigreeView

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
SEX = {"1": "M", "2": "F"}


@dataclass(frozen=True)
class GedcomOptions:
    """How persons appear: their id (a pseudonym for researchers), names, full dates."""

    ident: Callable[[str], str] = str
    names: bool = True
    years_only: bool = False
    id_type: str = "kingraph pid"


def _date(value: date | None, years_only: bool) -> str | None:
    if value is None:
        return None
    return str(value.year) if years_only else f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _text(value: str) -> str:
    """Line text: no line breaks, and a leading @ doubled (7.0 payload rule)."""
    flat = " ".join(value.split())
    return "@" + flat if flat.startswith("@") else flat


def to_gedcom(view: PedigreeView, options: GedcomOptions | None = None) -> str:
    """The pedigree as GEDCOM 7.0 text."""
    opts = options or GedcomOptions()
    family = view.family
    members = list(family.persons)
    xref = {pid: f"@I{n}@" for n, pid in enumerate(members, start=1)}
    couples = _couples(view)
    fref = {pair: f"@F{n}@" for n, pair in enumerate(couples, start=1)}
    lines = ["0 HEAD", "1 GEDC", "2 VERS 7.0", "1 SOUR KINGRAPH", "2 NAME Kingraph"]
    for pid in members:
        lines += _individual(view, pid, xref, fref, couples, opts)
    for pair, fam in couples.items():
        lines += _family(pair, fam, xref, fref[pair], opts)
    lines.append("0 TRLR")
    return "\n".join(lines) + "\n"


@dataclass
class _Fam:
    children: list[str]
    married_on: date | None = None
    married: bool = False
    divorced_on: date | None = None
    divorced: bool = False


def _couples(view: PedigreeView) -> dict[tuple[str | None, str | None], _Fam]:
    couples: dict[tuple[str | None, str | None], _Fam] = {}
    for pid in view.family.persons:
        pair = view.pedigree.parents(pid)
        if pair != (None, None):
            couples.setdefault(pair, _Fam([])).children.append(pid)
    for m in view.family.marriages:
        fam = couples.setdefault((m.husband, m.wife), _Fam([]))
        fam.married = True
        fam.married_on = fam.married_on or m.married_on
        if m.end_reason == "divorce":
            fam.divorced, fam.divorced_on = True, m.ended_on
    return couples


def _individual(view: PedigreeView, pid: str, xref: dict[str, str],
                fref: dict[tuple[str | None, str | None], str],
                couples: dict[tuple[str | None, str | None], _Fam],
                opts: GedcomOptions) -> list[str]:
    person = view.family.persons[pid]
    out = [f"0 {xref[pid]} INDI"]
    if opts.names and person.name:
        out.append(f"1 NAME {_text(person.name)}")
    out.append(f"1 SEX {SEX.get(person.sex or '', 'U')}")
    for tag, when in (("BIRT", person.birth_date), ("DEAT", person.death_date)):
        shown = _date(when, opts.years_only)
        if shown:
            out += [f"1 {tag}", f"2 DATE {shown}"]
        elif tag == "DEAT" and person.death_date is None:
            continue
    for pair, fam in couples.items():
        if pid in fam.children:
            out.append(f"1 FAMC {fref[pair]}")
    for pair in couples:
        if pid in pair:
            out.append(f"1 FAMS {fref[pair]}")
    out += [f"1 REFN {_text(opts.ident(pid))}", f"2 TYPE {opts.id_type}"]
    return out


def _family(pair: tuple[str | None, str | None], fam: _Fam, xref: dict[str, str], ref: str,
            opts: GedcomOptions) -> list[str]:
    out = [f"0 {ref} FAM"]
    husband, wife = pair
    if husband in xref:
        out.append(f"1 HUSB {xref[husband]}")
    if wife in xref:
        out.append(f"1 WIFE {xref[wife]}")
    out += [f"1 CHIL {xref[c]}" for c in fam.children]
    for happened, when, tag in ((fam.married, fam.married_on, "MARR"),
                                (fam.divorced, fam.divorced_on, "DIV")):
        if happened:
            out.append(f"1 {tag}")
            shown = _date(when, opts.years_only)
            if shown:
                out.append(f"2 DATE {shown}")
    return out
