"""Persons: finding them, resolving references to them, and their source records.

:mod:`~queries.persons.lookup` finds persons on the async driver (by pid, ID number,
birth day; names ranked by similarity); :mod:`~queries.persons.references` resolves a
reference (a pid or an ID number) to a pid, sync or async;
:mod:`~queries.persons.records` lists the department rows that mention a person.
"""

from queries.persons.lookup import (
    NameMatch,
    PersonRecord,
    born_on,
    by_id_number,
    by_pid,
    name_form,
    rank_by_name,
    similarity,
)
from queries.persons.records import SourceRecord, of_person
from queries.persons.references import resolve, resolve_async, resolve_many

__all__ = [
    "NameMatch", "PersonRecord", "SourceRecord", "born_on", "by_id_number", "by_pid",
    "name_form", "of_person", "rank_by_name", "resolve", "resolve_async", "resolve_many",
    "similarity",
]
