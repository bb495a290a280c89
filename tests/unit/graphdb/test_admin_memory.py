"""The importer's memory is its own: sampled from its process tree while it runs."""

from __future__ import annotations

import subprocess
import sys

from graphdb.server import _peak_while_running

MIB = 1024**2
# A child that holds n MiB for a second, then ends.
HOLD = "import time; block = b'\\x01' * ({n} * MIB); time.sleep(1.0)".replace(
    "MIB", str(MIB))


def test_a_childs_peak_is_its_own_not_the_high_water_mark_of_the_process_that_started_it(
        ) -> None:
    # This process holds 600 MiB when it starts the child: wait4's ru_maxrss reported
    # at least that for any child (the fork's copy keeps the high-water mark through
    # exec). The child holds 100 MiB (plus its interpreter, well under 100 MiB more).
    ballast = bytearray(600 * MIB)
    ballast[:: 4096] = b"\x01" * len(ballast[:: 4096])  # touched, so resident
    child = subprocess.Popen([sys.executable, "-c", HOLD.format(n=100)])
    peak = _peak_while_running(child, every_s=0.05)
    assert child.returncode == 0
    assert 100 * MIB <= peak < 250 * MIB
    del ballast
