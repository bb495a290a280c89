"""The policy what-if over every couple of the loaded province (issue 17).

Usage: ``.venv/bin/python -m bench.policy_whatif [as_of]`` against the configured Neo4j
(``KINGRAPH_NEO4J_*``).  Two drafts are run on the day (2017-06-01 by default): the
packaged table under another label (nothing may change: the control) and the packaged
table with the 2016 two-child limit raised to three.  Prints a Markdown table: couples
decided, couples changed, wall time per stage and in all, the process's peak memory.
No personal data is printed.
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import date

from graphdb.connection import open_driver
from kingraph.settings import Settings
from queries.eligibility import policy, policy_file
from queries.eligibility.whatif import whatif

LIMIT = ('{"test": "counted", "lt": 2}\n          ],\n          "legal_reference": "Hainan '
         'Population and Family Planning Regulation (amended 2016): two children per couple"')


def drafts() -> dict[str, bytes]:
    """The control (a new label only) and the three-child draft."""
    text = policy.packaged_bytes().decode("utf-8")
    assert text.count(LIMIT) == 1
    same = text.replace('"table_version": "2026-11-draft-1"', '"table_version": "control"')
    three = text.replace(LIMIT, LIMIT.replace('"lt": 2', '"lt": 3')).replace(
        '"table_version": "2026-11-draft-1"', '"table_version": "three-in-2016"')
    return {"control (same rules)": same.encode(),
            "two-child limit raised to three": three.encode()}


def main() -> None:
    """Run both drafts and print the table."""
    day = date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else date(2017, 6, 1)
    settings = Settings()
    driver = open_driver(settings)
    print(f"| draft ({day}) | couples | changed | read s | decide s | divisions s | total s |")
    print("|---|---|---|---|---|---|---|")
    try:
        for label, data in drafts().items():
            draft = policy_file.check(data, "draft")
            start = time.perf_counter()
            found = whatif(driver, settings.neo4j_database, draft, day)
            total = time.perf_counter() - start
            s = found.seconds
            print(f"| {label} | {found.couples} | {found.changed} | "
                  f"{s.get('couples', 0) + s.get('spouse_facts', 0):.1f} | "
                  f"{s.get('decide', 0):.1f} | {s.get('divisions', 0):.1f} | {total:.1f} |")
    finally:
        driver.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
