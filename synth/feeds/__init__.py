"""Feed renderers: truth in, rows in the exact column order of ``feeds.md`` out.

Each renderer returns a frame with the spec's columns (dates still as day
numbers, NEVER for empty) plus hidden ``@role`` columns holding the true person
key of everyone the row mentions; :mod:`synth.writer` turns the hidden columns
into ``truth/record_links.parquet`` and drops them from the CSV.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

COLUMNS: dict[str, tuple[str, ...]] = {
    "household": ("record_id", "source", "household_id", "id_number", "name", "former_name",
                  "sex", "birth_date", "ethnicity", "hukou_type", "marital_status",
                  "relation_to_head", "division_code", "address", "registered_on",
                  "deregistered_on", "deregistered_reason"),
    "marriage": ("record_id", "source", "event", "event_date", "husband_id_number",
                 "husband_name", "husband_birth_date", "wife_id_number", "wife_name",
                 "wife_birth_date", "division_code"),
    "birth": ("record_id", "source", "certificate_no", "child_id_number", "child_name",
              "child_sex", "birth_date", "birth_order", "plurality", "mother_id_number",
              "mother_name", "father_id_number", "father_name", "division_code", "hospital"),
    "cohabitation": ("record_id", "source", "id_number", "name", "dwelling_id",
                     "division_code", "address", "from_date", "to_date"),
    "bloodline": ("record_id", "source", "person_id_number", "person_name",
                  "relative_id_number", "relative_name", "relation", "collected_on"),
    "screening": ("record_id", "source", "id_number", "name", "sex", "birth_date",
                  "test_date", "institution", "mcv", "hba2", "alpha_genotype",
                  "beta_genotype", "conclusion"),
    "pregnancy": ("record_id", "source", "woman_id_number", "woman_name",
                  "husband_id_number", "husband_name", "lmp_date", "registered_on",
                  "expected_delivery_date", "status", "ended_on", "division_code"),
    "certificate": ("record_id", "source", "type", "certificate_no", "husband_id_number",
                    "husband_name", "wife_id_number", "wife_name", "child_order",
                    "issued_on", "revoked_on", "division_code"),
    "disability": ("record_id", "source", "id_number", "name", "sex", "birth_date",
                   "certified_on", "revoked_on", "category", "grade"),
    "employment": ("record_id", "source", "id_number", "name", "employer_code",
                   "employer_name", "division_code", "from_date", "to_date"),
    "diagnosis": ("record_id", "source", "id_number", "name", "sex", "birth_date",
                  "mother_id_number", "mother_name", "condition", "icd10", "test_date",
                  "institution", "method", "result"),
}
DATE_COLUMNS = frozenset({
    "birth_date", "registered_on", "deregistered_on", "event_date", "husband_birth_date",
    "wife_birth_date", "from_date", "to_date", "collected_on", "test_date", "lmp_date",
    "expected_delivery_date", "ended_on", "issued_on", "revoked_on", "certified_on",
})
#: (id column, name column, role) triples per feed: who each identity pair names.
IDENTITIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "household": (("id_number", "name", "person"),),
    "marriage": (("husband_id_number", "husband_name", "husband"),
                 ("wife_id_number", "wife_name", "wife")),
    "birth": (("child_id_number", "child_name", "child"),
              ("mother_id_number", "mother_name", "mother"),
              ("father_id_number", "father_name", "father")),
    "cohabitation": (("id_number", "name", "person"),),
    "bloodline": (("person_id_number", "person_name", "person"),
                  ("relative_id_number", "relative_name", "relative")),
    "screening": (("id_number", "name", "person"),),
    "pregnancy": (("woman_id_number", "woman_name", "woman"),
                  ("husband_id_number", "husband_name", "husband")),
    "certificate": (("husband_id_number", "husband_name", "husband"),
                    ("wife_id_number", "wife_name", "wife")),
    "disability": (("id_number", "name", "person"),),
    "employment": (("id_number", "name", "person"),),
    "diagnosis": (("id_number", "name", "person"), ("mother_id_number", "mother_name",
                                                    "mother")),
}


def row_truth(feed: str, frame: pl.DataFrame) -> Iterator[tuple[str, pl.DataFrame]]:
    """Truth about some rows of a numbered feed frame, from its hidden ``^`` columns.

    ``relation_codes``: every household or bloodline row with a 27/37/57/58 code (adopted
    *or* step) and what it truly means (``adoptive``, ``step_raised``,
    ``step_not_raised``).  ``permits``: what the permit system issued
    (:func:`synth.feeds.health.certificate`).
    """
    if feed in ("household", "bloodline") and "^meaning" in frame.columns:
        code = "relation_to_head" if feed == "household" else "relation"
        relative = "^head" if feed == "household" else "@relative"
        yield "relation_codes", frame.filter(pl.col("^meaning") != "").select(
            pl.lit(feed).alias("feed"), "source", "record_id", pl.col(code).alias("code"),
            pl.col("^meaning").alias("meaning"), pl.col("@person").alias("person_key"),
            pl.col(relative).cast(pl.Int64).alias("relative_key"))
    if feed == "certificate" and "^kind" in frame.columns:
        yield "permits", frame.filter(pl.col("type") == "birth_service").select(
            "source", "record_id", "certificate_no", pl.col("@husband").alias("husband_key"),
            pl.col("@wife").alias("wife_key"), pl.col("child_order").cast(pl.Int64),
            *[pl.when(pl.col(f"^{c}") >= 0).then(pl.col(f"^{c}")).cast(pl.Int64).alias(name)
              for c, name in (("order_all", "child_order_all"), ("child", "child_key"))],
            pl.col("^kind").alias("kind"), pl.col("^rule").alias("rule"),
            *[pl.col(c).replace("", None).str.to_date("%Y-%m-%d").alias(c)
              for c in ("issued_on", "revoked_on")])
