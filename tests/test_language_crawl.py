"""Dutch everywhere a user looks (issue 13, acceptance 2).

One demo account per role opens every page it can reach (the named pages filled with the demo
data, and every internal link followed from there, see tests/crawl.py), once in Dutch and once
in English (the language switch sets Django's language cookie), and the visible text of every
page is checked:

- Dutch pages: no English word or jargon from `ENGLISH_ON_DUTCH_PAGES` (a technical term may
  stand in a tooltip, ``<abbr title="...">``, which is not visible text), no "je"/"jouw";
- both: numbers written the language's way (`tests.crawl.number_problems`: no decimal point
  in Dutch, no decimal comma in English, a thousands separator from 1,000 on except years and
  postcodes);
- English pages: Dutch words from `DUTCH_ON_ENGLISH_PAGES` are reported as a warning, not a
  failure: data such as standing texts, scenario descriptions and indicator explanations is
  written in Dutch and stays Dutch under the English switch.

The demo data (`manage.py demo_data`, without its PDFs) gives an adopted round with computed
runs, engine warnings, decisions, transfers and monitoring.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from conftest import second_step_pass
from tests.crawl import (
    crawl,
    named_urls,
    number_problems,
    pages_by_view,
    plain_text,
    visible_text,
    word_problems,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "officer": "beleid.haarlem",
    "coordinator": "coordinator.zuid-kennemerland",
    "steering": "stuurgroep.zuid-kennemerland",
    "chair": "voorzitter",
    "programme": "programma",
    "admin": "beheer",
    # Partners (issue 15).
    "corporation": "corporatie.kennemerland",
    "care": "zorg.zuid-kennemerland",
    "province": "provincie.noord-holland",
}

# English words and jargon that must not be visible on a Dutch page (whole words; a word with
# a capital only matches with that capital).
ENGLISH_ON_DUTCH_PAGES = [
    "the",
    "and",
    "of the",
    "remainder",
    "remainders",
    "floor",
    "ranks",
    "seat(s)",
    "tasks",
    "yearly",
    "warning",
    "warnings",
    "mutations",
    "sub-region",
    "je",
    "jouw",
    "jij",
    "zijn deel",
]
# Jargon that needs plain words on a Dutch page; the technical term may stand in a tooltip
# (``<abbr title>``) or in the technical explanation one click further
# (``<details class="explanation">``), where formulas use λ.
JARGON_ON_DUTCH_PAGES = ["Digest", "digest", "Quotum", "quotum", "Dirichlet", "λ"]
# Dutch interface words that must not be visible on an English page.
DUTCH_ON_ENGLISH_PAGES = [
    "gemeente",
    "gemeenten",
    "deelregio",
    "niet",
    "wordt",
    "worden",
    "opslaan",
    "Opslaan",
    "berekening",
    "verdeling",
    "achter",
    "gerapporteerd",
]


@pytest.fixture
def demo(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo data without its PDF agreements (home/tests/test_demo.py checks those)."""
    monkeypatch.setattr("home.demo._documents", lambda round_: None)
    settings.DEBUG = True
    settings.REDIS_URL = ""
    call_command("demo_data", verbosity=0)


def _client(username: str, language: str) -> Client:
    from django.contrib.auth import get_user_model

    from accounts.access import must_use_two_factor

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    if must_use_two_factor(user):
        second_step_pass(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# Visible text that breaks a rule on purpose, with the reason; blanked out before the checks.
EXEMPT = {
    "12.500 or 12,5": "the English help text shows how numbers are typed the Dutch way",
    "(verrekenfactor 0,5)": "a scenario description of the demo: data written in Dutch",
}


# Views the crawl must reach (some role, some language), so a broken seed or link cannot make
# the test pass by opening less: every dashboard tab and the partner pages among them.
MUST_BE_OPENED = {
    "home",
    "dashboards:overview",
    "dashboards:overview_map",
    "dashboards:overview_mutations",
    "dashboards:overview_group",
    "dashboards:municipality",
    "dashboards:compare",
    "monitoring:dashboard",
    "allocation:run_detail",
    "allocation:run_group",
    "agreements:round_review",
    "public:round_detail",
    "partners:province",
    "partners:corporation_home",
    "partners:agreements",
    "partners:manage",
}


def _problems(html: str, language: str) -> Iterator[str]:
    for exempt in EXEMPT:
        html = html.replace(exempt, " ")
    text = visible_text(html)
    if language == "nl":
        yield from word_problems(text, ENGLISH_ON_DUTCH_PAGES)
        yield from word_problems(plain_text(html), JARGON_ON_DUTCH_PAGES)
    yield from number_problems(text, language, context=True)


def test_the_number_rules_tell_decimals_from_thousands() -> None:
    assert number_problems("0.6 en 92.2% en 0.6085839982", "nl") == [
        "decimal point in '0.6'",
        "decimal point in '92.2'",
        "decimal point in '0.6085839982'",
    ]
    assert number_problems("1137 naast 1.137 en -2500", "nl") == [
        "no thousands separator in '1137'",
        "no thousands separator in '2500'",
    ]
    fine = (
        "1.137, 2.607.523 inwoners, 0,6%, 12,5, GM0363, 2024–2025, 2026, 1012 AB, 09:02, 2-12-2026"
    )
    assert number_problems(fine, "nl") == []
    assert number_problems("1,137 and 0.6 but 0,6 and 1137", "en") == [
        "decimal comma in '0,6'",
        "no thousands separator in '1137'",
    ]


def test_the_page_check_catches_english_words_and_english_numbers_on_a_dutch_page() -> None:
    html = '<p>Het <abbr title="the remainder">restant</abbr>: the remainder is 0.6 van 1137</p>'
    problems = list(_problems(html, "nl"))
    assert any(p.startswith("'the' in") for p in problems)
    assert any(p.startswith("'remainder' in") for p in problems)
    assert any(p.startswith("decimal point in '0.6'") for p in problems)
    assert any(p.startswith("no thousands separator in '1137'") for p in problems)
    assert list(_problems("<p>Het restant is 0,6 van 1.137</p>", "nl")) == []
    assert list(_problems("<p>The remainder is 0.6 of 1,137</p>", "en")) == []


def test_visible_text_leaves_out_tooltips_scripts_and_code() -> None:
    html = (
        '<p>Het <abbr title="Dirichlet, lambda">gevoeligheidsonderzoek</abbr></p>'
        "<script>var the = 1.5;</script><code>manage.py allocate</code><p>klaar</p>"
    )
    assert visible_text(html) == "Het | gevoeligheidsonderzoek | klaar"


def test_every_page_speaks_the_language_of_the_switch_for_every_role(demo: None) -> None:
    failures: list[str] = []
    dutch: list[str] = []  # reported, not failed: data (names, texts) is in Dutch
    opened = 0
    views: set[str] = set()
    for role, username in ROLES.items():
        for language in ("nl", "en"):
            client = _client(username, language)
            result = crawl(client.get, named_urls())
            opened += len(result.pages)
            views.update(name for name, _path in pages_by_view(result))
            for path, error in result.errors.items():
                failures.append(f"{role}/{language} {path}: {error}")
            for path, status in result.statuses.items():
                if status >= 500:
                    failures.append(f"{role}/{language} {path}: status {status}")
            for path, html in result.pages.items():
                for problem in _problems(html, language):
                    failures.append(f"{role}/{language} {path}: {problem}")
                if language == "en":
                    for problem in word_problems(visible_text(html), DUTCH_ON_ENGLISH_PAGES):
                        dutch.append(f"{role}/en {path}: {problem}")
    if dutch:
        warnings.warn(
            f"{len(dutch)} Dutch words on English pages (data or interface):\n"
            + "\n".join(sorted(set(dutch))),
            stacklevel=1,
        )
    assert opened > 100, f"the crawl opened only {opened} pages"
    assert not MUST_BE_OPENED - views, f"never opened: {sorted(MUST_BE_OPENED - views)}"
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(sorted(set(failures)))
