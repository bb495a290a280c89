"""The department feeds of ``docs/feeds.md`` (the input contract) that are loaded, as data.

Each is a :class:`~ingest.feeds.definitions.Feed`; ``FEEDS`` maps feed name to definition.
"""

from __future__ import annotations

from ingest.feeds import codes
from ingest.feeds.definitions import (
    DIVISION,
    SPOUSES,
    Column,
    Feed,
    Kind,
    Link,
    Role,
    code,
    date,
    head,
    person,
)

HOUSEHOLD = Feed(
    "household", frozenset({"public_security"}),
    head(
        Column("household_id", required=True), *person(""), Column("former_name"),
        code("sex", codes.SEX), date("birth_date"), code("ethnicity", codes.ETHNICITY),
        code("hukou_type", codes.HUKOU_TYPE), code("marital_status", codes.MARITAL_STATUS),
        code("relation_to_head", codes.RELATION), DIVISION, Column("address"),
        date("registered_on"), date("deregistered_on"),
        code("deregistered_reason", codes.DEREGISTERED_REASON),
    ),
    (Role("person", "id_number", "name", "sex", "birth_date",
          extra=(("household_id", "household_id"),
                 ("relation_to_head", "relation_to_head"),
                 ("address", "address"), ("deregistered_on", "deregistered_on"),
                 ("deregistered_reason", "deregistered_reason"))),),
    event_date="registered_on",
)
MARRIAGE = Feed(
    "marriage", frozenset({"civil_affairs", "self_collected"}),
    head(
        code("event", codes.MARRIAGE_EVENT, required=True), date("event_date", required=True),
        *person("husband_"), date("husband_birth_date"),
        *person("wife_"), date("wife_birth_date"), DIVISION,
    ),
    (Role("husband", "husband_id_number", "husband_name", None, "husband_birth_date", "1"),
     Role("wife", "wife_id_number", "wife_name", None, "wife_birth_date", "2")),
    event_date="event_date", links=SPOUSES,
)
BIRTH = Feed(
    "birth", frozenset({"birth_platform", "self_collected"}),
    head(
        Column("certificate_no"), *person("child_"), code("child_sex", codes.SEX),
        date("birth_date", required=True), Column("birth_order", Kind.COUNT),
        Column("plurality", Kind.COUNT), *person("mother_"), *person("father_"),
        DIVISION, Column("hospital"),
    ),
    (Role("child", "child_id_number", "child_name", "child_sex", "birth_date", required=False,
          extra=(("birth_order", "birth_order"), ("plurality", "plurality"))),
     Role("mother", "mother_id_number", "mother_name", implied_sex="2"),
     Role("father", "father_id_number", "father_name", implied_sex="1", required=False,
          always_present=False)),
    event_date="birth_date",
    links=(Link("child", "mother_mention", "mother"), Link("child", "father_mention", "father"),
           Link("mother", "spouse_mention", "father"), Link("father", "spouse_mention", "mother")),
)
COHABITATION = Feed(
    "cohabitation", frozenset({"public_security", "self_collected"}),
    head(*person(""), Column("dwelling_id", required=True), DIVISION, Column("address"),
          date("from_date"), date("to_date")),
    (Role("person", "id_number", "name",
          extra=(("dwelling_id", "dwelling_id"), ("address", "address"))),),
    event_date="from_date",
)
BLOODLINE = Feed(
    "bloodline", frozenset({"self_collected"}),
    head(*person("person_"), *person("relative_"),
          code("relation", codes.RELATION, required=True), date("collected_on")),
    (Role("person", "person_id_number", "person_name", extra=(("relation", "relation"),)),
     Role("relative", "relative_id_number", "relative_name")),
    event_date="collected_on", division=None,
    links=(Link("person", "relative_mention", "relative"),),
)
SCREENING = Feed(
    "screening", frozenset({"eugenics_check", "hospital"}),
    head(*person(""), code("sex", codes.SEX), date("birth_date"), date("test_date"),
          Column("institution"), Column("mcv", Kind.MEASURE), Column("hba2", Kind.MEASURE),
          Column("alpha_genotype"), Column("beta_genotype"),
          code("conclusion", codes.CONCLUSION, required=True)),
    (Role("person", "id_number", "name", "sex", "birth_date"),),
    event_date="test_date", division=None,
)
PREGNANCY = Feed(
    "pregnancy", frozenset({"pregnancy_platform", "self_collected"}),
    head(*person("woman_"), *person("husband_"), date("lmp_date"), date("registered_on"),
          date("expected_delivery_date"), code("status", codes.PREGNANCY_STATUS),
          date("ended_on"), DIVISION),
    (Role("woman", "woman_id_number", "woman_name", implied_sex="2"),
     Role("husband", "husband_id_number", "husband_name", implied_sex="1", required=False,
          always_present=False)),
    event_date="registered_on",
    links=(Link("woman", "spouse_mention", "husband"), Link("husband", "spouse_mention", "woman")),
)
CERTIFICATE = Feed(
    "certificate", frozenset({"permit_system"}),
    head(code("type", codes.CERTIFICATE_TYPE, required=True), Column("certificate_no"),
          *person("husband_"), *person("wife_"), Column("child_order", Kind.COUNT),
          date("issued_on"), date("revoked_on"), DIVISION),
    (Role("husband", "husband_id_number", "husband_name", implied_sex="1", required=False,
          always_present=False),
     Role("wife", "wife_id_number", "wife_name", implied_sex="2", required=False,
          always_present=False)),
    event_date="issued_on", links=SPOUSES,
)
DISABILITY = Feed(
    "disability", frozenset({"disabled_persons_federation"}),
    head(*person(""), code("sex", codes.SEX), date("birth_date"), date("certified_on"),
          date("revoked_on"), code("category", codes.DISABILITY_CATEGORY),
          code("grade", codes.DISABILITY_GRADE)),
    (Role("person", "id_number", "name", "sex", "birth_date"),),
    event_date="certified_on", division=None,
)
EMPLOYMENT = Feed(
    "employment", frozenset({"social_security"}),
    head(*person(""), Column("employer_code", required=True), Column("employer_name"),
          DIVISION, date("from_date"), date("to_date")),
    (Role("person", "id_number", "name", extra=(("employer_code", "employer_code"),)),),
    event_date="from_date",
)
DIAGNOSIS = Feed(
    "diagnosis", frozenset({"newborn_screening", "hospital"}),
    head(*person(""), code("sex", codes.SEX), date("birth_date"), *person("mother_"),
          code("condition", codes.CONDITION, required=True), Column("icd10"),
          date("test_date", required=True), Column("institution"), Column("method"),
          code("result", codes.DIAGNOSIS_RESULT, required=True)),
    # A newborn is often unnumbered and unnamed (as a birth row's child): still a person,
    # found through the mother beside it.
    (Role("person", "id_number", "name", "sex", "birth_date", required=False),
     Role("mother", "mother_id_number", "mother_name", implied_sex="2", required=False,
          always_present=False)),
    event_date="test_date", division=None,
    links=(Link("person", "mother_mention", "mother"),),
)

FEEDS: dict[str, Feed] = {f.name: f for f in (
    HOUSEHOLD, MARRIAGE, BIRTH, COHABITATION, BLOODLINE, SCREENING, PREGNANCY, CERTIFICATE,
    DISABILITY, EMPLOYMENT, DIAGNOSIS,
)}
