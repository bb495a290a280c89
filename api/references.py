"""Persons named in URLs: a pid, or a researcher's pseudonym; never an ID number.

A path or query string is kept by proxies, browsers and access logs, so an ID number
there is refused (400 ``id_number_in_url``) on every route, with the way to send it
instead: in a request body (``POST /v1/persons/search``, ``POST /v1/relationship``,
the eligibility routes). ``/v1/persons/{ref}`` and every sub-route accept the same
references, resolved here.
"""

from __future__ import annotations

import re

from api.auth import Access
from api.keys import Role
from api.problems import IdNumberInUrl
from kingraph.errors import PersonNotFound
from queries import persons

# The shape of a citizen ID number (15 digits, or 17 and a check character): valid or
# not, it does not go in a URL.
ID_NUMBER_SHAPE = re.compile(r"\d{15}|\d{17}[\dXx]")


def refuse_id_number(ref: str) -> None:
    """Raise when a reference from a URL is shaped like an ID number."""
    if ID_NUMBER_SHAPE.fullmatch(ref.strip()):
        raise IdNumberInUrl("ID numbers go in a request body, never in a URL: find the "
                            "person with POST /v1/persons/search and use the pid")


async def resolve(access: Access, ref: str) -> str:
    """The pid behind a reference from a URL: a pid, or for researchers a pseudonym.

    Raises:
        IdNumberInUrl: the reference is shaped like an ID number.
        PersonNotFound: no person has it.
    """
    refuse_id_number(ref)
    pid = access.pid_for(ref)
    if pid is None:
        raise PersonNotFound("no person with this identifier")
    if access.key.role is Role.RESEARCHER:
        return pid
    return await persons.resolve_async(access.runtime.driver, access.runtime.database, pid)
