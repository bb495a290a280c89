"""A small hand-written drop of the families issue 16 names, with what the law and the
rows say about each (fictional people only).

- A, 黄强 and 黄丽: no marriage row; the household register shows him as head and her as
  his wife (12) since 2010-05-01; a son born 2012.  Two department permits for their
  second child (the second a duplicate), and one for a "second" child in 2011 when they
  had none (revoked 2012).
- B, 陈海 and 陈燕: married 1995, a divorce row of 2005-06-01, yet still registered as head
  and wife: the register contradicts the divorce.
- C, 林伟 and 王静: each divorced, each with one child; his son is registered in his former
  wife's parents' household (with her), her daughter in her former husband's household.
  They married 2004 and have no child together: under the 2003 rules a child together
  (the third counted) may be approved, custody being with the former spouses.
- D, 吴刚 and 吴玲: her daughter names him by code 57 (step or adoptive father).
- E, 郑明: married 刘芳 by a row of 2000 that no divorce ends, registered since 2009 as
  head with 孙丽 as his wife: the register contradicts the marriage row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.factories import someone, write_feed

# Odd sequences are men, even ones women (GB 11643).
P = {
    "huang_h": someone("黄强", "1", date(1985, 2, 1), 11),
    "huang_w": someone("黄丽", "2", date(1987, 4, 1), 22),
    "huang_son": someone("黄明", "1", date(2012, 3, 1), 13),
    "chen_h": someone("陈海", "1", date(1970, 1, 1), 15),
    "chen_w": someone("陈燕", "2", date(1972, 1, 1), 24),
    "lin_h": someone("林伟", "1", date(1975, 1, 1), 17),
    "he_ex": someone("何芳", "2", date(1976, 1, 1), 26),
    "he_father": someone("何海", "1", date(1950, 1, 1), 19),
    "lin_son": someone("林明", "1", date(1999, 1, 1), 21),
    "wang_w": someone("王静", "2", date(1978, 1, 1), 28),
    "zhao_ex": someone("赵磊", "1", date(1974, 1, 1), 23),
    "zhao_girl": someone("赵红", "2", date(2000, 6, 1), 30),
    "wu_h": someone("吴刚", "1", date(1980, 1, 1), 25),
    "wu_w": someone("吴玲", "2", date(1982, 1, 1), 32),
    "wu_girl": someone("吴燕", "2", date(2005, 5, 5), 34),
    "zheng_h": someone("郑明", "1", date(1972, 3, 3), 27),
    "liu_w": someone("刘芳", "2", date(1973, 3, 3), 36),
    "sun_w": someone("孙丽", "2", date(1980, 8, 8), 38),
}
HH = "household|public_security"


def _member(rid: str, who: str, household: str, relation: str, start: date,
            end: date | None = None, reason: str = "") -> dict[str, str]:
    s = P[who]
    return {"record_id": rid, "source": "public_security", "household_id": household,
            "id_number": s.id_number, "name": s.name, "sex": s.sex,
            "birth_date": s.born.isoformat(), "ethnicity": "01",
            "hukou_type": "non_agricultural", "relation_to_head": relation,
            "division_code": "460106", "registered_on": start.isoformat(),
            "deregistered_on": end.isoformat() if end else "", "deregistered_reason": reason}


def _marriage(rid: str, source: str, event: str, on: date, husband: str,
              wife: str) -> dict[str, str]:
    h, w = P[husband], P[wife]
    return {"record_id": rid, "source": source, "event": event, "event_date": on.isoformat(),
            "husband_id_number": h.id_number, "husband_name": h.name,
            "husband_birth_date": h.born.isoformat(), "wife_id_number": w.id_number,
            "wife_name": w.name, "wife_birth_date": w.born.isoformat(),
            "division_code": "460106"}


def _birth(rid: str, child: str, mother: str, father: str | None) -> dict[str, str]:
    c, m = P[child], P[mother]
    row = {"record_id": rid, "source": "birth_platform", "certificate_no": f"O46{rid}",
           "child_id_number": c.id_number, "child_name": c.name, "child_sex": c.sex,
           "birth_date": c.born.isoformat(), "birth_order": "1", "plurality": "1",
           "mother_id_number": m.id_number, "mother_name": m.name, "division_code": "460106"}
    if father:
        row |= {"father_id_number": P[father].id_number, "father_name": P[father].name}
    return row


def _bloodline(rid: str, person: str, relative: str, relation: str) -> dict[str, str]:
    who, rel = P[person], P[relative]
    return {"record_id": rid, "source": "self_collected", "person_id_number": who.id_number,
            "person_name": who.name, "relative_id_number": rel.id_number,
            "relative_name": rel.name, "relation": relation, "collected_on": "2016-01-01"}


def _permit(rid: str, order: int, issued: date, revoked: date | None = None
            ) -> dict[str, str]:
    h, w = P["huang_h"], P["huang_w"]
    return {"record_id": rid, "source": "permit_system", "type": "birth_service",
            "certificate_no": f"SF{rid}", "husband_id_number": h.id_number,
            "husband_name": h.name, "wife_id_number": w.id_number, "wife_name": w.name,
            "child_order": str(order), "issued_on": issued.isoformat(),
            "revoked_on": revoked.isoformat() if revoked else "", "division_code": "460106"}


def write(folder: Path) -> Path:
    """Write the drop into ``folder``."""
    write_feed(folder, "household", [
        _member("a1", "huang_h", "HA", "02", date(2010, 5, 1)),
        _member("a2", "huang_w", "HA", "12", date(2010, 5, 1)),
        _member("a3", "huang_son", "HA", "20", date(2012, 3, 15)),
        _member("b1", "chen_h", "HB", "02", date(1996, 1, 1)),
        _member("b2", "chen_w", "HB", "12", date(1996, 1, 1)),
        _member("c1", "he_father", "HC1", "02", date(1980, 1, 1)),
        _member("c2", "he_ex", "HC1", "30", date(2002, 1, 1)),
        _member("c3", "lin_son", "HC1", "43", date(2002, 1, 1)),  # daughter's son
        _member("c4", "lin_h", "HC2", "02", date(2002, 2, 1)),
        _member("c5", "wang_w", "HC2", "12", date(2004, 1, 1)),
        _member("c6", "zhao_ex", "HC3", "02", date(1995, 1, 1)),
        _member("c7", "zhao_girl", "HC3", "30", date(2003, 1, 1)),
        _member("e1", "zheng_h", "HE", "02", date(2009, 1, 1)),
        _member("e2", "sun_w", "HE", "12", date(2009, 1, 1)),
    ])
    write_feed(folder, "marriage", [
        _marriage("mb1", "self_collected", "marriage", date(1995, 1, 1), "chen_h", "chen_w"),
        _marriage("mb2", "civil_affairs", "divorce", date(2005, 6, 1), "chen_h", "chen_w"),
        _marriage("mc1", "self_collected", "marriage", date(1998, 1, 1), "lin_h", "he_ex"),
        _marriage("mc2", "self_collected", "divorce", date(2002, 1, 1), "lin_h", "he_ex"),
        _marriage("mc3", "self_collected", "marriage", date(1999, 1, 1), "zhao_ex", "wang_w"),
        _marriage("mc4", "self_collected", "divorce", date(2003, 1, 1), "zhao_ex", "wang_w"),
        _marriage("mc5", "self_collected", "marriage", date(2004, 1, 1), "lin_h", "wang_w"),
        _marriage("md1", "civil_affairs", "marriage", date(2010, 1, 1), "wu_h", "wu_w"),
        _marriage("me1", "self_collected", "marriage", date(2000, 1, 1), "zheng_h", "liu_w"),
    ])
    write_feed(folder, "birth", [
        _birth("ba", "huang_son", "huang_w", "huang_h"),
        _birth("bc", "zhao_girl", "wang_w", "zhao_ex"),
        _birth("bd", "wu_girl", "wu_w", None),
    ])
    write_feed(folder, "bloodline", [
        _bloodline("lc", "lin_h", "lin_son", "20"),  # his son; no row names the mother
        _bloodline("ld", "wu_girl", "wu_h", "57"),  # step or adoptive father
    ])
    write_feed(folder, "certificate", [
        _permit("pa0", 2, date(2011, 1, 1), revoked=date(2012, 1, 1)),
        _permit("pa1", 2, date(2017, 3, 1)),
        _permit("pa2", 2, date(2017, 4, 1)),
    ])
    return folder
