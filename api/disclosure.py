"""What each role sees of a person: one shaping function per role, chosen by table.

- admin: everything, ID number in full (oversight, corrections).
- officer: names and dates, ID number masked (casework needs the person, not the number).
- service: no names; the ID number in full (other systems match on it).
- researcher: a pseudonym, sex, ethnicity and years only: no names, no ID numbers,
  no pids, no full dates (a full birth date is a strong quasi-identifier).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from api.keys import Role
from api.models import PersonPseudonymous, PersonPublic
from kingraph import ids
from queries.persons import PersonRecord

Pseudonymize = Callable[[str], str]
Shaper = Callable[[PersonRecord, Pseudonymize], PersonPublic | PersonPseudonymous]


def _public(person: PersonRecord, *, names: bool, full_id: bool) -> PersonPublic:
    number = person.id_number if full_id else ids.mask(person.id_number)
    return PersonPublic(pid=person.pid, name=person.name if names else None, id_number=number,
                        id_number_masked=not full_id and person.id_number is not None,
                        sex=person.sex, ethnicity=person.ethnicity,
                        birth_date=person.birth_date, death_date=person.death_date)


def for_admin(person: PersonRecord, pseudonymize: Pseudonymize) -> PersonPublic:
    """Admins see the whole record."""
    return _public(person, names=True, full_id=True)


def for_officer(person: PersonRecord, pseudonymize: Pseudonymize) -> PersonPublic:
    """Officers see names and dates; the ID number masked."""
    return _public(person, names=True, full_id=False)


def for_service(person: PersonRecord, pseudonymize: Pseudonymize) -> PersonPublic:
    """Services see the pid and full ID number to match on, no names."""
    return _public(person, names=False, full_id=True)


def for_researcher(person: PersonRecord, pseudonymize: Pseudonymize) -> PersonPseudonymous:
    """Researchers see a pseudonym, coded attributes and years."""
    return PersonPseudonymous(
        ref=pseudonymize(person.pid), sex=person.sex, ethnicity=person.ethnicity,
        birth_year=person.birth_date.year if person.birth_date else None,
        death_year=person.death_date.year if person.death_date else None)


SHAPERS: Mapping[Role, Shaper] = {
    Role.ADMIN: for_admin,
    Role.OFFICER: for_officer,
    Role.SERVICE: for_service,
    Role.RESEARCHER: for_researcher,
}


def shape(person: PersonRecord, role: Role,
          pseudonymize: Pseudonymize) -> PersonPublic | PersonPseudonymous:
    """The view of a person for a role."""
    return SHAPERS[role](person, pseudonymize)
