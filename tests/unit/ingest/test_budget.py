"""The ingest's memory budget (``--memory``): sizes, the refusal before a load writes,
and the watchdog over real processes (no mock: children that really hold memory)."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest

from ingest.budget import Budget, MemoryBudgetError, Watchdog, parse_memory, tree_rss
from kingraph.cli.common import EXIT_MEMORY

MIB = 1024**2
GIB = 1024**3
# A child that holds ``n`` MiB of written (so resident) memory, says so, then waits.
HOLD = ("import sys, time; block = b'\\x01' * ({n} * 1024 * 1024); "
        "print('holding', flush=True); time.sleep(60)")


@pytest.mark.parametrize(("text", "size"), [
    ("8g", 8 * GIB), ("8G", 8 * GIB), ("8gb", 8 * GIB), ("12GiB", 12 * GIB),
    ("700m", 700 * MIB), ("1.5g", 3 * GIB // 2), (" 1g ", GIB), ("1t", 1024 * GIB)])
def test_sizes_read_in_binary_units_as_java_and_neo4j_read_them(text: str, size: int) -> None:
    assert parse_memory(text) == size


@pytest.mark.parametrize("text", ["eight", "", "8x", "-1g", "64m", "614m", "0.5g"])
def test_a_size_that_is_not_one_or_fits_nothing_is_refused_with_the_value(text: str) -> None:
    # Any load needs 0.6 GiB (614.4 MiB) whatever its size.
    with pytest.raises(MemoryBudgetError, match="--memory"):
        parse_memory(text)


def test_a_load_is_refused_when_its_rows_need_more_than_the_budget() -> None:
    # 0.6 GiB + 1.8 GiB per million rows: a million rows need 2.4 GiB, half a million 1.5.
    two = Budget(2 * GIB)
    with pytest.raises(MemoryBudgetError, match=r"1,000,000 rows and needs about 2\.40 GiB"):
        two.check_fits(1_000_000)
    two.check_fits(500_000)
    # The 1 M-person province (6,567,454 rows) needs 0.6 + 11.82 = 12.42 GiB: 12 is short.
    with pytest.raises(MemoryBudgetError, match=r"12\.42 GiB.*gives 12\.00 GiB"):
        Budget(12 * GIB).check_fits(6_567_454)
    Budget(13 * GIB).check_fits(6_567_454)


def _holding(n: int, *, own_session: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", HOLD.format(n=n)], stdout=subprocess.PIPE,
                            text=True, start_new_session=own_session)


def test_the_watchdog_stops_a_worker_that_takes_the_tree_past_the_budget() -> None:
    told: list[str] = []
    limit = tree_rss(psutil.Process()) + 150 * MIB
    with Watchdog(Budget(limit), told.append, interval=0.05) as dog:
        with _holding(300) as worker:
            assert worker.wait(timeout=20) == -9  # killed by the watchdog, not ended
        deadline = time.monotonic() + 5
        while not told and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(told) == 1 and told[0] == dog.tripped
    assert "above --memory" in told[0] and dog.peak > limit


def test_a_process_in_a_session_of_its_own_is_not_the_loads_memory() -> None:
    """The local Neo4j server, restarted by a bulk load, runs in its own session."""
    told: list[str] = []
    limit = tree_rss(psutil.Process()) + 150 * MIB
    with _holding(300, own_session=True) as server:
        assert server.stdout is not None and server.stdout.readline().strip() == "holding"
        try:
            with Watchdog(Budget(limit), told.append, interval=0.05) as dog:
                time.sleep(1.0)
            assert told == [] and dog.tripped is None and dog.peak < limit
            assert server.poll() is None
        finally:
            server.kill()


def test_the_command_line_ends_a_load_past_its_budget_with_exit_12_and_says_why() -> None:
    script = (
        "import time\n"
        "from ingest.budget import Budget, tree_rss\n"
        "from kingraph.cli.ingest import _watchdog\n"
        "import psutil\n"
        "limit = tree_rss(psutil.Process()) + 100 * 1024 * 1024\n"
        "with _watchdog(Budget(limit)):\n"
        "    block = b'\\x01' * (300 * 1024 * 1024)\n"
        "    time.sleep(30)\n"
        "print('not stopped')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == EXIT_MEMORY == 12
    assert "not stopped" not in done.stdout
    told = " ".join(done.stderr.split())
    assert "stopped:" in told and "above --memory" in told and "raise --memory" in told
