"""Every view, in Chinese and in English, at 1280 and 390 px: no catalogue key missing in
the page's language, no raw code (``index_case_not_screened``, ``public_security``) and,
on the Chinese page, no English word shown to the officer.

What the officer reads is every visible text and every placeholder, title and
aria-label, except values marked ``translate="no"``: identifiers and department data
(record keys, file names, ID numbers, names), which stay as the departments wrote them.
"""

from __future__ import annotations

import re
from typing import Any

import neo4j
import pytest

from api.keys import Role
from tests.e2e.conftest import Page
from tests.integration.synthetic import LoadedDrop

SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
LATIN = re.compile(r"(?<![\w.])[A-Za-z]{3,}(?![\w.])")
# Upper-case policy rule ids (HN2021-THREE-CHILDREN) are identifiers, not words.
RULE_ID = re.compile(r"\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b")
# Words a Chinese page may show: the product, the language switch, units and standards.
ALLOWED = {"Kingraph", "English", "API", "CSV", "Excel", "MCV", "HbA", "HbH", "Bart", "Ctrl",
           "HTTP", "ICD", "GEDCOM", "FHIR"}

SHOWN = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest('[translate="no"], script, style, title')) continue;
    if (!el.checkVisibility()) continue;
    const text = walker.currentNode.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (el.closest('[translate="no"]') || !el.checkVisibility()) continue;
    for (const a of ['placeholder', 'title', 'aria-label']) {
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
  }
  return out;
}"""


UNSCREENED = """
MATCH (p:Person) WHERE p.name IS NOT NULL
  AND NOT EXISTS { (p)<-[:MENTIONS]-(:Record:Screening) }
RETURN p.pid AS pid ORDER BY p.pid LIMIT 1
"""


@pytest.fixture(scope="session")
def unscreened(driver: neo4j.Driver, database: str, synthetic: LoadedDrop) -> str:
    """A person with no screening row: no index case for a cascade."""
    rows, _, _ = driver.execute_query(UNSCREENED, database_=database)
    return str(rows[0]["pid"])


def _check(web: Page, lang: str, where: str) -> None:
    missing = web.page.evaluate("[...window.kgI18nMissing]")
    assert missing == [], f"{where}: keys missing from the {lang} catalogue: {missing}"
    raw: set[str] = set()
    for text in web.page.evaluate(SHOWN):
        raw |= set(SNAKE.findall(text))
        if lang == "zh":
            raw |= {w for w in LATIN.findall(RULE_ID.sub("", text)) if w not in ALLOWED}
    assert not raw, f"{where} ({lang}): raw codes or untranslated words shown: {sorted(raw)}"


def _sign_in(web: Page, role: Role, lang: str) -> None:
    web.open()
    web.page.evaluate(f"localStorage.setItem('kg.lang', '{lang}')")
    web.sign_in(role)


def _visit(web: Page, hash_: str, ready: str) -> None:
    web.open(hash_)
    web.page.wait_for_selector(ready, timeout=60_000)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_officer_view_speaks_the_page_language(web: Page, lang: str, size: str,
                                                    family: dict[str, Any], index_case: str,
                                                    unscreened: str) -> None:
    web.page.set_viewport_size(SIZES[size])
    _sign_in(web, Role.OFFICER, lang)
    assert web.page.get_attribute("html", "lang") == ("zh-CN" if lang == "zh" else "en")
    _check(web, lang, "search")
    web.page.fill("#q-id", family["id_number"])
    web.page.click("#by-id button[type=submit]")
    web.page.wait_for_selector("#search-results a.candidate")
    _check(web, lang, "search results")

    _visit(web, f"#/person/{family['pid']}", "#relatives-box table")
    web.page.wait_for_selector("#ped :is(#pedigree, #ped-list)")
    web.page.wait_for_selector("#trajectory-box :is(table, .state)")
    web.page.locator("#relatives-box details.records-of summary").first.click()
    web.page.wait_for_selector("#relatives-box details[open] li details summary")
    web.page.click("#show-sources")
    web.page.wait_for_selector("#sources-box tbody tr")
    for summary in web.page.locator("#sources-box tbody tr details summary").all()[:6]:
        summary.click()
    _check(web, lang, "person page with its records open")
    web.page.click("#ped [data-mode=list]")
    _check(web, lang, "family as a list")

    _visit(web, f"#/relationship/{family['pid']}/{family['father']}", "#verdict")
    _check(web, lang, "relationship")

    _visit(web, f"#/thalassemia/cascade/{index_case}", "#cascade-result tbody tr")
    _check(web, lang, "cascade worklist")
    # A person who is no index case: the engine's reason, in the page's language.
    _visit(web, f"#/thalassemia/cascade/{unscreened}", "#cascade-result .state.error")
    assert web.page.locator("#cascade-result .reason").count() == 1
    _check(web, lang, "cascade refused")
    _visit(web, "#/thalassemia/couples", "#couples-result :is(tbody tr, .state)")
    _check(web, lang, "at-risk couples")
    _visit(web, "#/thalassemia/divisions", "#divisions-result :is(tbody tr, .state)")
    _check(web, lang, "division summaries")

    husband, wife = ((family["pid"], family["spouse"]) if family["sex"] == "1"
                     else (family["spouse"], family["pid"]))
    _visit(web, f"#/eligibility/{husband}/{wife}", "#eligibility-form")
    web.page.click("#eligibility-form button[type=submit]")
    web.page.wait_for_selector("#eligibility-result :is([data-outcome], .state.error)")
    _check(web, lang, "eligibility decision")
    web.page.fill("#el-as-of", "")
    web.page.fill("#el-wife", "?")
    web.page.click("#eligibility-form button[type=submit]")
    web.page.wait_for_selector("#eligibility-result .field-errors li")
    _check(web, lang, "eligibility with invalid fields")

    _visit(web, "#/flows", "#flows-result :is(#corridors, .state)")
    _check(web, lang, "flows")
    _visit(web, "#/review", "#review-list :is(article, .state)")
    web.page.locator("#review-list .compare-toggle").first.click()
    web.page.wait_for_selector("#review-list .compare .cmp-rows")
    _check(web, lang, "review queue")
    # The browser itself logs the two refusals asked for above (status 422).
    web.console.errors[:] = [e for e in web.console.errors if "(Unprocessable Entity)" not in e]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_admin_view_speaks_the_page_language(web: Page, lang: str, size: str) -> None:
    web.page.set_viewport_size(SIZES[size])
    _sign_in(web, Role.ADMIN, lang)
    _visit(web, "#/admin", "#audit table")
    web.page.wait_for_selector("#loads table")
    headers = web.page.locator("#loads thead th").all_inner_texts()
    assert "load_id" not in headers and len(headers) >= 5
    web.page.locator("#loads details summary").first.click()
    _check(web, lang, "admin")


def test_a_mistyped_key_says_the_key_is_invalid(web: Page) -> None:
    web.open()
    web.page.fill("#key", "kg_not-a-key-anyone-was-given")
    web.page.click("#signin button[type=submit]")
    web.page.wait_for_selector("#signin .state.error")
    text = web.page.inner_text("#signin")
    assert "密钥无效" in text and "登录已失效" not in text
    assert web.page.locator("#whoami").count() == 0
    web.shot("mistyped-key")
    # The browser itself logs the refused request (status 401); nothing else may be logged.
    web.console.errors[:] = [e for e in web.console.errors if "401" not in e]
