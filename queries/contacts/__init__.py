"""Infectious-disease contacts (传染病密切接触者): who shared a household, a dwelling or an
employer with an index case in a window, and the index case's close kin.

:mod:`~queries.contacts.overlap` (pure: days two episodes share within a window, the
closeness score) and :mod:`~queries.contacts.tracing` (one round trip per person on the
graph; the bounded second ring).
"""

from queries.contacts.overlap import KINDS, Kind, Link, overlap_days
from queries.contacts.tracing import Contact, Contacts, contacts

__all__ = ["KINDS", "Contact", "Contacts", "Kind", "Link", "contacts", "overlap_days"]
