"""The feed definitions are consistent with themselves and with the spec."""

from __future__ import annotations

import pytest

from ingest.feeds.catalogue import FEEDS
from ingest.feeds.definitions import Feed, Kind

ROLES = {
    "household": ["person"], "marriage": ["husband", "wife"],
    "birth": ["child", "mother", "father"], "cohabitation": ["person"],
    "bloodline": ["person", "relative"], "screening": ["person"],
    "pregnancy": ["woman", "husband"], "certificate": ["husband", "wife"],
    "disability": ["person"], "employment": ["person"], "diagnosis": ["person", "mother"],
}


def test_eleven_feeds_with_the_spec_roles() -> None:
    assert {name: [r.name for r in f.roles] for name, f in FEEDS.items()} == ROLES


@pytest.mark.parametrize("feed", FEEDS.values(), ids=list(FEEDS))
def test_roles_and_links_refer_to_real_columns(feed: Feed) -> None:
    kinds = {c.name: c.kind for c in feed.columns}
    assert feed.column_names[:2] == ("record_id", "source")
    assert kinds[feed.event_date] is Kind.DATE
    for role in feed.roles:
        assert kinds[role.id_number] is Kind.ID_NUMBER
        assert kinds[role.person_name] is Kind.NAME
        assert role.birth_date is None or kinds[role.birth_date] is Kind.DATE
        assert role.sex is None or kinds[role.sex] is Kind.CODE
        assert all(column in kinds for _, column in role.extra)
    roles = {r.name for r in feed.roles}
    assert all(link.role in roles and link.target in roles for link in feed.links)


def test_code_columns_have_code_lists() -> None:
    for feed in FEEDS.values():
        assert all(c.codes is not None for c in feed.of_kind(Kind.CODE))


def test_sex_and_relation_codes_follow_the_standards() -> None:
    sex = FEEDS["household"].columns[6]
    assert sex.name == "sex" and sex.codes is not None
    assert sex.codes.values == {"0", "1", "2", "9"}
    relation = next(c for c in FEEDS["bloodline"].columns if c.name == "relation")
    assert relation.codes is not None
    assert {"51", "52", "20", "30", "27", "37", "57", "58"} <= relation.codes.values
    assert "5A" not in relation.codes and "00" not in relation.codes
