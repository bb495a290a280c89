"""The local Neo4j server that the project provisions and runs itself.

Neo4j publishes no 5.26 server tarball on Maven Central, so ``graphdb/pom.xml``
assembles one: ``org.neo4j:neo4j`` with its runtime dependencies into ``lib/``,
APOC core with its libraries into ``plugins/``.  That distribution is shared by
every instance; an *instance* (``main`` for the demo, ``test`` for the tests) has
its own ``conf/``, ``data/``, ``logs/``, ``run/`` and generated password under
``var/neo4j/<instance>/``.  Neo4j's own launcher
(``org.neo4j.server.startup.Neo4jCommand``) starts and stops the JVM, so heap,
JVM flags and the pid file are handled as the stock ``bin/neo4j`` would.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import psutil

from graphdb.connection import bolt_answers
from graphdb.credentials import instance_home, local_password, password_file
from kingraph import processes
from kingraph.errors import ServerStartError, SetupError
from kingraph.settings import Settings

LAUNCHER = "org.neo4j.server.startup.Neo4jCommand"
ADMIN_LAUNCHER = "org.neo4j.server.startup.Neo4jAdminCommand"
SUPPORTED_JAVA = (17, 21)
JVM_OVERHEAD_BYTES = 768 * 1024**2
# Written while an offline import replaces a database (server stopped), holding its
# name; found at start, it means the import was killed (see LocalServer.start).
IMPORT_MARK = "import-running"
# One transaction log file, and the log volume between checkpoints (each of which
# prunes the logs down to the retention setting).
TX_LOG_FILE_SIZE = "128M"

# The flags the stock neo4j.conf passes through server.jvm.additional.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
)


def pom_path() -> Path:
    """The pom that pins Neo4j and APOC."""
    return Path(str(resources.files("graphdb") / "pom.xml"))


def pinned_version() -> str:
    """The Neo4j version pinned in ``graphdb/pom.xml``."""
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", pom_path().read_text())
    if match is None:
        raise SetupError(f"{pom_path()}: no <neo4j.version> property")
    return match.group(1)


def parse_size(text: str) -> int:
    """Bytes in a Neo4j memory setting such as ``512m`` or ``4g``."""
    match = re.fullmatch(r"\s*(\d+)\s*([kmgKMG]?)\s*", text)
    if match is None:
        raise SetupError(f"memory size {text!r} is not like 512m or 4g")
    scale = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match.group(2).lower()]
    return int(match.group(1)) * scale


@dataclass(frozen=True)
class Status:
    """What ``kingraph neo4j status`` reports."""

    running: bool
    pid: int | None
    bolt_uri: str
    version: str
    home: Path


class LocalServer:
    """One instance of the project's own Neo4j."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.version = pinned_version()
        root = settings.var_dir.resolve() / "neo4j"
        self.dist = root / f"dist-{self.version}"
        self.home = instance_home(settings)
        self.conf_dir = self.home / "conf"
        self.password_file = password_file(settings)
        self.log_file = self.home / "logs" / "neo4j.log"
        self.pid_file = self.home / "run" / "neo4j.pid"

    # -- installation -------------------------------------------------------

    @property
    def installed(self) -> bool:
        """True when Maven has assembled the pinned distribution."""
        return (self.dist / ".complete").exists()

    def install(self) -> bool:
        """Assemble the pinned Neo4j and APOC with Maven; False if already there."""
        if self.installed:
            return False
        java_major()
        mvn = shutil.which("mvn")
        if mvn is None:
            raise SetupError("Maven (mvn) is not on PATH; install it (apt-get install maven)")
        shutil.rmtree(self.dist, ignore_errors=True)
        cmd = [
            mvn, "-B", "-q", "-f", str(pom_path()), "package",
            f"-Dkingraph.home={self.dist}",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise SetupError(
                "Maven could not fetch Neo4j from Maven Central "
                f"(is the registry reachable?):\n{tail}"
            )
        (self.dist / ".complete").write_text(self.version + "\n")
        return True

    # -- configuration ------------------------------------------------------

    def password(self) -> str:
        """The password from settings, else the generated one kept in var/."""
        return local_password(self.settings)

    def write_conf(self) -> None:
        """Write this instance's neo4j.conf (and an empty apoc.conf)."""
        s = self.settings
        for sub in ("conf", "data", "logs", "run", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        lines = [
            "# Written by `kingraph neo4j start`; edits are overwritten.",
            f"server.directories.data={self.home / 'data'}",
            f"server.directories.logs={self.home / 'logs'}",
            f"server.directories.run={self.home / 'run'}",
            f"server.directories.import={self.home / 'import'}",
            f"server.directories.plugins={self.dist / 'plugins'}",
            "server.default_listen_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{s.neo4j_bolt_port}",
            # What the routing table names, so a neo4j:// (routing) driver reads and
            # writes where it connected.
            f"server.bolt.advertised_address=127.0.0.1:{s.neo4j_bolt_port}",
            f"server.http.listen_address=127.0.0.1:{s.neo4j_http_port}",
            "server.https.enabled=false",
            "dbms.security.auth_enabled=true",
            f"server.memory.heap.initial_size={s.neo4j_heap}",
            f"server.memory.heap.max_size={s.neo4j_heap}",
            f"server.memory.pagecache.size={s.neo4j_pagecache}",
            "dbms.usage_report.enabled=false",
            "dbms.security.procedures.unrestricted=apoc.*",
            f"db.tx_log.rotation.retention_policy={s.neo4j_tx_log_retention}",
            f"db.tx_log.rotation.size={TX_LOG_FILE_SIZE}",
            f"db.checkpoint.interval.volume={TX_LOG_FILE_SIZE}",
            # A single server has applied every transaction it issued: a bookmark it has
            # not reached within seconds is not one of its own (e.g. from before an
            # offline import), so fail fast instead of the default half minute.
            "db.transaction.bookmark_ready_timeout=5s",
            *(f"server.jvm.additional={flag}" for flag in JVM_FLAGS),
        ]
        (self.conf_dir / "neo4j.conf").write_text("\n".join(lines) + "\n")
        (self.conf_dir / "apoc.conf").write_text("apoc.export.file.enabled=false\n")

    # -- running ------------------------------------------------------------

    def pid(self) -> int | None:
        """The pid of this instance's live server process, if any."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.exists() and b"neo4j" not in cmdline.read_bytes():
            return None  # a stale pid file whose number was reused
        return pid

    def status(self) -> Status:
        """Whether this instance runs, truthfully from its pid file and process."""
        pid = self.pid()
        return Status(pid is not None, pid, self.settings.bolt_uri, self.version, self.home)

    def start(self) -> bool:
        """Start the server in the background and wait for Bolt; False if it already ran.

        A database whose offline import was killed (:meth:`importing` left its mark) is
        deleted first: its half-written store would keep it offline, and the import
        was replacing all of it (only a graph that killed first loads wrote is ever
        imported over), so the server comes back with it empty.
        """
        if self.pid() is not None:
            return False
        java_major()
        self._check_ports()
        self._check_memory()
        self.install()
        self._drop_unfinished_import()
        self.write_conf()
        self._set_initial_password()
        # Its own session: the server outlives whoever started it (a load killed just
        # after the bulk import restarted it, a Ctrl-C in the terminal that ran it).
        done = self._launcher(LAUNCHER, "start", new_session=True)
        if done.returncode != 0:
            raise ServerStartError(f"Neo4j launcher failed:\n{done.stdout}{done.stderr}\n"
                                   f"{self.log_tail(30)}")
        self._wait_for_bolt()
        return True

    def stop(self) -> bool:
        """Stop the server cleanly; False if it was not running."""
        if self.pid() is None:
            return False
        done = self._launcher(LAUNCHER, "stop")
        if done.returncode != 0 and self.pid() is not None:
            raise ServerStartError(f"Neo4j did not stop:\n{done.stdout}{done.stderr}")
        return True

    @property
    def _import_mark(self) -> Path:
        return self.home / IMPORT_MARK

    @contextmanager
    def importing(self, database: str) -> Iterator[None]:
        """Mark ``database`` as being replaced by an offline import (server stopped)
        while the block runs; a mark left by a killed import is acted on at the next
        :meth:`start`."""
        self._import_mark.write_text(database, encoding="utf-8")
        yield
        self._import_mark.unlink(missing_ok=True)

    def _drop_unfinished_import(self) -> None:
        mark = self._import_mark
        if not mark.exists():
            return
        database = mark.read_text(encoding="utf-8").strip()
        if database and "/" not in database and database not in (".", ".."):
            self.drop_store(database)
        mark.unlink()

    def drop_store(self, database: str) -> None:
        """Delete a stopped server's store and transaction logs of one database."""
        for sub in ("databases", "transactions"):
            shutil.rmtree(self.home / "data" / sub / database, ignore_errors=True)

    def run_admin(self, *args: str) -> AdminRun:
        """Run ``neo4j-admin`` with this instance's configuration (server stopped).

        Returns:
            Its exit status and output, and the peak resident memory of its process tree,
            sampled while it runs.  (Not ``wait4``'s ``ru_maxrss``: the child starts as a
            copy of this process, and exec keeps that copy's high-water mark, so a load
            holding 12 GiB saw its 4.6 GiB importer reported at 12.)
        """
        self.write_conf()
        cmd = [java_binary(), "-cp", f"{self.dist / 'lib'}/*", f"-Dbasedir={self.dist}",
               ADMIN_LAUNCHER, *args]
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(cmd, env=self._env(), stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL)
            peak = _peak_while_running(proc)
            out.seek(0)
            err.seek(0)
            done = subprocess.CompletedProcess(cmd, proc.returncode,
                                               out.read().decode(errors="replace"),
                                               err.read().decode(errors="replace"))
        return AdminRun(done, round(peak / 1024**3, 2))

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server log."""
        if not self.log_file.exists():
            return "(no server log yet)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def follow_log(self) -> Iterator[str]:
        """Yield new log lines as the server writes them."""
        with self.log_file.open(errors="replace") as handle:
            handle.seek(0, os.SEEK_END)
            while True:
                line = handle.readline()
                if line:
                    yield line.rstrip("\n")
                else:
                    time.sleep(0.5)

    # -- internals ----------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self.dist)
        env["NEO4J_CONF"] = str(self.conf_dir)
        return env

    def _launcher(self, main_class: str, *args: str, timeout: float = 300,
                  new_session: bool = False) -> subprocess.CompletedProcess[str]:
        cmd = [java_binary(), "-cp", f"{self.dist / 'lib'}/*", f"-Dbasedir={self.dist}",
               main_class, *args]
        return subprocess.run(cmd, env=self._env(), capture_output=True, text=True,
                              check=False, stdin=subprocess.DEVNULL, timeout=timeout,
                              start_new_session=new_session)

    def _set_initial_password(self) -> None:
        if (self.home / "data" / "databases" / "system").exists():
            return
        # "--" ends the options: a generated password may start with "-".
        done = self._launcher(ADMIN_LAUNCHER, "dbms", "set-initial-password", "--",
                              self.password())
        if done.returncode != 0:
            raise SetupError(f"could not set the initial Neo4j password:\n{done.stderr}")

    def _check_ports(self) -> None:
        for name, port in (("bolt", self.settings.neo4j_bolt_port),
                           ("http", self.settings.neo4j_http_port)):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    env = f"KINGRAPH_NEO4J_{name.upper()}_PORT"
                    raise SetupError(
                        f"port {port} ({name}) is taken by another process; "
                        f"stop it or choose another port with {env}"
                    ) from None

    def _check_memory(self) -> None:
        heap = parse_size(self.settings.neo4j_heap)
        cache = parse_size(self.settings.neo4j_pagecache)
        need = heap + cache + JVM_OVERHEAD_BYTES
        available = available_memory()
        if available is not None and need > available:
            raise SetupError(
                f"not enough memory: heap {self.settings.neo4j_heap} + page cache "
                f"{self.settings.neo4j_pagecache} + JVM overhead need {need / 1024**3:.1f} GiB, "
                f"{available / 1024**3:.1f} GiB available; lower KINGRAPH_NEO4J_HEAP "
                "or KINGRAPH_NEO4J_PAGECACHE"
            )

    def _wait_for_bolt(self) -> None:
        deadline = time.monotonic() + self.settings.neo4j_start_timeout
        while time.monotonic() < deadline:
            if bolt_answers(self.settings.bolt_uri, "neo4j", self.password()):
                return
            if self.pid() is None:
                raise ServerStartError(f"Neo4j exited during start-up:\n{self.log_tail(40)}")
            time.sleep(1.0)
        self.stop()
        raise ServerStartError(
            f"Neo4j did not answer on {self.settings.bolt_uri} within "
            f"{self.settings.neo4j_start_timeout:.0f} s:\n{self.log_tail(40)}"
        )


def _peak_while_running(proc: subprocess.Popen[bytes], every_s: float = 0.1) -> int:
    """Wait for ``proc``; the largest resident memory of it and its descendants, sampled
    every ``every_s`` (bytes)."""
    peak = 0
    try:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            peak = max(peak, processes.tree_rss(root))
            time.sleep(every_s)
    except psutil.NoSuchProcess:
        pass
    proc.wait()
    return peak


@dataclass(frozen=True)
class AdminRun:
    """A finished ``neo4j-admin`` run."""

    done: subprocess.CompletedProcess[str]
    peak_gib: float  # peak resident memory of its process tree


def java_binary() -> str:
    """The java executable: $JAVA_HOME/bin/java, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise SetupError("Java 17 is required and no `java` is on PATH "
                         "(apt-get install openjdk-17-jre-headless, or set JAVA_HOME)")
    return found


def java_major() -> int:
    """The major version of the Java in use; a SetupError unless it runs Neo4j 5.26."""
    done = subprocess.run([java_binary(), "-version"], capture_output=True, text=True,
                          check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr)
    if match is None:
        raise SetupError(f"cannot tell the Java version from: {done.stderr.strip()[:200]}")
    major = int(match.group(1))
    if major == 1 and match.group(2):
        major = int(match.group(2))
    if major not in SUPPORTED_JAVA:
        raise SetupError(f"Neo4j 5.26 needs Java 17 or 21, found Java {major}; "
                         "install openjdk-17-jre-headless or point JAVA_HOME at a Java 17")
    return major


def available_memory() -> int | None:
    """MemAvailable from /proc/meminfo in bytes, None where unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None
