"""The web page in headless Chromium (Debian's package, driven by Playwright) against a
real ``kingraph`` API on a loopback port and the real Neo4j with the synthetic province.

Every test gets a fresh browser context and a ``Console`` that fails the test on any
console error or uncaught exception; a 404 from a route that has not landed in the API
yet (absent from ``/openapi.json``) is the one exception, recorded as such.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from api.keys import Role
from kingraph.errors import InvalidArgument
from kingraph.settings import Settings
from queries.thalassemia import worklists as thalassemia
from tests.integration.api.conftest import Keys, api_settings, make_keys, serving
from tests.integration.synthetic import LoadedDrop

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDE = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}


@dataclass
class Server:
    """The running API: its URL, keys per role, its state directory, its routes."""

    url: str
    keys: Keys
    state_dir: Path
    routes: frozenset[str]

    def has(self, path: str) -> bool:
        """True when the API serves this path template."""
        return path in self.routes


@pytest.fixture(scope="session")
def server(settings: Settings, synthetic: LoadedDrop,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The API with the synthetic province loaded, and one key per role."""
    state_dir = tmp_path_factory.mktemp("web-state")
    keys = make_keys(state_dir)
    roles = [r.value for r in Role]
    big_budget = {"api_rate_per_second": dict.fromkeys(roles, 1000.0),
                  "api_rate_burst": dict.fromkeys(roles, 1000)}
    with serving(api_settings(settings, state_dir, **big_budget)) as url:
        paths = httpx.get(f"{url}/openapi.json", timeout=30).json()["paths"]
        yield Server(url, keys, state_dir, frozenset(paths))


@dataclass
class Console:
    """Console errors and page errors seen in one test, minus known-missing routes."""

    server: Server
    errors: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)

    def on_console(self, msg: Any) -> None:
        """Record an error message unless it is the 404 of a route not yet landed."""
        if msg.type != "error":
            return
        url = str(msg.location.get("url", "")) if msg.location else ""
        path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
        if "404" in msg.text and path.startswith("/v1/") and not self._landed(path):
            self.missing.add(path)
            return
        self.errors.append(f"{msg.text} @ {path}")

    def _landed(self, path: str) -> bool:
        return any(re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", r), path)
                   for r in self.server.routes)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (never a downloaded browser)."""
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Page:
    """A browser page on the app, with its console watcher and screenshot helper."""

    page: Any
    console: Console
    server: Server
    name: str

    def open(self, hash_: str = "") -> None:
        """Load the page (optionally at a #/route)."""
        self.page.goto(f"{self.server.url}/{hash_}")

    def sign_in(self, role: Role) -> None:
        """Sign in with the session's key for a role and wait for the header."""
        self.open()
        self.page.fill("#key", self.server.keys.raw[role])
        self.page.click("#signin button[type=submit]")
        if role in (Role.OFFICER, Role.ADMIN):
            self.page.wait_for_selector("#whoami")

    def shot(self, label: str) -> Path:
        """Save a full-page screenshot under test-artifacts/."""
        ARTIFACTS.mkdir(exist_ok=True)
        out = ARTIFACTS / f"{self.name}-{label}.png"
        self.page.screenshot(path=str(out), full_page=True)
        return out

    def fits_width(self) -> bool:
        """True when nothing makes the document scroll sideways."""
        return bool(self.page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.fixture
def web(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh context at 1366x768; fails the test on console errors."""
    context = browser.new_context(viewport=WIDE, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    # Waits are locators and expect(): wait_for_function evaluates its predicate with eval,
    # which the page's Content-Security-Policy (rightly) refuses.
    playwright_api.expect.set_options(timeout=20_000)
    console = Console(server)
    page.on("console", console.on_console)
    page.on("pageerror", lambda exc: console.errors.append(f"page error: {exc}"))
    yield Page(page, console, server, request.node.name.replace("test_", "", 1))
    context.close()
    assert console.errors == [], f"console errors: {console.errors}"


@pytest.fixture(scope="session")
def family(driver: neo4j.Driver, database: str, synthetic: LoadedDrop) -> dict[str, Any]:  # noqa: F811
    """A married person with both parents and a child in the graph, with a valid ID number."""
    rows, _, _ = driver.execute_query(FAMILY, database_=database)
    assert rows, "the synthetic province has no three-generation family"
    return dict(rows[0])


@pytest.fixture(scope="session")
def index_case(driver: neo4j.Driver, database: str, synthetic: LoadedDrop) -> str:  # noqa: F811
    """An index case for the cascade: a positive screening and living blood relatives.

    Chosen from the graph (the latest screening carries a thalassemia allele) by the
    query layer's own acceptance of it, so the page is tested on a valid case.
    """
    rows, _, _ = driver.execute_query(thalassemia.INDEX_CASES,
                                      positive=list(thalassemia.POSITIVE), database_=database)
    for pid in sorted(str(r["pid"]) for r in rows)[:60]:
        try:
            found = thalassemia.cascade(driver, database, pid, 4)
        except InvalidArgument:
            continue  # a later normal result: not an index case any more
        if len(found.entries) >= 3:
            return pid
    raise AssertionError("the synthetic province has no index case with 3 living relatives")


@pytest.fixture(scope="session")
def loner(driver: neo4j.Driver, database: str, family: dict[str, Any],  # noqa: F811
          index_case: str) -> dict[str, Any]:
    """A person outside the tested family whose 3 to 6 rows each name them alone (to unmerge)."""
    keep_out = [family[k] for k in ("pid", "father", "mother", "spouse", "child")] + [index_case]
    rows, _, _ = driver.execute_query(LONER, keep_out=keep_out, database_=database)
    assert rows, "the synthetic province has no person with several single-person rows"
    return dict(rows[0])


LONER = """
MATCH (p:Person)<-[m:MENTIONS]-(r:Record)
WHERE NOT p.pid IN $keep_out
WITH p, collect(r.key + '|' + m.role) AS mentions,
     all(x IN collect(r) WHERE COUNT { (x)-[:MENTIONS]->() } = 1) AS alone
WHERE alone AND 3 <= size(mentions) <= 6
RETURN p.pid AS pid, mentions ORDER BY p.pid LIMIT 1
"""


FAMILY = """
MATCH (p:Person)-[:CHILD_OF {kind: 'biological'}]->(f:Person {sex: '1'}),
      (p)-[:CHILD_OF {kind: 'biological'}]->(m:Person {sex: '2'}),
      (p)-[:MARRIED]-(s:Person), (c:Person)-[:CHILD_OF {kind: 'biological'}]->(p)
WHERE p.id_number IS NOT NULL AND p.name IS NOT NULL AND p.birth_date IS NOT NULL
  AND NOT EXISTS { MATCH (x:Person {id_number: p.id_number}) WHERE x <> p }
  AND NOT EXISTS { MATCH (x:Person {name: p.name, birth_date: p.birth_date}) WHERE x <> p }
WITH p, f, m, s, c ORDER BY p.pid LIMIT 1
RETURN p.pid AS pid, p.name AS name, p.id_number AS id_number, toString(p.birth_date) AS born,
       p.sex AS sex, f.pid AS father, m.pid AS mother, s.pid AS spouse, s.sex AS spouse_sex,
       c.pid AS child
"""
