"""Acceptance 4: realised numbers show up in the dashboard with the right percentages, and
the backlog (agreed − realised) lands in the next round's scenario with carry-over on.

Agreed numbers (see factories): urgent, task 1,000 by population: Haarlem 64, Bloemendaal 9,
Heemstede 11, Zandvoort 7; Zuid-Kennemerland 91. The period 2026–2027 has 730 days; the end
of Q1 2026 (31 March) is 90 days in: 12.3% of the period.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from allocation import selectors as allocation_selectors
from allocation import services as allocation_services
from allocation.models import ScenarioRun
from allocation.tests.factories import RoundFactory, scenario_for
from monitoring import selectors
from monitoring.progress import Pace

from .factories import agreed_of
from .helpers import confirmed


def board_for(round_, *, group="urgent"):
    return selectors.dashboard(
        round_=round_,
        group_code=group,
        visible=lambda m: True,
        region_total=True,
        subregion_totals=lambda s: True,
    )


def line_of(board, name):
    return next(line for line in board.lines if line.label == name)


def test_confirmed_quarter_shows_fulfilment_computed_by_hand(adopted, user_named) -> None:
    assert [agreed_of(adopted, "urgent", c) for c in ("GM0392", "GM0377", "GM0397", "GM0473")] == [
        64,
        9,
        11,
        7,
    ]
    haarlem_officers = (user_named("beleid.haarlem"), user_named("beleid2.haarlem"))
    confirmed(adopted, "GM0392", 2026, 1, {"urgent": 16, "homeless": 4}, haarlem_officers)
    confirmed(adopted, "GM0397", 2026, 1, {"urgent": 1})
    confirmed(adopted, "GM0377", 2026, 1, {"urgent": 0})

    board = board_for(adopted)
    assert board.last_quarter == (2026, 1)
    assert board.fraction == 12.3  # 90 / 730
    haarlem = line_of(board, "Haarlem")
    # Expected follows the phasing per year (64 = 32 + 32): 32 × 90/365 = 7.89 by 31 March.
    # 16 / 64 = 25%; 16 / 7.89 = 202.8%: on track.
    assert (haarlem.progress.agreed, haarlem.progress.realised) == (64, 16)
    assert haarlem.fulfilment_pct == 25.0
    assert haarlem.expected == 7.9
    assert haarlem.pace == Pace.ON_TRACK
    assert haarlem.progress.backlog == 48
    # 11 is phased 6 + 5: expected 6 × 90/365 = 1.48 (not 11 × 90/730 = 1.36);
    # 1 / 11 = 9.1%; 1 / 1.48 = 67.6%: behind.
    heemstede = line_of(board, "Heemstede")
    assert heemstede.progress.expected == Fraction(6 * 90, 365)
    assert (heemstede.fulfilment_pct, heemstede.pace_pct, heemstede.pace) == (
        9.1,
        67.6,
        Pace.BEHIND,
    )
    # Nothing realised: far behind.
    assert line_of(board, "Bloemendaal").pace == Pace.FAR_BEHIND
    assert line_of(board, "Zandvoort").progress.realised == 0
    # Zuid-Kennemerland: 17 of 91 = 18.7%; the first years add up to 32 + 5 + 6 + 4 = 47,
    # expected 47 × 90/365 = 11.59; 17 / 11.59 = 146.7%: on track.
    (zk,) = [s for s in board.sections if s.name == "Zuid-Kennemerland"]
    assert zk.total is not None
    assert (zk.total.progress.agreed, zk.total.progress.realised) == (91, 17)
    assert (zk.total.fulfilment_pct, zk.total.pace_pct, zk.total.pace) == (
        18.7,
        146.7,
        Pace.ON_TRACK,
    )
    assert board.region is not None
    assert (board.region.progress.agreed, board.region.progress.realised) == (1000, 17)
    assert board.region.fulfilment_pct == 1.7

    # A second quarter adds up: 16 + 8 = 24 of 64 = 37.5%, now 181 of 730 days elapsed.
    confirmed(adopted, "GM0392", 2026, 2, {"urgent": 8}, haarlem_officers)
    board = board_for(adopted)
    assert board.last_quarter == (2026, 2)
    assert board.fraction == 24.8
    assert line_of(board, "Haarlem").fulfilment_pct == 37.5
    homeless = board_for(adopted, group="homeless")
    assert line_of(homeless, "Haarlem").fulfilment_pct == 6.2  # 4 / 64


def test_drafts_and_submitted_numbers_do_not_count(adopted, user_named) -> None:
    from monitoring import services
    from municipalities.models import Municipality

    services.realisations_save_draft(
        round_=adopted,
        municipality=Municipality.objects.get(cbs_code="GM0392"),
        year=2026,
        quarter=1,
        values={
            "urgent": services.RealisationInput("30", "Registratie", datetime.date(2026, 3, 31))
        },
        user=user_named("beleid.haarlem"),
    )
    board = board_for(adopted)
    assert board.last_quarter is None
    assert line_of(board, "Haarlem").progress.realised == 0
    assert line_of(board, "Haarlem").pace == Pace.UNKNOWN


def test_carry_over_puts_agreed_minus_realised_into_the_next_rounds_run(
    adopted, user_named
) -> None:
    haarlem_officers = (user_named("beleid.haarlem"), user_named("beleid2.haarlem"))
    confirmed(adopted, "GM0392", 2026, 1, {"urgent": 16}, haarlem_officers)
    confirmed(adopted, "GM0392", 2027, 4, {"urgent": 8}, haarlem_officers)
    confirmed(adopted, "GM0397", 2026, 3, {"urgent": 1})
    confirmed(adopted, "GM0377", 2027, 2, {"urgent": 12})  # more than the 9 agreed

    # The monitoring page shows what the next round receives.
    preview = selectors.carry_over_preview(adopted, visible=lambda m: True)
    backlog = {
        row["municipality"].cbs_code: cell["backlog"]
        for row in preview
        for cell in row["cells"]
        if cell["group"].code == "urgent"
    }
    assert (backlog["GM0392"], backlog["GM0397"], backlog["GM0377"]) == (40, 10, -3)
    assert backlog["GM0473"] is None  # Zandvoort reported nothing

    next_round = RoundFactory(
        name="Afspraken 2028–2029",
        period_start=datetime.date(2028, 1, 1),
        period_end=datetime.date(2029, 12, 31),
    )
    scenario = scenario_for(
        next_round, groups=("urgent",), carry_over=True, task_source="entered", entered_total=500
    )
    run = allocation_services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id="next").pk
    )
    assert run is not None
    assert run.results, run.error_message
    rows = {a["code"]: a for a in run.results["groups"]["urgent"]["result"]["allocations"]}
    # 64 − 24 = 40; 11 − 1 = 10; 9 − 12 = −3 (a surplus); Zandvoort: nothing realised, 0.
    assert rows["GM0392"]["backlog"] == 40
    assert rows["GM0397"]["backlog"] == 10
    assert rows["GM0377"]["backlog"] == -3
    assert rows["GM0392"]["total_with_backlog"] == rows["GM0392"]["allocation"] + 40
    assert rows["GM0377"]["total_with_backlog"] == max(0, rows["GM0377"]["allocation"] - 3)
    provenance = run.inputs["urgent"]["provenance"]
    assert provenance["backlog_source"].startswith("Afspraken 2026–2027")
    assert "GM0473" in provenance["backlog_missing"]
    assert rows["GM0473"]["backlog"] == 0
    view = allocation_selectors.run_group_view(run, "urgent")
    assert view is not None


def test_quarterly_realisations_take_precedence_over_yearly_figures(adopted, user_named) -> None:
    from municipalities.models import Municipality
    from target_groups.models import GroupFigure, TargetGroup

    for code in ("GM0392", "GM0397"):
        GroupFigure.objects.create(
            municipality=Municipality.objects.get(cbs_code=code),
            group=TargetGroup.objects.get(code="urgent"),
            year=2026,
            realised=50,
            source="Jaarcijfers",
            reference_date=datetime.date(2026, 12, 31),
            status="confirmed",
        )
    haarlem_officers = (user_named("beleid.haarlem"), user_named("beleid2.haarlem"))
    confirmed(adopted, "GM0392", 2026, 1, {"urgent": 16}, haarlem_officers)
    realised = selectors.carry_over_realised(round_=adopted)
    assert realised[("urgent", "GM0392")] == 16  # monitoring, not the yearly 50
    assert realised[("urgent", "GM0397")] == 50  # no quarter reported: the yearly figure
    assert ("urgent", "GM0473") not in realised


def test_a_municipality_that_reports_nothing_is_not_reported_and_counted(
    adopted, user_named
) -> None:
    haarlem_officers = (user_named("beleid.haarlem"), user_named("beleid2.haarlem"))
    confirmed(adopted, "GM0392", 2026, 1, {"urgent": 16}, haarlem_officers)
    confirmed(adopted, "GM0397", 2026, 1, {"urgent": 1})
    board = board_for(adopted)
    assert line_of(board, "Heemstede").pace == Pace.BEHIND  # reported a shortfall
    zandvoort = line_of(board, "Zandvoort")  # reported nothing
    assert zandvoort.pace == Pace.NOT_REPORTED
    assert zandvoort.pace_label not in {
        line_of(board, "Heemstede").pace_label,
        "nothing reported yet",
    }
    counts = {status: count for status, _label, count in board.pace_counts}
    assert counts["not_reported"] == len(board.lines) - 2
    assert counts["behind"] == 1
    assert [status for status, _label, _count in board.pace_counts][0] == "not_reported"
