"""A small crawler for the language test: which pages a role can open, and their visible text.

`page_urls` starts from the named URLs filled with concrete objects of the demo data
(`named_urls`) and from the home page, and follows the internal links of every HTML page
breadth-first. It never follows a download, an API, admin or POST-only URL, and opens at most
`per_view` different URLs of one view (a round's sixty run pages say nothing new after two).

`visible_text` parses the HTML with the standard library and returns the text a reader sees:
no markup, no attribute values (so an ``<abbr title="...">`` tooltip is not visible text), and
nothing inside ``script``, ``style``, ``template``, ``code``, ``kbd``, ``samp`` or ``pre``
(literal technical text such as ``manage.py allocate`` or a JSON key). `plain_text` also
leaves out the technical explanation one click further (``<details class="explanation">``).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve, reverse

# Views the crawl never opens: they change state, only accept POST, sign out, download a
# file, or belong to the API or the Django admin (both in English on purpose).
SKIPPED_VIEWS = {
    "logout",
    "set_language",
    "healthz",
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "figures:remind",
    "figures:import_discard",
    "figures:template_all",
    "figures:template_one",
    "figures:submit",
    "figures:confirm",
    "figures:return",
    "figures:unlock",
    "allocation:run_start",
    "allocation:run_group_input",
    "reports:agreement_download",
    "reports:agreement_regenerate",
    "reports:round_export",
    "reports:run_export",
    "public:round_kit",
    "api-schema",
    "api-docs",
}
SKIPPED_PREFIXES = ("/api/", "/beheer/", "/static/", "/media/", "/i18n/")
DOWNLOAD_SUFFIXES = (".pdf", ".csv", ".xlsx", ".json", ".zip", ".png", ".svg", ".geojson")
TECHNICAL_CLASS = "explanation"
IGNORED_ELEMENTS = {"script", "style", "template", "code", "kbd", "samp", "pre"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.plain: list[str] = []
        self.links: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self._ignored = 0
        self._technical = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.links.append(attributes["href"] or "")
        if tag in VOID_ELEMENTS:
            return
        technical = tag == "details" and TECHNICAL_CLASS in (attributes.get("class") or "").split()
        self._stack.append((tag, technical))
        if tag in IGNORED_ELEMENTS:
            self._ignored += 1
        if technical:
            self._technical += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS or tag not in {open_tag for open_tag, _ in self._stack}:
            return
        while self._stack:
            open_tag, technical = self._stack.pop()
            if open_tag in IGNORED_ELEMENTS:
                self._ignored -= 1
            if technical:
                self._technical -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._ignored and data.strip():
            self.texts.append(" ".join(data.split()))
            if not self._technical:
                self.plain.append(" ".join(data.split()))


def parse_page(html: str) -> tuple[list[str], list[str]]:
    """(visible text pieces, link targets) of an HTML page."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.texts, parser.links


def visible_text(html: str) -> str:
    """The page's visible text, the pieces joined by " | " (a boundary no word crosses)."""
    return " | ".join(parse_page(html)[0])


def plain_text(html: str) -> str:
    """The visible text outside the technical explanations (``<details class="explanation">``,
    the step-by-step account one click further, where formula symbols such as λ belong)."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return " | ".join(parser.plain)


# --- numbers -------------------------------------------------------------------------------
#
# A number token is a run of digits with single dots or commas between digit groups, not glued
# to a letter, a digit or another separator on either side (so GM0363, H1, a hex controlecode
# 2024-Q1 or Windows-1252 are not numbers, and neither are dates 2-12-2026 split by hyphens).
NUMBER = re.compile(r"(?<![\w.,/:#])(?<![\dA-Za-z]-)\d+(?:[.,]\d+)*(?![\w/-]|[.,]\d)")
# Dutch: dots group thousands (1.137, 2.607.523), a comma is the decimal sign (0,6).
DUTCH_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
# English: commas group thousands (1,137), a dot is the decimal sign (0.6).
ENGLISH_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
# A postcode: four digits, a space and two capitals (1012 AB).
POSTCODE_AFTER = re.compile(r"\s?[A-Z]{2}\b")


def number_problems(text: str, language: str, *, context: bool = False) -> list[str]:
    """The numbers in visible text that are not written the way the language writes them.

    Dutch (``nl``): a decimal sign is a comma. A dot followed by anything other than exactly
    three digits ("0.6", "92.2", "0.6085839982") is a decimal point and a problem; a dot
    followed by exactly three digits is a thousands separator ("1.137", "12.500"), also when
    English might read it as a decimal. English (``en``): a comma followed by other than
    exactly three digits is a decimal comma and a problem.

    In both: a whole part of four or more digits without a separator ("1137") is a problem,
    except a year (1900-2100, four digits) and a postcode (four digits before two capitals).
    Only the whole part before the decimal sign counts ("0,6085839982" is fine).
    """
    decimal_sign, group_sign = (",", ".") if language == "nl" else (".", ",")
    grouped = DUTCH_GROUPED if language == "nl" else ENGLISH_GROUPED
    problems = []
    for match in NUMBER.finditer(text):
        token = match.group()
        where = f" in …{text[max(0, match.start() - 30) : match.end() + 20]}…" if context else ""
        whole, _, fraction = token.partition(decimal_sign)
        if decimal_sign in fraction:
            problems.append(f"two decimal signs in {token!r}{where}")
            continue
        if group_sign in fraction:
            problems.append(f"separator after the decimal sign in {token!r}{where}")
            continue
        if group_sign in whole:
            if not grouped.fullmatch(whole):
                what = "decimal point" if language == "nl" else "decimal comma"
                problems.append(f"{what} in {token!r}{where}")
            continue
        if len(whole) >= 4 and int(whole) >= 1000:
            if len(whole) == 4 and 1900 <= int(whole) <= 2100 and not fraction:
                continue  # a year
            if len(whole) == 4 and POSTCODE_AFTER.match(text, match.end()):
                continue  # a postcode
            problems.append(f"no thousands separator in {token!r}{where}")
    return problems


def word_problems(text: str, words: Iterable[str]) -> list[str]:
    """The words (whole words; case-sensitive when the word has a capital) found in text."""
    found = []
    for word in words:
        flags = 0 if word != word.lower() else re.IGNORECASE
        pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
        for match in re.finditer(pattern, text, flags):
            start = max(0, match.start() - 40)
            found.append(f"{word!r} in …{text[start : match.end() + 40]}…")
            break
    return found


# --- URLs ----------------------------------------------------------------------------------


def view_name(path: str) -> str | None:
    """The namespaced view name of a path, or None when it does not resolve."""
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def crawlable(url: str) -> str | None:
    """The internal, crawlable path (with query) of a link, or None."""
    url, _ = urldefrag(url)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith(SKIPPED_PREFIXES):
        return None
    if path.lower().endswith(DOWNLOAD_SUFFIXES):
        return None
    name = view_name(path)
    if name is None or name in SKIPPED_VIEWS:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def named_urls() -> list[str]:
    """Every named page, filled with concrete objects of the (demo) data in the database."""
    from agreements.models import Proposal
    from allocation.models import Round, RunStatus, Scenario, ScenarioRun
    from monitoring.models import Realisation
    from municipalities.models import Municipality, SubRegion

    urls: list[str] = [
        reverse(name)
        for name in (
            "home",
            "municipalities:list",
            "municipalities:subregion_list",
            "target_groups:list",
            "figures:home",
            "figures:completeness",
            "figures:import_upload",
            "allocation:round_list",
            "allocation:round_create",
            "dashboards:index",
            "dashboards:fallback",
            "monitoring:index",
            "public:round_list",
            "partners:province",
            "partners:corporation_home",
            "partners:agreements",
            "partners:manage",
            "partners:organisation_create",
        )
    ]
    for sub in SubRegion.objects.order_by("name")[:2]:
        urls.append(reverse("municipalities:subregion_detail", args=[sub.slug]))
    year = 2024
    for muni in Municipality.objects.filter(cbs_code__in=["GM0392", "GM0363"]):
        code = muni.cbs_code
        urls.append(reverse("figures:municipality", args=[code]))
        urls.append(reverse("figures:history", args=[code]))
        for name in ("figures:year", "figures:edit", "figures:check", "figures:year_history"):
            urls.append(reverse(name, args=[code, year]))
    for round_ in Round.objects.order_by("pk"):
        pk = round_.pk
        for name in (
            "allocation:round_detail",
            "allocation:round_settings",
            "allocation:scenario_create",
            "agreements:round_review",
            "agreements:round_history",
            "agreements:standing_texts",
            "reports:round_agreements",
            "monitoring:dashboard",
            "monitoring:import",
            "public:round_detail",
        ):
            urls.append(reverse(name, args=[pk]))
        urls.append(reverse("agreements:municipality_thread", args=[pk, "GM0392"]))
        urls.append(reverse("dashboards:round", kwargs={"round_pk": pk}))
        urls.append(reverse("dashboards:compare", kwargs={"round_pk": pk}))
        for scenario in Scenario.objects.filter(round=round_).order_by("pk")[:2]:
            urls.append(reverse("allocation:scenario_detail", args=[scenario.pk]))
            urls.append(reverse("allocation:scenario_edit", args=[scenario.pk]))
            kwargs = {"round_pk": pk, "scenario_pk": scenario.pk}
            # The overview and each of its tabs (map, mutations, one per target group), each
            # with its own URL: seeded, so every tab is opened whatever a page links to.
            urls.append(reverse("dashboards:overview", kwargs=kwargs))
            urls.append(reverse("dashboards:overview_map", kwargs=kwargs))
            urls.append(reverse("dashboards:overview_mutations", kwargs=kwargs))
            urls.append(reverse("dashboards:municipality", kwargs={**kwargs, "code": "GM0392"}))
            run = (
                ScenarioRun.objects.filter(scenario=scenario, status=RunStatus.SUCCEEDED)
                .order_by("-pk")
                .first()
            )
            if run is None:
                continue
            urls.append(reverse("allocation:run_detail", args=[run.pk]))
            urls.append(reverse("allocation:run_progress", args=[run.pk]))
            for code in sorted((run.results or {}).get("groups", {})):
                urls.append(reverse("allocation:run_group", args=[run.pk, code]))
                urls.append(
                    reverse("dashboards:overview_group", kwargs={**kwargs, "group_code": code})
                )
    for realisation in Realisation.objects.order_by("pk")[:2]:
        urls.append(
            reverse(
                "monitoring:quarter",
                args=[
                    realisation.round_id,
                    realisation.municipality.cbs_code,
                    realisation.year,
                    realisation.quarter,
                ],
            )
        )
    del Proposal  # imported to fail loudly if the app is renamed; proposals need no URL
    return urls


@dataclass
class CrawlResult:
    pages: dict[str, str] = field(default_factory=dict)
    """path -> HTML of every page that answered 200 with HTML."""
    statuses: dict[str, int] = field(default_factory=dict)
    """path -> status of every page that did not."""
    errors: dict[str, str] = field(default_factory=dict)
    """path -> the exception a page raised (the test client re-raises a view's error)."""


def crawl(
    get: Callable[[str], Any],
    seeds: Iterable[str],
    *,
    per_view: int = 3,
    limit: int = 400,
) -> CrawlResult:
    """Open the seeds and follow internal links breadth-first with `get` (a test client's
    GET). At most `per_view` URLs per view name and `limit` pages in all."""
    result = CrawlResult()
    queue: deque[str] = deque()
    seen: set[str] = set()
    per: dict[str, int] = {}

    def push(url: str) -> None:
        path = crawlable(url)
        if path is None or path in seen:
            return
        name = view_name(path) or path
        if per.get(name, 0) >= per_view:
            return
        per[name] = per.get(name, 0) + 1
        seen.add(path)
        queue.append(path)

    for seed in seeds:
        push(seed)
    while queue and len(result.pages) + len(result.statuses) + len(result.errors) < limit:
        path = queue.popleft()
        try:
            response = get(path)
        except Exception as error:  # noqa: BLE001 - reported by the test, the crawl goes on
            result.errors[path] = f"{type(error).__name__}: {error}"
            continue
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            result.statuses[path] = response.status_code
            continue
        html = response.content.decode(response.charset or "utf-8")
        result.pages[path] = html
        for link in parse_page(html)[1]:
            push(urljoin(path, link))
    return result


def pages_by_view(result: CrawlResult) -> Iterator[tuple[str, str]]:
    """(view name, path) of every crawled HTML page."""
    for path in result.pages:
        yield view_name(path) or "?", path
