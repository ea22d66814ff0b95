"""`manage.py refresh_cbs`: the CBS loader on recorded StatLine answers (cbs_recordings/),
and the command without network."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.utils import translation

from core.models import FigureStatus
from municipalities import cbs
from municipalities.models import MunicipalFigure, Municipality
from municipalities.signals import municipal_figures_changed

RECORDINGS = Path(__file__).parent / "cbs_recordings"
KWB_SOURCE = "CBS StatLine 85984NED, Kerncijfers wijken en buurten 2024"
JOBS_TITLE = "Banen van werknemers in december; economische activiteit (SBI2008), regio"
INDICATORS = ("population", "households", "dwellings", "social_rental", "jobs")


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The messages below are checked in English (the msgids); one test checks Dutch."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_jobs_figures_yet(request: pytest.FixtureRequest) -> None:
    """The recordings are written for a database without jobs figures: the demo's
    illustrative ones are removed first, so that CBS brings them in as new."""
    if "django_db" in request.keywords:
        request.getfixturevalue("db")
        MunicipalFigure.objects.filter(indicator__code="jobs").delete()


def refresh(*args: str, directory: Path = RECORDINGS) -> str:
    out = StringIO()
    call_command("refresh_cbs", "--from-dir", str(directory), *args, stdout=out)
    return out.getvalue()


def figure(code: str, indicator: str, year: int = 2024) -> MunicipalFigure:
    return MunicipalFigure.objects.get(
        municipality__cbs_code=code, indicator__code=indicator, year=year
    )


def snapshot() -> tuple[list[tuple], int]:
    rows = list(
        MunicipalFigure.objects.order_by("pk").values_list(
            "pk", "value", "source", "reference_date", "status", "illustrative", "version"
        )
    )
    return rows, MunicipalFigure.history.count()  # type: ignore[attr-defined]


def copy_recordings(tmp_path: Path) -> Path:
    target = tmp_path / "recordings"
    shutil.copytree(RECORDINGS, target)
    return target


def edit_rows(directory: Path, table_id: str, change) -> None:
    path = directory / table_id / "TypedDataSet.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(rows)), encoding="utf-8")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Reading tables, no database -----------------------------------------------------------


def test_padded_cbs_codes_are_read_as_municipality_codes() -> None:
    assert cbs.clean_code("GM0363    ") == "GM0363"
    assert cbs.clean_code(" gm0392") == "GM0392"
    assert cbs.clean_code("WK036300  ") is None
    assert cbs.clean_code("NL00      ") is None
    assert cbs.clean_code(None) is None


def test_empty_cbs_cells_are_no_numbers() -> None:
    assert cbs.number(None) is None
    assert cbs.number("       .") is None
    assert cbs.number("  ") is None
    assert cbs.number(" 1234 ") == Decimal(1234)
    assert cbs.number(38.0) == Decimal("38.0")


def test_a_renumbered_field_is_found_by_its_name() -> None:
    table = cbs.CbsTable(
        "86165NED",
        "Kerncijfers wijken en buurten 2025",
        "2025",
        [{"Codering_3": "GM0363    ", "HuishoudensTotaal_30": 1}],
    )
    assert cbs.resolve_field(table, "HuishoudensTotaal_29") == "HuishoudensTotaal_30"
    with pytest.raises(cbs.CbsError, match="Woningvoorraad_35"):
        cbs.resolve_field(table, "Woningvoorraad_35")


def test_social_rental_stock_is_the_corporation_share_of_the_dwelling_stock() -> None:
    row = {
        "WijkenEnBuurten": "GM0363    ",
        "Codering_3": "GM0363    ",
        "AantalInwoners_5": 931298,
        "HuishoudensTotaal_29": None,
        "Woningvoorraad_35": 480852,
        "InBezitWoningcorporatie_49": 39.0,
    }
    table = cbs.CbsTable("85984NED", "Kerncijfers wijken en buurten 2024", "2024", [row])
    result = cbs.kwb_figures(table, year=2024)
    values = {f.indicator: f.value for f in result.figures}
    assert values == {
        "population": 931298,
        "dwellings": 480852,
        "social_rental": 187532,  # 480852 x 39 / 100 = 187532.28
    }
    assert result.empty == [("GM0363", "households")]
    social = next(f for f in result.figures if f.indicator == "social_rental")
    assert social.source == f"{KWB_SOURCE}, Woningvoorraad_35 x InBezitWoningcorporatie_49 %"
    assert social.reference_date == date(2024, 1, 1)


def test_region_titles_from_get_data_fall_back_to_the_code_field() -> None:
    # cbsodata.get_data puts the region's title in WijkenEnBuurten; Codering_3 keeps the code.
    row = {
        "WijkenEnBuurten": "Amsterdam",
        "Codering_3": "GM0363    ",
        "AantalInwoners_5": 1,
        "HuishoudensTotaal_29": 1,
        "Woningvoorraad_35": 1,
        "InBezitWoningcorporatie_49": 1,
    }
    table = cbs.CbsTable("85984NED", "Kerncijfers wijken en buurten 2024", "2024", [row])
    assert {f.cbs_code for f in cbs.kwb_figures(table, year=2024).figures} == {"GM0363"}


def test_jobs_come_from_all_activities_in_december_before_the_year() -> None:
    table = cbs.read_table("83582NED", RECORDINGS)
    result = cbs.jobs_figures(table, year=2024)
    amsterdam = next(f for f in result.figures if f.cbs_code == "GM0363")
    assert amsterdam.value == 614700  # 614.7 thousand in 2023JJ00, T001081
    assert amsterdam.reference_date == date(2023, 12, 31)
    assert len(result.figures) == 32
    with pytest.raises(cbs.CbsError, match="2019JJ00"):
        cbs.jobs_figures(table, year=2020)


# --- The command on recorded answers -------------------------------------------------------


@pytest.mark.django_db
def test_refresh_stores_the_cbs_values_of_every_mra_municipality() -> None:
    refresh()
    assert figure("GM0363", "population").value == 931298
    assert figure("GM0363", "households").value == 517380
    assert figure("GM0363", "dwellings").value == 480852
    assert figure("GM0363", "social_rental").value == 187532
    assert figure("GM0363", "jobs").value == 614700
    assert figure("GM0392", "households").value == 76190
    for indicator in INDICATORS:
        assert MunicipalFigure.objects.filter(indicator__code=indicator, year=2024).count() == 30


@pytest.mark.django_db
def test_figures_keep_the_table_id_field_and_reference_date() -> None:
    refresh()
    households = figure("GM0392", "households")
    assert households.source == f"{KWB_SOURCE}, HuishoudensTotaal_29"
    assert households.reference_date == date(2024, 1, 1)
    assert households.status == FigureStatus.CONFIRMED
    assert households.illustrative is False
    jobs = figure("GM0392", "jobs")
    assert jobs.source == (
        f"CBS StatLine 83582NED, {JOBS_TITLE}, BanenVanWerknemersInDecember_1 "
        "(A-U alle economische activiteiten, 2023JJ00, x 1 000)"
    )
    assert jobs.reference_date == date(2023, 12, 31)
    assert jobs.status == FigureStatus.CONFIRMED


@pytest.mark.django_db
def test_illustrative_social_rental_is_replaced_with_history() -> None:
    before = figure("GM0392", "social_rental")
    assert before.illustrative is True
    history_before = before.history.count()  # type: ignore[attr-defined]

    refresh()

    after = figure("GM0392", "social_rental")
    assert after.pk == before.pk
    assert after.illustrative is False
    assert after.value == 29391  # 79434 x 37 / 100 = 29390.58
    assert after.version == before.version + 1
    assert after.confirmed_at is not None
    records = after.history.order_by("-history_id")  # type: ignore[attr-defined]
    assert records.count() == history_before + 1
    assert records[0].history_change_reason == "cbs:85984NED"
    assert records[0].value == 29391


@pytest.mark.django_db
def test_new_figures_are_written_to_the_history() -> None:
    refresh()
    record = figure("GM0363", "jobs").history.get()  # type: ignore[attr-defined]
    assert record.history_type == "+"
    assert record.history_change_reason == "cbs:83582NED"


@pytest.mark.django_db
def test_reference_figures_that_cbs_confirms_stay_untouched() -> None:
    population = figure("GM0363", "population")
    output = refresh()
    again = figure("GM0363", "population")
    assert (again.version, again.updated_at) == (population.version, population.updated_at)
    assert "60 unchanged" in output  # population and dwellings of the reference data


@pytest.mark.django_db
def test_codes_that_are_not_in_the_database_are_ignored() -> None:
    output = refresh()
    assert not Municipality.objects.filter(cbs_code__in=["GM0014", "GM0344"]).exists()
    assert not MunicipalFigure.objects.filter(municipality__cbs_code="GM0014").exists()
    assert "Ignored 2 municipality codes" in output


@pytest.mark.django_db
def test_a_second_run_changes_nothing() -> None:
    first = refresh()
    assert "60 new" in first.splitlines()[-1]
    state = snapshot()
    sent: list[int] = []

    def listen(sender, *, reference_year: int, **kwargs) -> None:
        sent.append(reference_year)

    municipal_figures_changed.connect(listen, dispatch_uid="test-second-run")
    try:
        second = refresh()
    finally:
        municipal_figures_changed.disconnect(dispatch_uid="test-second-run")
    assert snapshot() == state
    assert sent == []
    assert second.splitlines()[-1] == (
        "2024: 0 new, 0 changed, 150 unchanged, 0 kept (entered by the municipality)."
    )


@pytest.mark.django_db
def test_a_change_sends_one_signal_for_the_year() -> None:
    sent: list[int] = []

    def listen(sender, *, reference_year: int, **kwargs) -> None:
        sent.append(reference_year)

    municipal_figures_changed.connect(listen, dispatch_uid="test-signal")
    try:
        refresh()
    finally:
        municipal_figures_changed.disconnect(dispatch_uid="test-signal")
    assert sent == [2024]


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_shows_the_changes() -> None:
    state = snapshot()
    output = refresh("--dry-run")
    assert snapshot() == state
    assert not MunicipalFigure.objects.filter(indicator__code="jobs").exists()
    assert output.startswith("Dry run")
    assert "GM0363 Amsterdam, jobs: 614700 (new)" in output
    assert "GM0363 Amsterdam, social_rental: 186571 -> 187532 (changed)" in output
    assert output.splitlines()[-1] == (
        "2024: 60 new, 30 changed, 60 unchanged, 0 kept (entered by the municipality)."
    )


@pytest.mark.django_db
def test_a_changed_cbs_value_updates_the_figure() -> None:
    MunicipalFigure.objects.filter(
        municipality__cbs_code="GM0363", indicator__code="population", year=2024
    ).update(value=Decimal(900000))
    output = refresh()
    assert figure("GM0363", "population").value == 931298
    assert figure("GM0363", "population").version == 2
    assert "GM0363 Amsterdam, population: 900000 -> 931298 (changed)" in output


@pytest.mark.django_db
def test_figures_entered_by_a_municipality_are_kept() -> None:
    MunicipalFigure.objects.filter(
        municipality__cbs_code="GM0392", indicator__code="population", year=2024
    ).update(value=Decimal(168000), source="BRP gemeente Haarlem, 1-1-2024")
    output = refresh()
    kept = figure("GM0392", "population")
    assert kept.value == 168000
    assert kept.source == "BRP gemeente Haarlem, 1-1-2024"
    assert "GM0392 Haarlem, population: 168000 (kept: entered by the municipality" in output
    assert "1 kept" in output.splitlines()[-1]


@pytest.mark.django_db
def test_figures_in_the_four_eyes_workflow_are_kept() -> None:
    MunicipalFigure.objects.filter(
        municipality__cbs_code="GM0392", indicator__code="dwellings", year=2024
    ).update(status=FigureStatus.SUBMITTED, value=Decimal(79500))
    refresh()
    kept = figure("GM0392", "dwellings")
    assert (kept.status, kept.value) == (FigureStatus.SUBMITTED, 79500)


@pytest.mark.django_db
def test_other_indicators_are_not_touched() -> None:
    mutations = figure("GM0392", "mutations")
    refresh()
    assert figure("GM0392", "mutations").version == mutations.version


@pytest.mark.django_db
def test_only_one_source_can_be_refreshed() -> None:
    refresh("--only", "jobs")
    assert MunicipalFigure.objects.filter(indicator__code="jobs").count() == 30
    assert not MunicipalFigure.objects.filter(indicator__code="households").exists()


@pytest.mark.django_db
def test_a_municipality_missing_from_cbs_is_reported(tmp_path: Path) -> None:
    directory = copy_recordings(tmp_path)
    edit_rows(
        directory,
        "85984NED",
        lambda rows: [
            {**r, "HuishoudensTotaal_29": None} if r["Codering_3"].startswith("GM0417") else r
            for r in rows
            if not r["Codering_3"].startswith("GM0376")
        ],
    )
    output = refresh("--only", "kwb", directory=directory)
    assert "No value for GM0376 population: not in the CBS table." in output
    assert "No value for GM0417 households: CBS left the cell empty." in output
    assert not MunicipalFigure.objects.filter(
        municipality__cbs_code="GM0417", indicator__code="households"
    ).exists()
    assert figure("GM0417", "population").value == 11439


@pytest.mark.django_db
def test_a_duplicate_row_changes_nothing(tmp_path: Path) -> None:
    directory = copy_recordings(tmp_path)
    edit_rows(directory, "85984NED", lambda rows: [*rows, rows[0]])
    state = snapshot()
    with pytest.raises(CommandError, match="twice"):
        refresh(directory=directory)
    assert snapshot() == state


@pytest.mark.django_db
def test_a_table_of_another_year_is_refused() -> None:
    with pytest.raises(CommandError, match="is for 2024, not for 2025"):
        refresh("--year", "2025", "--table", "kwb=85984NED", "--only", "kwb")


@pytest.mark.django_db
def test_a_year_without_a_known_table_asks_for_one() -> None:
    with pytest.raises(CommandError, match="--table kwb=TABLE_ID"):
        refresh("--year", "2021")


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["85984NED", "foo=85984NED", "kwb=", "kwb=85984NED;drop"])
def test_a_bad_table_override_is_refused(value: str) -> None:
    with pytest.raises(CommandError, match="--table"):
        refresh("--table", value)


# --- Without network ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_network_the_command_fails_with_one_line(capsys, monkeypatch) -> None:
    # A failing command closes every database connection on its way out (as the real
    # command line does); here that connection holds the test's transaction, so keep it.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    state = snapshot()
    argv = ["manage.py", "refresh_cbs", "--catalog-url", f"127.0.0.1:{closed_port()}"]
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(argv)
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert "CBS StatLine" in err
    assert "85984NED" in err
    assert snapshot() == state


def test_fetching_from_an_unreachable_host_raises_cbs_unavailable() -> None:
    with pytest.raises(cbs.CbsUnavailable, match="could not be reached"):
        cbs.fetch_table("85984NED", catalog_url=f"127.0.0.1:{closed_port()}")


@pytest.mark.django_db
def test_the_command_reports_in_dutch_by_default() -> None:
    with translation.override("nl"):
        output = refresh()
    assert output.splitlines()[-1] == (
        "2024: 60 nieuw, 30 gewijzigd, 60 ongewijzigd, 0 bewaard (ingevoerd door de gemeente)."
    )


# --- A locked year ---------------------------------------------------------------------------


@pytest.fixture
def computing_round_2024() -> None:
    """A round with reference year 2024 that is computing: the 2024 figures are its inputs."""
    from allocation.models import Round, RoundStatus

    Round.objects.create(
        name="Testronde 2024",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
        reference_year=2024,
        deadline=date(2025, 6, 1),
        status=RoundStatus.COMPUTING,
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("computing_round_2024")
def test_a_locked_year_is_refused_and_nothing_changes() -> None:
    state = snapshot()
    with pytest.raises(CommandError, match="figures of 2024 are locked") as raised:
        refresh()
    assert "\n" not in str(raised.value)
    assert snapshot() == state


@pytest.mark.django_db
@pytest.mark.usefixtures("computing_round_2024")
def test_a_dry_run_of_a_locked_year_still_shows_the_plan() -> None:
    state = snapshot()
    out = refresh("--dry-run")
    assert "GM0363" in out or "Amsterdam" in out
    assert snapshot() == state


@pytest.mark.django_db
def test_a_draft_round_does_not_lock_its_year() -> None:
    from allocation.models import Round, RoundStatus

    Round.objects.create(
        name="Conceptronde 2024",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
        reference_year=2024,
        deadline=date(2025, 6, 1),
        status=RoundStatus.DRAFT,
    )
    refresh()
    assert figure("GM0417", "population").value == 11439
