"""Dashboard pages: who may see them, what they show, and a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .factories import Region

pytestmark = pytest.mark.django_db

ROLES = [
    "programma",
    "voorzitter",
    "stuurgroep.amsterdam",
    "stuurgroep.zuid-kennemerland",
    "coordinator.zuid-kennemerland",
    "beleid.haarlem",
    "beleid.amsterdam",
    "beheer",
]


def pages(region: Region) -> list[str]:
    r, (a, b) = region.round, region.scenarios
    return [
        reverse("dashboards:index"),
        reverse("dashboards:round", args=[r.pk]),
        reverse("dashboards:overview", args=[r.pk, a.pk]),
        reverse("dashboards:overview_map", args=[r.pk, a.pk]) + "?kaart=groep-urgent",
        reverse("dashboards:overview_mutations", args=[r.pk, a.pk]),
        reverse("dashboards:overview_group", args=[r.pk, a.pk, "urgent"]),
        reverse("dashboards:compare", args=[r.pk]) + f"?scenario={a.pk}&scenario={b.pk}",
        reverse("dashboards:municipality", args=[r.pk, a.pk, region.municipality]),
    ]


def test_anonymous_users_are_sent_to_login(client, mra) -> None:
    for url in pages(mra):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("username", ROLES)
def test_every_role_sees_every_dashboard(client_for, mra, username) -> None:
    c = client_for(username)
    for url in pages(mra):
        assert c.get(url).status_code == 200, url


def test_a_user_without_a_role_is_refused(client, django_user_model, mra) -> None:
    user = django_user_model.objects.create_user(username="zonder-rol", password="x")
    client.force_login(user)
    for url in pages(mra):
        assert client.get(url).status_code == 403, url


def test_unknown_round_scenario_or_municipality_is_404(client_for, mra) -> None:
    c = client_for("voorzitter")
    r, (a, _b) = mra.round, mra.scenarios
    assert c.get(reverse("dashboards:round", args=[9999])).status_code == 404
    assert c.get(reverse("dashboards:overview", args=[r.pk, 9999])).status_code == 404
    assert c.get(reverse("dashboards:municipality", args=[r.pk, a.pk, "GM9999"])).status_code == 404


def test_a_scenario_of_another_round_is_404(client_for, mra) -> None:
    from allocation.tests.factories import RoundFactory

    other = RoundFactory()
    url = reverse("dashboards:overview", args=[other.pk, mra.scenarios[0].pk])
    assert client_for("voorzitter").get(url).status_code == 404


def test_a_scenario_without_a_finished_computation_says_so(client_for, mra) -> None:
    from allocation.tests.factories import scenario_for

    empty = scenario_for(mra.round, name="Nog niet berekend", groups=("urgent",))
    html = (
        client_for("voorzitter")
        .get(reverse("dashboards:overview", args=[mra.round.pk, empty.pk]))
        .content.decode()
    )
    assert "geen afgeronde berekening" in html or "no finished computation" in html


def test_group_tab_shows_task_split_effort_mutations_and_fallback(client_for, mra) -> None:
    response = client_for("stuurgroep.amsterdam").get(
        reverse("dashboards:overview_group", args=[mra.round.pk, mra.scenarios[1].pk, "urgent"])
    )
    overview = response.context["overview"]
    urgent = next(g for g in overview["groups"] if g["code"] == "urgent")
    run = mra.runs[1]
    assert urgent["total"] == run.results["groups"]["urgent"]["result"]["total"]
    assert len(urgent["rows"]) == 30
    assert len(urgent["subregions"]) == 7
    assert sum(s["allocation"] for s in urgent["subregions"]) == urgent["allocated_total"]
    assert urgent["is_urgent"]
    assert urgent["fallback_total"] > 0
    homeless = next(g for g in overview["groups"] if g["code"] == "homeless")
    assert not homeless["is_urgent"]
    # Effort against the key share of all existing effort: the differences add up to 0.
    assert abs(sum(r["effort_difference"] for r in urgent["rows"])) < 1
    assert urgent["above_count"] > 0
    assert urgent["below_count"] > 0
    assert overview["overall"]["threshold_pct"] == 50
    html = response.content.decode()
    assert "Haarlem" in html
    assert (
        reverse("dashboards:municipality", args=[mra.round.pk, mra.scenarios[1].pk, "GM0392"])
        in html
    )
    # The difference is shown with a sign and in words, not by colour alone.
    assert re.search(r"▲ </span>\+[\d.,]+ ", html)
    assert re.search(r"▼ </span>−[\d.,]+ ", html)


def test_every_chart_has_a_text_alternative_and_a_table(client_for, mra) -> None:
    r, (a, _b) = mra.round, mra.scenarios
    c = client_for("voorzitter")
    for url in [
        reverse("dashboards:overview_map", args=[r.pk, a.pk]),
        reverse("dashboards:overview_mutations", args=[r.pk, a.pk]),
        reverse("dashboards:municipality", args=[r.pk, a.pk, "GM0392"]),
    ]:
        html = c.get(url).content.decode()
        figures = re.findall(
            r'<figure class="chart".*?</figure>\s*<details[^>]*>.*?</details>', html, re.S
        )
        assert figures, url
        assert len(figures) == html.count('<figure class="chart"'), url
        for figure in figures:
            assert 'role="img" aria-label="' in figure
            assert "<svg" in figure
            assert "<figcaption>" in figure
            assert "<caption" in figure
            assert 'scope="col"' in figure


def test_the_map_follows_the_chosen_measure(client_for, mra) -> None:
    r, a = mra.round, mra.scenarios[0]
    c = client_for("voorzitter")
    url = reverse("dashboards:overview_map", args=[r.pk, a.pk])
    default = c.get(url).context
    assert default["chosen"] == "alle"
    mutations = c.get(url + "?kaart=mutaties").context
    assert mutations["chosen"] == "mutaties"
    rows = {row["code"]: row["value"] for row in mutations["map"].rows}
    expected = next(x for x in mutations["overview"]["overall"]["rows"] if x["code"] == "GM0392")
    assert rows["GM0392"] == pytest.approx(float(expected["share_pct"]), abs=1e-3)
    assert mutations["map"].spec["layer"][0]["mark"]["type"] == "rect"  # the tile map
    urgent = c.get(url + "?kaart=groep-urgent").context
    assert urgent["chosen"] == "groep-urgent"


def test_an_unknown_measure_shows_a_message_and_the_default_map(client_for, mra) -> None:
    url = reverse("dashboards:overview_map", args=[mra.round.pk, mra.scenarios[0].pk])
    response = client_for("voorzitter").get(url + "?kaart=onzin")
    assert response.status_code == 200
    assert response.context["chosen"] == "alle"
    assert 'aria-describedby="kaart-fout"' in response.content.decode()


def test_comparison_shows_differences_readouts_and_bands(client_for, mra) -> None:
    r, (a, b) = mra.round, mra.scenarios
    url = reverse("dashboards:compare", args=[r.pk]) + f"?scenario={a.pk}&scenario={b.pk}"
    response = client_for("stuurgroep.ijmond").get(url)
    comparison = response.context["comparison"]
    assert [s.pk for s in comparison["scenarios"]] == [a.pk, b.pk]
    urgent = next(g for g in comparison["groups"] if g["code"] == "urgent")
    assert len(urgent["rows"]) == 30
    assert urgent["changed_count"] > 0
    row = next(x for x in urgent["rows"] if x["changed"])
    first, second = row["cells"]
    assert second["difference"] == second["allocation"] - first["allocation"]
    assert first["p5"] is not None
    assert second["p95"] is not None
    assert urgent["readouts"][0]["fairness"]["cv_per_1000"] is not None
    html = response.content.decode()
    assert "meer" in html or "more" in html
    assert "p5–p95" in html


@pytest.mark.parametrize("chosen", [1, 5])
def test_comparison_needs_two_to_four_scenarios(client_for, mra, chosen) -> None:
    r, (a, _b) = mra.round, mra.scenarios
    query = "&".join([f"scenario={a.pk}"] * chosen)
    response = client_for("voorzitter").get(
        reverse("dashboards:compare", args=[r.pk]) + "?" + query
    )
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert response.context["form"].errors


def test_comparison_refuses_a_scenario_of_another_round(client_for, mra) -> None:
    from allocation.tests.factories import RoundFactory

    other = RoundFactory()
    _r, (a, b) = mra.round, mra.scenarios
    url = reverse("dashboards:compare", args=[other.pk]) + f"?scenario={a.pk}&scenario={b.pk}"
    response = client_for("voorzitter").get(url)
    assert response.context["comparison"] is None


def test_municipality_page_has_explanation_effort_band_and_subregion(client_for, mra) -> None:
    r, a = mra.round, mra.scenarios[1]
    response = client_for("beleid.haarlem").get(
        reverse("dashboards:municipality", args=[r.pk, a.pk, "GM0392"])
    )
    data = response.context["data"]
    assert data["name"] == "Haarlem"
    assert data["subregion"] == "Zuid-Kennemerland"
    assert [s["group"]["code"] for s in data["sections"]] == ["homeless", "urgent"]
    section = data["sections"][0]
    assert section["subregion"]["name"] == "Zuid-Kennemerland"
    assert section["subregion"]["count"] == 4
    assert section["summary"]["p5"] is not None
    assert {n["name"] for n in data["neighbours"]} == {
        "Haarlem",
        "Zandvoort",
        "Heemstede",
        "Bloemendaal",
    }
    html = response.content.decode()
    # The explanation of each number, once per group (unique ids).
    assert 'id="uitleg-GM0392-urgent"' in html
    assert 'id="uitleg-GM0392-homeless"' in html
    assert "1. " in html


QUERIES = {
    "overview": 7,
    "overview_map": 8,
    "overview_mutations": 7,
    "overview_group": 7,
    "compare": 7,
    "municipality": 8,
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_pages_keep_a_fixed_number_of_queries(
    client_for, region, name, django_assert_num_queries
) -> None:
    """Session, user and membership (3), then the round, the scenario(s), the latest run(s)
    (without their results once these are cached), the target groups and the outlines (map)
    or the full run and indicators (municipality page): the same count at 30 and at 342
    municipalities."""
    r, (a, b) = region.round, region.scenarios
    url = {
        "overview": reverse("dashboards:overview", args=[r.pk, a.pk]),
        "overview_map": reverse("dashboards:overview_map", args=[r.pk, a.pk]) + "?kaart=mutaties",
        "overview_mutations": reverse("dashboards:overview_mutations", args=[r.pk, a.pk]),
        "overview_group": reverse("dashboards:overview_group", args=[r.pk, a.pk, "urgent"]),
        "compare": reverse("dashboards:compare", args=[r.pk]) + f"?scenario={a.pk}&scenario={b.pk}",
        "municipality": reverse("dashboards:municipality", args=[r.pk, a.pk, region.municipality]),
    }[name]
    c = client_for("stuurgroep.amsterdam")
    first = c.get(url)
    assert first.status_code == 200
    if name != "compare":
        rows = (
            first.context["overview"]["groups"][0]["rows"] if "overview" in first.context else None
        )
        if rows is not None:
            assert len(rows) == region.count
    with django_assert_num_queries(QUERIES[name]):
        assert c.get(url).status_code == 200


def test_a_scenario_with_every_group_renders_every_page(client_for, mra) -> None:
    from allocation.models import Scenario
    from allocation.tests.factories import scenario_for

    from .factories import computed

    everything = scenario_for(mra.round, name="Alle groepen")
    Scenario.objects.filter(pk=everything.pk).update(sensitivity_draws=100)  # faster
    computed(everything)
    c = client_for("voorzitter")
    r = mra.round
    matrix = c.get(reverse("dashboards:overview", args=[r.pk, everything.pk])).context["matrix"]
    assert len(matrix["columns"]) == 7
    overview = c.get(reverse("dashboards:overview_map", args=[r.pk, everything.pk]))
    assert len(overview.context["overview"]["groups"]) == 7
    for measure in overview.context["map_form"].fields["kaart"].choices:
        url = reverse("dashboards:overview_map", args=[r.pk, everything.pk])
        assert c.get(f"{url}?kaart={measure[0]}").status_code == 200, measure
    for code in overview.context["overview"]["groups"]:
        url = reverse("dashboards:overview_group", args=[r.pk, everything.pk, code["code"]])
        assert c.get(url).status_code == 200, code["code"]
    page = c.get(reverse("dashboards:municipality", args=[r.pk, everything.pk, "GM0363"]))
    assert len(page.context["data"]["sections"]) == 7
    compare = reverse("dashboards:compare", args=[r.pk])
    query = "&".join(f"scenario={s.pk}" for s in [*mra.scenarios, everything])
    assert len(c.get(f"{compare}?{query}").context["comparison"]["groups"]) == 7


# --- the first screen: the matrix, the tabs and the cache ----------------------------------


def test_the_first_tab_is_a_matrix_of_every_municipality_and_group(client_for, mra) -> None:
    r, b = mra.round, mra.scenarios[1]
    response = client_for("stuurgroep.zuid-kennemerland").get(
        reverse("dashboards:overview", args=[r.pk, b.pk])
    )
    matrix = response.context["matrix"]
    assert [c["code"] for c in matrix["columns"]] == ["homeless", "urgent"]
    assert len(matrix["subregions"]) == 7
    rows = [row for sub in matrix["subregions"] for row in sub["rows"]]
    assert len(rows) == matrix["count"] == 30
    stored = mra.runs[1].results["groups"]
    for i, code in enumerate(["homeless", "urgent"]):
        expected = {
            a["code"]: int(a["total_with_backlog"]) for a in stored[code]["result"]["allocations"]
        }
        assert {row["code"]: row["values"][i] for row in rows} == expected
        assert matrix["totals"][i] == sum(expected.values())
        assert sum(sub["totals"][i] for sub in matrix["subregions"]) == matrix["totals"][i]
    html = response.content.decode()
    # Units and the period in the headers; Dutch thousands separators; no decimal points.
    assert "voor de hele periode" in html or "for the whole period" in html
    assert "personen" in html
    total = matrix["totals"][1]
    assert total >= 1000
    assert f"{total // 1000}.{total % 1000:03d}" in html
    table = html[html.index('<table class="matrix"') : html.index("</table>")]
    assert not re.search(r"\d,\d", table)
    # Nothing else is rendered on the first tab: no charts, no per-group tables.
    assert "<svg" not in html
    assert 'class="results"' not in html


def test_tabs_are_links_with_their_own_url_and_mark_the_current_one(client_for, mra) -> None:
    r, a = mra.round, mra.scenarios[0]
    c = client_for("voorzitter")
    urls = {
        "overview": reverse("dashboards:overview", args=[r.pk, a.pk]),
        "map": reverse("dashboards:overview_map", args=[r.pk, a.pk]),
        "mutations": reverse("dashboards:overview_mutations", args=[r.pk, a.pk]),
        "group": reverse("dashboards:overview_group", args=[r.pk, a.pk, "urgent"]),
    }
    for url in urls.values():
        html = c.get(url).content.decode()
        nav = html[
            html.index('<nav class="tabs"') : html.index("</nav>", html.index('<nav class="tabs"'))
        ]
        for other in urls.values():
            if other != urls["group"]:
                assert f'href="{other}"' in nav
        current = re.findall(r'<a class="tabs__tab" href="([^"]+)"[^>]*aria-current', nav)
        assert len(current) == 1
    group_html = c.get(urls["group"]).content.decode()
    assert 'aria-current="true"' in group_html  # the tab of the groups, on another group's URL
    assert re.search(rf'href="{urls["group"]}"[^>]*aria-current="page"', group_html)


def test_an_htmx_tab_request_gets_only_the_tab_area(client_for, mra) -> None:
    r, a = mra.round, mra.scenarios[0]
    c = client_for("voorzitter")
    url = reverse("dashboards:overview_mutations", args=[r.pk, a.pk])
    fragment = c.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<nav class="tabs"')
    assert "<svg" in html
    assert "HX-Request" in fragment["Vary"]
    # Back in the browser history, htmx asks for the whole page again.
    restore = c.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_the_old_map_link_still_works(client_for, mra) -> None:
    r, a = mra.round, mra.scenarios[0]
    old = reverse("dashboards:overview", args=[r.pk, a.pk]) + "?kaart=mutaties"
    response = client_for("voorzitter").get(old)
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("dashboards:overview_map", args=[r.pk, a.pk]) + "?kaart=mutaties"
    )


def test_an_unknown_group_tab_is_404(client_for, mra) -> None:
    url = reverse("dashboards:overview_group", args=[mra.round.pk, mra.scenarios[0].pk, "geen"])
    assert client_for("voorzitter").get(url).status_code == 404


def test_the_first_tab_is_small(client_for, region) -> None:
    """Issue 14: at most 120 KB of HTML at 30 municipalities (and linear beyond)."""
    r, a = region.round, region.scenarios[0]
    html = client_for("voorzitter").get(reverse("dashboards:overview", args=[r.pk, a.pk])).content
    assert len(html) <= 120_000 * region.count / 30


def test_the_run_results_are_read_once_and_then_served_from_the_cache(
    client_for, mra, django_assert_num_queries
) -> None:
    from django.core.cache import cache as django_cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboards import cache

    django_cache.clear()
    r, a = mra.round, mra.scenarios[0]
    c = client_for("stuurgroep.amsterdam")
    urls = [
        reverse("dashboards:overview", args=[r.pk, a.pk]),
        reverse("dashboards:overview_map", args=[r.pk, a.pk]),
        reverse("dashboards:overview_mutations", args=[r.pk, a.pk]),
        reverse("dashboards:overview_group", args=[r.pk, a.pk, "urgent"]),
    ]

    def results_reads() -> int:
        with CaptureQueriesContext(connection) as captured:
            for url in urls:
                assert c.get(url).status_code == 200
        return sum('"results"' in q["sql"] for q in captured.captured_queries)

    assert results_reads() == 1  # read once, by the first page
    assert results_reads() == 0  # this process keeps the compact shape
    cache.memo.clear()  # another process: the shape comes from Django's cache
    assert results_reads() == 0
    from dashboards.selectors import SHAPE_VERSION

    run = mra.runs[0]
    key = f"dashboards:matrix:v{SHAPE_VERSION}:{run.pk}:{run.digest}"
    assert django_cache.get(key) is not None
