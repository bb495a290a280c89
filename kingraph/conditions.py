"""The conditions table (遗传病参考表): inherited conditions as data, ``data/conditions.json``.

What a condition *is* is not in the ``diagnosis`` feed (docs/feeds.md): its inheritance
mode (autosomal recessive ``AR``, autosomal dominant ``AD``, X-linked recessive ``XLR``),
the frequency of its risk allele by ethnic group with the published source, whether
heterozygous women may test affected (G6PD deficiency), and a new-mutation rate for the
Haldane correction.  The loader checks the feed's ``condition`` codes against it; the
cascade and couple rules of :mod:`queries.conditions` read the rest.  The thalassemias
keep their own allele table (``queries/thalassemia/data/thalassemia.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from kingraph.errors import InvalidArgument


class Mode(StrEnum):
    """How a condition is inherited."""

    AR = "AR"  # autosomal recessive: affected with two copies
    AD = "AD"  # autosomal dominant: affected with one copy
    XLR = "XLR"  # X-linked recessive: men with one copy, women with two

    @property
    def x_linked(self) -> bool:
        """True for a locus on the X chromosome."""
        return self is Mode.XLR

    @property
    def recessive(self) -> bool:
        """True where carriers are healthy and couples can be at risk together."""
        return self is not Mode.AD


@dataclass(frozen=True)
class Condition:
    """One row of the conditions table."""

    code: str
    name_zh: str
    name_en: str
    icd10: str
    mode: Mode
    allele_frequency: dict[str, float]  # by ethnic group (han, li, other)
    source: str
    heterozygote_expression: bool = False  # heterozygous women may test affected
    mutation_rate: float = 0.0  # new risk alleles per transmitted chromosome
    note: str = ""

    def frequency(self, ethnicity: str | None) -> float:
        """The risk-allele frequency for a GB/T 3304 code or group name."""
        group = ethnic_group(ethnicity)
        return self.allele_frequency.get(group, self.allele_frequency[_default()])


@cache
def _raw() -> dict[str, Any]:
    text = (resources.files("kingraph") / "data" / "conditions.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _default() -> str:
    return str(_raw()["ethnicities"]["default"])


def ethnic_group(ethnicity: str | None) -> str:
    """The frequency group (``han``, ``li``, ``other``) of a GB/T 3304 code or name."""
    codes: dict[str, str] = _raw()["ethnicities"]["codes"]
    return codes.get((ethnicity or "").strip(), _default())


@cache
def table() -> dict[str, Condition]:
    """Every condition by code."""
    out: dict[str, Condition] = {}
    for row in _raw()["conditions"]:
        out[row["code"]] = Condition(
            row["code"], row["name_zh"], row["name_en"], row["icd10"], Mode(row["mode"]),
            {k: float(v) for k, v in row["allele_frequency"].items()}, row["source"],
            bool(row.get("heterozygote_expression", False)),
            float(row.get("mutation_rate", 0.0)), row.get("note", ""))
    return out


def codes() -> frozenset[str]:
    """The condition codes the ``diagnosis`` feed may use."""
    return frozenset(table())


def get(code: str) -> Condition:
    """The condition of a code.

    Raises:
        InvalidArgument: the code is not in the table.
    """
    found = table().get((code or "").strip().lower())
    if found is None:
        raise InvalidArgument("condition: not_in_conditions_table", reason="unknown_condition")
    return found


def genotyping(method: str | None) -> bool:
    """True when a method names genotyping (the only method that tells a carrier)."""
    text = (method or "").lower()
    return any(marker in text for marker in _raw()["genotyping_methods"])
