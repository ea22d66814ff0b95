"""Pages of rounds, scenarios and results: who may do what, the editor, runs and results."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from allocation import services
from allocation.models import Round, RunStatus, Scenario, ScenarioRun

from .factories import scenario_for

pytestmark = pytest.mark.django_db

READERS = [
    "voorzitter",
    "stuurgroep.amsterdam",
    "stuurgroep.zuid-kennemerland",
    "coordinator.zuid-kennemerland",
    "beleid.haarlem",
    "beleid.amsterdam",
    "beheer",
]
ALL_ROLES = ["programma", *READERS]


@pytest.fixture
def scenario(round_) -> Scenario:
    return scenario_for(
        round_,
        groups=("urgent", "homeless"),
        weights={"population": Decimal("0.5"), "social_rental": Decimal("0.5")},
        credit_factor=Decimal("0.5"),
    )


@pytest.fixture
def run(scenario) -> ScenarioRun:
    queued = ScenarioRun.objects.create(scenario=scenario, celery_task_id="t")
    done = services.run_execute(run_id=queued.pk)
    assert done is not None
    return done


def read_pages(round_, scenario, run) -> list[str]:
    return [
        reverse("allocation:round_list"),
        reverse("allocation:round_detail", args=[round_.pk]),
        reverse("allocation:scenario_detail", args=[scenario.pk]),
        reverse("allocation:run_detail", args=[run.pk]),
        reverse("allocation:run_progress", args=[run.pk]),
        reverse("allocation:run_group", args=[run.pk, "urgent"]),
        reverse("allocation:run_group_input", args=[run.pk, "urgent"]),
    ]


def write_pages(round_, scenario) -> list[str]:
    return [
        reverse("allocation:round_create"),
        reverse("allocation:scenario_create", args=[round_.pk]),
        reverse("allocation:scenario_edit", args=[scenario.pk]),
    ]


def test_anonymous_users_are_sent_to_login(client, round_, scenario, run) -> None:
    for url in read_pages(round_, scenario, run) + write_pages(round_, scenario):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/inloggen/?next="), url
    response = client.post(reverse("allocation:run_start", args=[scenario.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


@pytest.mark.parametrize("username", ALL_ROLES)
def test_every_role_reads_rounds_scenarios_and_results(
    client_for, username, round_, scenario, run
) -> None:
    c = client_for(username)
    for url in read_pages(round_, scenario, run):
        assert c.get(url).status_code == 200, url


@pytest.mark.parametrize("username", READERS)
def test_only_the_programme_team_creates_edits_and_runs(
    client_for, username, round_, scenario
) -> None:
    c = client_for(username)
    for url in write_pages(round_, scenario):
        assert c.get(url).status_code == 403, url
        assert c.post(url, {"name": "x"}).status_code == 403, url
    assert c.post(reverse("allocation:run_start", args=[scenario.pk])).status_code == 403
    assert not ScenarioRun.objects.exists()
    body = c.get(reverse("allocation:scenario_detail", args=[scenario.pk])).content.decode()
    assert "Bereken dit scenario" not in body
    assert "Instellingen wijzigen" not in body


def test_a_user_without_a_role_is_refused(client, django_user_model, round_) -> None:
    client.force_login(django_user_model.objects.create_user("zonderrol", password="x"))
    assert client.get(reverse("allocation:round_list")).status_code == 403


def test_programme_team_sees_the_buttons(client_for, round_, scenario) -> None:
    c = client_for("programma")
    assert "Nieuwe ronde" in c.get(reverse("allocation:round_list")).content.decode()
    assert "Nieuw scenario" in c.get(round_.get_absolute_url()).content.decode()
    body = c.get(scenario.get_absolute_url()).content.decode()
    assert "Bereken dit scenario" in body
    assert "Instellingen wijzigen" in body


def test_nav_and_home_link_to_the_rounds(client_for) -> None:
    body = client_for("programma").get("/").content.decode()
    assert 'href="/rondes/"' in body
    assert "Rondes en scenario&#x27;s" in body or "Rondes en scenario's" in body
    reader = client_for("voorzitter").get("/").content.decode()
    assert "Rondes en scenario" not in reader  # the home button is for the programme team
    assert 'href="/rondes/"' in reader  # the menu is for everybody


def test_programme_team_creates_a_round(client_for) -> None:
    c = client_for("programma")
    response = c.post(
        reverse("allocation:round_create"),
        {
            "name": "Afspraken 2028–2029",
            "period_start": "2028-01-01",
            "period_end": "2029-12-31",
            "reference_year": "2026",
        },
    )
    round_ = Round.objects.get(name="Afspraken 2028–2029")
    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()


def test_round_form_shows_dutch_errors_linked_to_fields(client_for) -> None:
    response = client_for("programma").post(
        reverse("allocation:round_create"),
        {
            "name": "",
            "period_start": "2028-01-01",
            "period_end": "2027-01-01",
            "reference_year": "x",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Geef de ronde een naam." in body
    assert 'aria-describedby="id_name_helptext id_name_error"' in body
    assert 'aria-invalid="true"' in body
    assert not Round.objects.filter(name="").exists()


def editor_data(form_html: str, **changes: str) -> dict[str, str]:
    """The values a browser would send for the editor as rendered, with changes."""
    data: dict[str, str] = {}
    for name, value in re.findall(
        r'<input type="(?:text|number)" name="([^"]+)" value="([^"]*)"', form_html
    ):
        data[name] = value
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]* checked', form_html):
        data[name] = "on"
    for name, value in re.findall(
        r'<input type="radio" name="([^"]+)" value="([^"]*)"[^>]* checked', form_html
    ):
        data[name] = value
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form_html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(
        r'<textarea name="([^"]+)"[^>]*>\s*(.*?)</textarea>', form_html, re.S
    ):
        data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_programme_team_builds_a_scenario_with_percentages(client_for, round_) -> None:
    c = client_for("programma")
    url = reverse("allocation:scenario_create", args=[round_.pk])
    page = c.get(url).content.decode()
    assert "data-weight-sum" in page
    data = editor_data(
        page,
        name="Gemengd",
        **{
            "urgent-weight_population": "50",
            "urgent-weight_social_rental": "50",
            "urgent-weight_mutations": "",  # the group's default key: mutations 100%
            "urgent-credit_factor": "0,5",
            "urgent-upper_bound_pct": "40",
        },
    )
    response = c.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    scenario = Scenario.objects.get(name="Gemengd")
    urgent = scenario.settings.get(group__code="urgent")
    assert {w.indicator.code: w.weight for w in urgent.weights.all()} == {
        "population": Decimal("0.5"),
        "social_rental": Decimal("0.5"),
    }
    assert urgent.credit_factor == Decimal("0.5")
    assert urgent.upper_bound_mutations_pct == Decimal(40)


def test_weights_not_adding_up_are_refused_with_the_message_at_the_group(
    client_for, round_
) -> None:
    c = client_for("programma")
    url = reverse("allocation:scenario_create", args=[round_.pk])
    data = editor_data(
        c.get(url).content.decode(),
        name="Fout",
        **{
            "urgent-weight_population": "50",
            "urgent-weight_social_rental": "40",
            "urgent-weight_mutations": "",
        },
    )
    response = c.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "De gewichten moeten samen precies 100% zijn; nu is het samen 90%." in body
    assert 'id="weights-error-urgent"' in body
    assert 'aria-describedby="weights-help-urgent weights-error-urgent"' in body
    assert not Scenario.objects.filter(name="Fout").exists()


def test_a_bad_number_is_refused_in_the_form(client_for, round_) -> None:
    c = client_for("programma")
    url = reverse("allocation:scenario_create", args=[round_.pk])
    data = editor_data(c.get(url).content.decode(), name="Fout", **{"urgent-credit_factor": "1,5"})
    body = c.post(url, data).content.decode()
    assert "Het getal mag hoogstens 1 zijn." in body


def test_editing_a_scenario_keeps_its_values_on_screen(client_for, scenario) -> None:
    c = client_for("programma")
    url = reverse("allocation:scenario_edit", args=[scenario.pk])
    page = c.get(url).content.decode()
    assert 'name="urgent-weight_population" value="50"' in page
    assert 'name="urgent-credit_factor" value="0,5"' in page
    response = c.post(
        url,
        editor_data(
            page, **{"urgent-weight_population": "25", "urgent-weight_social_rental": "75"}
        ),
    )
    assert response.status_code == 302
    weights = scenario.settings.get(group__code="urgent").weights.all()
    assert {w.indicator.code: w.weight for w in weights} == {
        "population": Decimal("0.25"),
        "social_rental": Decimal("0.75"),
    }


def test_starting_a_run_queues_it_and_computes_it_after_commit(
    client_for, scenario, django_capture_on_commit_callbacks
) -> None:
    c = client_for("programma")
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("allocation:run_start", args=[scenario.pk]))
    run = ScenarioRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    assert run.status == RunStatus.SUCCEEDED
    assert run.created_by.username == "programma"


def test_a_second_start_while_running_shows_a_message(client_for, scenario) -> None:
    ScenarioRun.objects.create(scenario=scenario, celery_task_id="t")
    c = client_for("programma")
    response = c.post(reverse("allocation:run_start", args=[scenario.pk]), follow=True)
    assert "Er staat al een berekening van dit scenario in de wachtrij" in response.content.decode()
    assert ScenarioRun.objects.count() == 1


def test_progress_fragment_polls_until_done(client_for, scenario) -> None:
    run = ScenarioRun.objects.create(scenario=scenario, celery_task_id="t")
    c = client_for("voorzitter")
    page = c.get(run.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "django_htmx/htmx" in page
    assert '<progress id="run-progress-bar" class="progress" max="100" value="0">' in page
    assert 'aria-live="polite"' in page
    url = reverse("allocation:run_progress", args=[run.pk])
    assert c.get(url, {"seen": "queued-0"}).status_code == 204
    fragment = c.get(url, {"seen": "old"})
    assert fragment.status_code == 200
    assert 'hx-swap-oob="true"' in fragment.content.decode()
    services.run_execute(run_id=run.pk)
    done = c.get(url, {"seen": "queued-0"})
    assert done["HX-Refresh"] == "true"
    body = done.content.decode()
    assert 'value="100"' in body
    assert "hx-trigger" not in body
    final = c.get(run.get_absolute_url()).content.decode()
    assert "hx-trigger" not in final
    assert "De berekening is klaar." in final


def test_results_page_shows_table_explanation_fairness_and_sensitivity(client_for, run) -> None:
    body = (
        client_for("stuurgroep.ijmond")
        .get(reverse("allocation:run_group", args=[run.pk, "urgent"]))
        .content.decode()
    )
    result = run.results["groups"]["urgent"]["result"]
    haarlem = next(a for a in result["allocations"] if a["code"] == "GM0392")
    assert '<tr id="gemeente-GM0392">' in body
    assert f"<strong>{haarlem['allocation']}</strong>" in body
    assert 'id="uitleg-GM0392"' in body
    assert "Zo komt het aantal van Haarlem tot stand" in body
    assert "Totalen per deelregio" in body
    assert "Terugvalregel (15% van de mutaties)" in body
    assert "Variatiecoëfficiënt" in body
    assert "5e percentiel" in body
    assert "illustratief" in body
    assert '<th scope="col">' in body
    assert '<caption id="run-group-table-1">' in body


def test_results_page_of_a_failed_run_shows_the_reason(client_for, round_) -> None:
    scenario = scenario_for(
        round_, name="Krap", groups=("students",), upper_bound_mutations_pct=Decimal("0.5")
    )
    run = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id="t").pk
    )
    c = client_for("voorzitter")
    body = c.get(run.get_absolute_url()).content.decode()
    assert "Waarom de berekening mislukte" in body
    assert "Doelgroep Studenten" in body
    assert c.get(reverse("allocation:run_group", args=[run.pk, "students"])).status_code == 404


def test_scenario_json_is_the_stored_engine_input(client_for, run) -> None:
    response = client_for("beleid.haarlem").get(
        reverse("allocation:run_group_input", args=[run.pk, "urgent"])
    )
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == run.inputs["urgent"]["scenario"]


def test_unknown_objects_are_404(client_for, run) -> None:
    c = client_for("programma")
    assert c.get(reverse("allocation:round_detail", args=[9999])).status_code == 404
    assert c.get(reverse("allocation:scenario_detail", args=[9999])).status_code == 404
    assert c.get(reverse("allocation:run_detail", args=[9999])).status_code == 404
    assert c.get(reverse("allocation:run_group", args=[run.pk, "nobody"])).status_code == 404


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("run_group", 7),
        ("run_detail", 12),  # +1: the sub-regions' own keys (one prefetch, not per row)
        ("run_progress", 5),
        ("round_list", 5),
        ("round_detail", 10),
        ("scenario_detail", 12),  # +1: the sub-regions' own keys
    ],
)
def test_pages_have_a_fixed_number_of_queries(
    client_for, run, name, queries, django_assert_max_num_queries
) -> None:
    """Session, user, OTP device and membership (4), then the page's own reads (a scenario
    with its round's half-years and fall-back groups); no query per row."""
    args = {
        "run_group": [run.pk, "urgent"],
        "run_detail": [run.pk],
        "run_progress": [run.pk],
        "round_list": [],
        "round_detail": [run.scenario.round_id],
        "scenario_detail": [run.scenario_id],
    }[name]
    c = client_for("voorzitter")
    url = reverse(f"allocation:{name}", args=args)
    c.get(url)
    with django_assert_max_num_queries(queries):
        assert c.get(url).status_code == 200
