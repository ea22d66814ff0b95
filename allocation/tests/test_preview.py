"""The live what-if: same numbers as a background run, nothing stored, programme team only."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allocation import preview, selectors, services
from allocation.models import Scenario, ScenarioRun, ScenarioWeight

from .factories import scenario_for

pytestmark = pytest.mark.django_db

OTHER_ROLES = [
    "voorzitter",
    "stuurgroep.amsterdam",
    "coordinator.zuid-kennemerland",
    "beleid.haarlem",
    "beheer",
]
HTMX = {"HTTP_HX_REQUEST": "true"}
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@pytest.fixture
def demo_round(round_):
    """The demo round's three scenarios (Standaard, Inwoners, Gemengd) on the 30 municipalities
    and 7 groups. `round_` already holds the demo round's name, so demo_round_ensure uses it."""
    return services.demo_round_ensure()


@pytest.fixture
def gemengd(demo_round) -> Scenario:
    return Scenario.objects.get(round=demo_round, name="Gemengd")


def _form_data(client, scenario: Scenario) -> dict[str, str]:
    """The what-if form as the browser would post it: every input's name and shown value."""
    page = client.get(reverse("allocation:scenario_whatif", args=[scenario.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    start = text.index('id="whatif-form"')
    form = text[start : text.index("</form>", start)]
    data = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    }
    for name in re.findall(r'<input[^>]*name="([^"]+)"(?![^>]*value=)[^>]*>', form):
        data.setdefault(html.unescape(name), "")
    return data


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if WRITES.match(q["sql"])]


def _row_counts() -> dict[str, int]:
    from allocation.models import ScenarioGroupSetting

    return {
        "scenarios": Scenario.objects.count(),
        "settings": ScenarioGroupSetting.objects.count(),
        "weights": ScenarioWeight.objects.count(),
        "runs": ScenarioRun.objects.count(),
        "history": Scenario.history.count(),  # type: ignore[attr-defined]
    }


def _without_sensitivity(results: dict) -> dict:
    return {
        "groups": {code: {**data, "sensitivity": None} for code, data in results["groups"].items()},
        "overall": results["overall"],
    }


# --- same path as a run -------------------------------------------------------------------


def test_settings_of_the_preview_equal_what_a_run_reads_from_the_database(demo_round) -> None:
    groups = selectors.active_groups()
    for stored in Scenario.objects.filter(round=demo_round):
        scenario = selectors.scenario_get(pk=stored.pk)
        expected = selectors.scenario_settings_dict(scenario)
        built = preview.settings_dict_of(scenario, preview.stored_settings(scenario), groups)
        assert built == expected, scenario.name


def test_preview_numbers_equal_a_background_run_of_the_saved_scenario(
    client_for, gemengd, django_capture_on_commit_callbacks
) -> None:
    client = client_for("programma")
    data = _form_data(client, gemengd)
    data["homeless-weight_population"] = "70"
    data["homeless-weight_social_rental"] = "30"
    data["urgent-credit_factor"] = "0,25"
    data["students-max_credit_pct"] = "30"
    shown = client.post(
        reverse("allocation:scenario_whatif_preview", args=[gemengd.pk]), data, **HTMX
    )
    assert shown.status_code == 200
    whatif = shown.context["preview"]
    assert whatif is not None, shown.content.decode()[:2000]
    assert whatif.changed > 0  # the changes moved numbers

    data["opslaan-name"] = "Gemengd, daklozen 70/30"
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(reverse("allocation:scenario_whatif_save", args=[gemengd.pk]), data)
    assert saved.status_code == 302
    run = ScenarioRun.objects.get(scenario__name="Gemengd, daklozen 70/30")
    assert saved["Location"] == run.get_absolute_url()
    assert run.status == "succeeded", run.error_message  # eager Celery ran it on commit
    assert run.scenario_settings["groups"]["homeless"]["weights"] == {
        "population": "0.700000",
        "social_rental": "0.300000",
    }
    assert _without_sensitivity(run.results) == whatif.results
    # The run itself did draw the sensitivity; the preview leaves only that out.
    assert run.results["groups"]["homeless"]["sensitivity"] is not None


def test_the_preview_of_an_unchanged_scenario_equals_its_run(client_for, gemengd) -> None:
    run = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=gemengd, celery_task_id="t").pk
    )
    assert run is not None
    assert run.status == "succeeded"
    page = client_for("programma").get(reverse("allocation:scenario_whatif", args=[gemengd.pk]))
    assert page.context["preview"].results == _without_sensitivity(run.results)
    assert page.context["preview"].changed == 0


def test_with_a_proposal_the_differences_are_with_the_proposed_run(client_for, gemengd) -> None:
    from django.utils import timezone

    from agreements.models import Proposal

    run = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=gemengd, celery_task_id="t").pk
    )
    assert run is not None
    Proposal.objects.create(
        round=gemengd.round, run=run, run_digest=run.digest, proposed_at=timezone.now()
    )
    inwoners = Scenario.objects.get(round=gemengd.round, name="Inwoners")
    client = client_for("programma")
    page = client.get(reverse("allocation:scenario_whatif", args=[inwoners.pk]))
    shown = page.context["preview"]
    assert shown.basis.run == run
    assert shown.changed > 0  # Inwoners differs from the proposed Gemengd
    amsterdam = next(row for row in shown.rows if row["code"] == "GM0363")
    proposed = {
        a["code"]: a["total_with_backlog"]
        for a in run.results["groups"]["homeless"]["result"]["allocations"]
    }
    cell = amsterdam["cells"][[g["code"] for g in shown.groups].index("homeless")]
    assert cell["diff"] == cell["value"] - proposed["GM0363"]
    # From the round, the what-if opens on the proposed scenario.
    response = client.get(reverse("allocation:round_whatif", args=[gemengd.round_id]))
    assert response["Location"] == reverse("allocation:scenario_whatif", args=[gemengd.pk])


def test_without_a_proposal_the_round_link_goes_back_to_the_round(client_for, gemengd) -> None:
    response = client_for("programma").get(
        reverse("allocation:round_whatif", args=[gemengd.round_id])
    )
    assert response.status_code == 302
    assert response["Location"] == gemengd.round.get_absolute_url()


# --- stores nothing -----------------------------------------------------------------------


def test_the_preview_writes_nothing_to_the_database(client_for, gemengd) -> None:
    client = client_for("programma")
    data = _form_data(client, gemengd)
    data["homeless-weight_population"] = "20"
    data["homeless-weight_social_rental"] = "80"
    before = _row_counts()
    url = reverse("allocation:scenario_whatif_preview", args=[gemengd.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert response.context["preview"] is not None
    # The session may be saved by the middleware; the preview's own queries never write.
    writes = [sql for sql in _writes(queries.captured_queries) if "django_session" not in sql]
    assert writes == []
    assert _row_counts() == before


# --- access -------------------------------------------------------------------------------


def _urls(scenario: Scenario) -> dict[str, str]:
    return {
        "page": reverse("allocation:scenario_whatif", args=[scenario.pk]),
        "preview": reverse("allocation:scenario_whatif_preview", args=[scenario.pk]),
        "save": reverse("allocation:scenario_whatif_save", args=[scenario.pk]),
        "round": reverse("allocation:round_whatif", args=[scenario.round_id]),
    }


def test_the_programme_team_opens_the_what_if(client_for, gemengd) -> None:
    response = client_for("programma").get(_urls(gemengd)["page"])
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="whatif-numbers"' in text
    assert "Amsterdam" in text
    assert response["Server-Timing"].startswith("whatif;dur=")


@pytest.mark.parametrize("username", OTHER_ROLES)
def test_every_other_role_is_refused(client_for, gemengd, username) -> None:
    client = client_for(username)
    urls = _urls(gemengd)
    before = _row_counts()
    assert client.get(urls["page"]).status_code == 403
    assert client.get(urls["round"]).status_code == 403
    assert client.post(urls["preview"], {"homeless-credit_factor": "0"}).status_code == 403
    assert client.post(urls["save"], {"opslaan-name": "Stiekem"}).status_code == 403
    assert _row_counts() == before


def test_anonymous_users_are_sent_to_login(client, gemengd) -> None:
    for name, url in _urls(gemengd).items():
        response = client.post(url) if name in ("preview", "save") else client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/inloggen/?next="), name


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("homeless-weight_population", "40", "nu is het samen 90%"),
        ("homeless-weight_population", "-5", "Het getal mag niet onder nul zijn."),
        ("homeless-weight_population", "veel", "Vul een getal in, bijvoorbeeld 12,5."),
        ("urgent-credit_factor", "2", "Het getal mag hoogstens 1 zijn."),
        ("students-upper_bound_pct", "abc", "Vul een getal in, bijvoorbeeld 12,5."),
    ],
)
def test_bad_input_gives_a_dutch_message_in_the_fragment(
    client_for, gemengd, field, value, message
) -> None:
    client = client_for("programma")
    data = _form_data(client, gemengd)
    data[field] = value
    response = client.post(
        reverse("allocation:scenario_whatif_preview", args=[gemengd.pk]), data, **HTMX
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert 'id="whatif-errors"' in text
    assert message in text, text[:1500]
    assert response.context["preview"] is None
    assert "<html" not in text  # the fragment, not the page


def test_without_javascript_the_button_shows_the_whole_page(client_for, gemengd) -> None:
    client = client_for("programma")
    data = _form_data(client, gemengd)
    data["homeless-weight_population"] = "60"
    data["homeless-weight_social_rental"] = "40"
    response = client.post(reverse("allocation:scenario_whatif_preview", args=[gemengd.pk]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" in text
    assert 'id="whatif-form"' in text
    assert 'id="whatif-numbers"' in text
    assert 'value="60"' in text  # the form keeps what was typed
    assert response.context["preview"].changed > 0


def test_saving_with_a_name_in_use_keeps_the_what_if_and_says_why(client_for, gemengd) -> None:
    client = client_for("programma")
    data = _form_data(client, gemengd)
    data["opslaan-name"] = "Inwoners"
    before = _row_counts()
    response = client.post(reverse("allocation:scenario_whatif_save", args=[gemengd.pk]), data)
    assert response.status_code == 200
    assert "Deze ronde heeft al een scenario met deze naam." in html.unescape(
        response.content.decode()
    )
    assert _row_counts() == before


def test_an_engine_refusal_is_a_message_not_an_error_page(client_for, round_) -> None:
    scenario = scenario_for(
        round_,
        groups=("homeless",),
        weights={"population": Decimal(1)},
        upper_bound_mutations_pct=Decimal("0.01"),
    )
    client = client_for("programma")
    response = client.post(
        reverse("allocation:scenario_whatif_preview", args=[scenario.pk]),
        _form_data(client, scenario),
        **HTMX,
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert 'id="whatif-compute-error"' in text
    assert "Dak- en thuislozen" in text
