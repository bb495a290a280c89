"""Bad set-up gets a clear message: no Java 17, no Maven, port taken, too little memory."""

from __future__ import annotations

import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from graphdb.server import LocalServer, parse_size
from kingraph.errors import SetupError
from kingraph.settings import Settings


def _script(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture()
def free_port() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port


@pytest.fixture()
def free_ports() -> tuple[int, int]:
    """Two ports free at the same moment (the OS picks both)."""
    with socket.socket() as one, socket.socket() as two:
        one.bind(("127.0.0.1", 0))
        two.bind(("127.0.0.1", 0))
        return one.getsockname()[1], two.getsockname()[1]


def _settings(tmp_path: Path, bolt: int, http: int, **extra: str) -> Settings:
    return Settings(var_dir=tmp_path, neo4j_instance="probe", neo4j_bolt_port=bolt,
                    neo4j_http_port=http, **extra)  # type: ignore[arg-type]


def test_port_taken_is_named(tmp_path: Path, free_port: int) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        server = LocalServer(_settings(tmp_path, taken, free_port))
        with pytest.raises(SetupError, match=rf"port {taken} \(bolt\) is taken"):
            server.start()


def test_not_enough_memory_for_heap(tmp_path: Path, free_ports: tuple[int, int]) -> None:
    server = LocalServer(_settings(tmp_path, *free_ports, neo4j_heap="900g"))
    with pytest.raises(SetupError, match="not enough memory.*KINGRAPH_NEO4J_HEAP"):
        server.start()


def test_wrong_java_is_refused(tmp_path: Path, free_ports: tuple[int, int],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    fake_home = tmp_path / "jdk11"
    (fake_home / "bin").mkdir(parents=True)
    _script(fake_home / "bin", "java", 'echo \'openjdk version "11.0.2" 2019-01-15\' >&2')
    monkeypatch.setenv("JAVA_HOME", str(fake_home))
    server = LocalServer(_settings(tmp_path, *free_ports))
    with pytest.raises(SetupError, match="needs Java 17 or 21, found Java 11"):
        server.start()


def test_missing_maven_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setenv("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
    server = LocalServer(_settings(tmp_path, 1, 2))
    if not Path("/usr/lib/jvm/java-17-openjdk-amd64/bin/java").exists():
        pytest.skip("this machine keeps Java 17 elsewhere")
    with pytest.raises(SetupError, match=r"Maven \(mvn\) is not on PATH"):
        server.install()


def test_unreachable_maven_central_is_explained(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _script(bin_dir, "mvn", "echo '[ERROR] Could not transfer artifact org.neo4j:neo4j:pom "
                            "from/to central: Connection refused'; exit 1")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    server = LocalServer(_settings(tmp_path, 1, 2))
    with pytest.raises(SetupError, match="(?s)could not fetch Neo4j.*Connection refused"):
        server.install()
    assert not server.installed


def test_memory_sizes_parse() -> None:
    assert parse_size("512m") == 512 * 1024**2
    assert parse_size("4g") == 4 * 1024**3
    assert parse_size("100k") == 102_400
    with pytest.raises(SetupError):
        parse_size("lots")


def test_conf_binds_loopback_and_enables_auth(tmp_path: Path) -> None:
    server = LocalServer(_settings(tmp_path, 27687, 27474, neo4j_heap="2g"))
    server.write_conf()
    conf = (server.conf_dir / "neo4j.conf").read_text()
    assert "server.bolt.listen_address=127.0.0.1:27687" in conf
    assert "server.http.listen_address=127.0.0.1:27474" in conf
    assert "dbms.security.auth_enabled=true" in conf
    assert "server.memory.heap.max_size=2g" in conf
    assert f"server.directories.data={tmp_path.resolve() / 'neo4j' / 'probe' / 'data'}" in conf


def test_generated_password_is_private_and_stable(tmp_path: Path) -> None:
    server = LocalServer(_settings(tmp_path, 1, 2))
    first = server.password()
    assert len(first) >= 24 and first not in {"neo4j", "password"}
    assert server.password() == first
    assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600


def test_transaction_log_retention_is_the_setting(tmp_path: Path) -> None:
    server = LocalServer(_settings(tmp_path, 1, 2, neo4j_tx_log_retention="300M size"))
    server.write_conf()
    lines = (server.conf_dir / "neo4j.conf").read_text().splitlines()
    assert "db.tx_log.rotation.retention_policy=300M size" in lines
    assert "db.tx_log.rotation.size=128M" in lines  # pruned in steps of one file


@pytest.mark.parametrize("value", ["300M", "size 300M", "2 weeks", "1G size; rm -rf"])
def test_a_retention_neo4j_would_not_read_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValidationError, match="neo4j_tx_log_retention"):
        _settings(tmp_path, 1, 2, neo4j_tx_log_retention=value)
