"""Formula injection (issue 12): the run and round exports (CSV and Excel) never hold a live
formula, whatever the names of rounds, scenarios, groups, municipalities and sources."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook

from core.tests.test_spreadsheet import PAYLOADS

from .conftest import delete_round

pytestmark = pytest.mark.django_db

PREFIXES = sorted(PAYLOADS)
EXPORTS = {
    # name: URL pattern (round or run primary key)
    "run csv": "/berekeningen/{run}/export.csv",
    "run xlsx": "/berekeningen/{run}/export.xlsx",
    "round csv": "/rondes/{round}/export.csv",
    "round xlsx": "/rondes/{round}/export.xlsx",
}


def is_live_formula(text: str) -> bool:
    """What a spreadsheet would compute: text that starts with =, +, -, @, tab or CR and is
    not just a number. Written out here, independent of core.spreadsheet."""
    if not text or text[0] not in "=+-@\t\r":
        return False
    return re.fullmatch(r"[+-]?\d[\d.,]*", text.strip()) is None


def _adopted_with_names(payload: str) -> Any:
    """An adopted round whose round, scenario, group "homeless" and municipality Haarlem
    carry the payload as their name at the moment of computing (names are stored with the
    run; the group and municipality get their names back right after)."""
    from allocation.models import RoundStatus
    from allocation.tests.factories import RoundFactory
    from municipalities.models import Municipality
    from target_groups.models import TargetGroup

    from .factories import computed_run

    group = TargetGroup.objects.get(code="homeless")
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    try:
        TargetGroup.objects.filter(pk=group.pk).update(name_nl=payload)
        Municipality.objects.filter(pk=haarlem.pk).update(name=payload)
        round_ = RoundFactory(name=payload)
        run = computed_run(round_, name=payload)
    finally:
        TargetGroup.objects.filter(pk=group.pk).update(name_nl=group.name_nl)
        Municipality.objects.filter(pk=haarlem.pk).update(name=haarlem.name)
    round_.status = RoundStatus.AGREED
    round_.agreed_run = run
    round_.save()
    return round_


@pytest.fixture(scope="module")
def rounds(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """One adopted round per prefix (computed once for the module, removed after)."""
    made: dict[str, Any] = {}
    with django_db_blocker.unblock():
        try:
            for prefix in PREFIXES:
                made[prefix] = _adopted_with_names(PAYLOADS[prefix])
            yield made
        finally:
            for round_ in made.values():
                delete_round(round_)


def _plant_source(payload: str) -> None:
    from municipalities.models import MunicipalFigure

    MunicipalFigure.objects.filter(
        municipality__cbs_code="GM0392", year=2024, indicator__code="population"
    ).update(source=payload)


def _as_read_back(payload: str) -> str:
    """What the neutralised text reads as from an .xlsx (XML turns CR into LF)."""
    return ("'" + payload).replace("\r", "\n")


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_the_export_holds_no_live_formula(rounds, client_for, export, prefix) -> None:
    payload = PAYLOADS[prefix]
    round_ = rounds[prefix]
    _plant_source(payload)
    url = EXPORTS[export].format(run=round_.agreed_run_id, round=round_.pk)
    response = client_for("programma").get(url)
    assert response.status_code == 200
    if export.endswith("csv"):
        rows = list(
            csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";")
        )
        header = rows[0]
        assert [c for r in rows for c in r if is_live_formula(c)] == []
        group, name = header.index("Doelgroep"), header.index("Gemeente")
        haarlem = [r for r in rows[1:] if r[header.index("CBS-code")] == "GM0392"]
        assert len(haarlem) == 7  # one row per group
        assert {r[name] for r in haarlem} == {"'" + payload}
        assert sum(r[group] == "'" + payload for r in rows[1:]) == 30
        # Numbers stay numbers: the totals are plain digits, never quoted.
        total = next(h for h in header if h.startswith(("Totaal (", "Afgesproken (")))
        assert all(re.fullmatch(r"\d+", r[header.index(total)]) for r in rows[1:])
    else:
        workbook = load_workbook(io.BytesIO(response.content))
        cells = [c for ws in workbook.worksheets for r in ws.iter_rows() for c in r]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert [t for t in texts if is_live_formula(t)] == []
        method = {
            row[0]: row[1]
            for row in workbook["Methode"].iter_rows(values_only=True)
            if row and row[0] is not None
        }
        assert method["Ronde"] == _as_read_back(payload)
        # The scenario service trims the name ("\t=1+1" is stored as "=1+1").
        assert method["Scenario"] == _as_read_back(round_.agreed_run.scenario.name)
        method_cells = [
            c for row in workbook["Methode"].iter_rows(values_only=True) for c in row if c
        ]
        assert _as_read_back(payload) in method_cells  # the group's name and the source
        assert method_cells.count(_as_read_back(payload)) >= 4
        # The group's own sheet: Haarlem's name is text with a quote, the numbers numbers.
        for ws in workbook.worksheets[:-1]:
            rows = list(ws.iter_rows(min_row=2))
            (haarlem,) = [r for r in rows if r[0].value == "GM0392"]
            assert haarlem[1].value == _as_read_back(payload)
            assert haarlem[1].data_type == "s"
            assert all(r[4].data_type == "n" for r in rows)
        # Sheet names (from group names) hold no control characters: Excel would refuse them.
        assert all(title.isprintable() for title in workbook.sheetnames)
