"""Issue 11, acceptance 1: an adopted agreement is exactly what was approved, everywhere.

Haarlem hands 5 homeless places to Amsterdam (an accepted art. 29(2) transfer), every
sub-region approves the net numbers, the chair adopts. The PDF (pdftotext), the CSV and
Excel exports, the API, the dashboards, the monitoring targets and the next round's backlog
all show the net numbers and totals; the PDF carries the approved digest; verify_agreement
accepts it and refuses a PDF of the same round without the transfer.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from agreements import selectors as agreement_selectors
from agreements import services as agreement_services
from agreements.models import Approval
from agreements.tests.fixtures import STEERING, computed_run
from allocation import selectors as allocation_selectors
from allocation.engine.timebase import phase_over_years
from allocation.models import Round, RoundStatus
from allocation.tests.factories import RoundFactory, scenario_for
from monitoring import selectors as monitoring_selectors
from monitoring.tests.helpers import confirmed
from municipalities.models import Municipality
from reports import selectors, services
from reports.models import AgreementDocument, DocumentStatus
from target_groups.models import TargetGroup

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

GROUP = "homeless"
HAARLEM, AMSTERDAM = "GM0392", "GM0363"
AMOUNT = 5
OBJECTION = "Eerst de overdracht van Haarlem naar Amsterdam regelen, dan stemmen wij in."


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _adopted_with_transfer() -> Round:
    round_ = RoundFactory(name="Afspraken overdrachttest", status=RoundStatus.COMPUTING)
    run = computed_run(round_)
    programme = _user("programma")
    agreement_services.round_transition(
        round_=round_, to_status=RoundStatus.IN_REVIEW, user=programme
    )
    proposal = agreement_services.proposal_create(round_=round_, run=run, user=programme)
    zuid_kennemerland = _user("stuurgroep.zuid-kennemerland")
    agreement_services.approval_decide(
        proposal=proposal,
        subregion=zuid_kennemerland.membership.subregion,
        user=zuid_kennemerland,
        decision="object",
        reason=OBJECTION,
    )
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    transfer = agreement_services.transfer_propose(
        round_=round_,
        group=TargetGroup.objects.get(code=GROUP),
        giver=haarlem,
        taker=Municipality.objects.get(cbs_code=AMSTERDAM),
        amount=AMOUNT,
        initiator=haarlem,
        user=_user("beleid.haarlem"),
    )
    agreement_services.transfer_answer(
        transfer=transfer, user=_user("beleid.amsterdam"), accept=True
    )
    for name in STEERING:
        steering = _user(name)
        agreement_services.approval_decide(
            proposal=proposal,
            subregion=steering.membership.subregion,
            user=steering,
            decision="approve",
        )
    # Autocommit: the adoption's on_commit schedules the 8 PDFs; the (eager) tasks make them.
    return agreement_services.round_adopt(round_=round_, user=_user("voorzitter"))


def _delete(round_: Round) -> None:
    from conftest import delete_round_for_cleanup

    delete_round_for_cleanup(round_)


@pytest.fixture(scope="module")
def transfer_round(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Round]:
    from mra_housing.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with django_db_blocker.unblock():
        try:
            round_ = _adopted_with_transfer()
        finally:
            app.conf.task_always_eager = previous
        try:
            yield round_
        finally:
            _delete(round_)


@pytest.fixture
def numbers(transfer_round: Round) -> dict[str, Any]:
    agreed = agreement_selectors.agreed_result(transfer_round)
    group = agreed.groups[GROUP]
    haarlem = next(line for line in group.lines if line.code == HAARLEM)
    amsterdam = next(line for line in group.lines if line.code == AMSTERDAM)
    return {"agreed": agreed, "group": group, "haarlem": haarlem, "amsterdam": amsterdam}


def _pdf(tmp_path: Any, round_: Round, scope: str) -> tuple[AgreementDocument, str]:
    doc = selectors.agreement_document_get(round_=round_, scope=scope, with_pdf=True)
    assert doc is not None
    assert doc.status == DocumentStatus.READY, doc.error_message
    path = tmp_path / f"{scope}.pdf"
    path.write_bytes(bytes(doc.pdf))
    return doc, pdf_text(path)


def test_the_agreed_numbers_are_the_net_numbers(numbers) -> None:
    haarlem, amsterdam, group = numbers["haarlem"], numbers["amsterdam"], numbers["group"]
    assert haarlem.transfer == -AMOUNT
    assert haarlem.agreed == haarlem.computed - AMOUNT
    assert amsterdam.transfer == AMOUNT
    assert amsterdam.agreed == amsterdam.computed + AMOUNT
    assert group.total == sum(line.computed for line in group.lines)
    approvals = Approval.objects.filter(proposal__round_id=numbers["agreed"].round_id)
    assert set(approvals.filter(state="active").values_list("digest", flat=True)) == {
        numbers["agreed"].digest
    }


def test_the_pdf_shows_the_net_numbers_totals_and_the_approved_digest(
    transfer_round, numbers, tmp_path
) -> None:
    agreed, haarlem, amsterdam = numbers["agreed"], numbers["haarlem"], numbers["amsterdam"]
    doc, text = _pdf(tmp_path, transfer_round, "zuid-kennemerland")
    assert doc.digest == agreed.digest != agreed.run_digest
    pages = [p for p in text.split("\f") if p.strip()]
    assert all(f"Controlecode {agreed.digest}" in p for p in pages)
    assert agreed.run_digest not in text
    years = r"\s+".join(str(n) for n in haarlem.per_year)
    row = rf"Haarlem\s+{haarlem.allocation}\s+0\s+−{AMOUNT}\s+{haarlem.agreed}\s+{years}\s"
    assert re.search(row, text), "Haarlem's net number"
    zk_total = sum(line.agreed for line in numbers["group"].for_subregion("Zuid-Kennemerland"))
    assert (
        zk_total
        == sum(line.computed for line in numbers["group"].for_subregion("Zuid-Kennemerland"))
        - AMOUNT
    )
    assert re.search(rf"Totaal Zuid[^\n]*?\s{zk_total}\s[^\n]*van de MRA", text)
    assert f"Amsterdam neemt van Haarlem {AMOUNT} personen over" in text
    _doc, text = _pdf(tmp_path, transfer_round, "amsterdam")
    years = r"\s+".join(str(n) for n in amsterdam.per_year)
    assert re.search(
        rf"Amsterdam\s+{amsterdam.allocation}\s+0\s+\+{AMOUNT}\s+{amsterdam.agreed}\s+{years}\s",
        text,
    )


def test_the_csv_and_excel_exports_show_the_net_numbers(
    transfer_round, numbers, client_for
) -> None:
    haarlem, group = numbers["haarlem"], numbers["group"]
    client = client_for("coordinator.zuid-kennemerland")
    response = client.get(f"/rondes/{transfer_round.pk}/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    agreed_col = header.index("Afgesproken (hele periode)")
    transfer_col = header.index("Overdracht (hele periode)")
    name = group.group.name_nl
    mine = [r for r in rows[1:] if r[0] == name]
    by_code = {r[1]: r for r in mine}
    assert int(by_code[HAARLEM][agreed_col]) == haarlem.agreed
    assert int(by_code[HAARLEM][transfer_col]) == -AMOUNT
    assert sum(int(r[agreed_col]) for r in mine) == group.total
    for year, n in zip(numbers["agreed"].years, haarlem.per_year, strict=True):
        assert int(by_code[HAARLEM][header.index(f"Afgesproken in {year}")]) == n

    response = client.get(f"/rondes/{transfer_round.pk}/export.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook[name[:31]]
    sheet_rows = list(sheet.iter_rows(values_only=True))
    head = sheet_rows[0]
    col = head.index("Afgesproken (hele periode)")
    by_code_x = {r[0]: r for r in sheet_rows[1:]}
    assert by_code_x[HAARLEM][col] == haarlem.agreed
    assert sum(r[col] for r in sheet_rows[1:]) == group.total
    method = [list(r) for r in workbook["Methode"].iter_rows(values_only=True)]
    assert ["Goedgekeurde controlecode", numbers["agreed"].digest] in [r[:2] for r in method]


def test_the_api_shows_the_net_numbers(transfer_round, numbers, client_for, client) -> None:
    url = f"/api/v1/rounds/{transfer_round.pk}/agreement/"
    assert client.get(url).status_code in (401, 403)
    data = client_for("beleid.haarlem").get(url).json()
    assert data["digest"] == numbers["agreed"].digest
    assert data["transfers"] == [
        {"group": GROUP, "giver": HAARLEM, "taker": AMSTERDAM, "amount": AMOUNT}
    ]
    group = next(g for g in data["groups"] if g["code"] == GROUP)
    haarlem = next(m for m in group["municipalities"] if m["code"] == HAARLEM)
    assert haarlem["agreed"] == numbers["haarlem"].agreed
    assert haarlem["transfer"] == -AMOUNT
    assert group["total"] == numbers["group"].total


def test_the_api_answers_404_for_a_round_that_is_not_adopted(client_for) -> None:
    round_ = RoundFactory(name="Afspraken niet vastgesteld")
    response = client_for("beleid.haarlem").get(f"/api/v1/rounds/{round_.pk}/agreement/")
    assert response.status_code == 404


def test_the_dashboards_show_the_net_numbers(transfer_round, numbers, client_for) -> None:
    body = (
        client_for("stuurgroep.zuid-kennemerland")
        .get(f"/dashboard/rondes/{transfer_round.pk}/")
        .content.decode()
    )
    assert numbers["agreed"].digest in body
    row = re.search(rf'id="afgesproken-{GROUP}-{HAARLEM}">(.*?)</tr>', body, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">(?:<strong>)?(-?\+?\d+)', row.group(1))
    assert cells[:3] == [
        str(numbers["haarlem"].computed),
        f"-{AMOUNT}",
        str(numbers["haarlem"].agreed),
    ]
    run = transfer_round.agreed_run
    overview = client_for("stuurgroep.zuid-kennemerland").get(
        f"/dashboard/rondes/{transfer_round.pk}/scenarios/{run.scenario_id}/"
    )
    assert 'id="agreed-note"' in overview.content.decode()


def test_the_monitoring_targets_are_the_net_numbers(transfer_round, numbers) -> None:
    targets = monitoring_selectors.agreed_numbers(transfer_round)
    assert targets == numbers["agreed"].by_code()
    board = monitoring_selectors.dashboard(
        round_=transfer_round,
        group_code=GROUP,
        visible=lambda m: True,
        region_total=True,
        subregion_totals=lambda s: True,
    )
    haarlem = next(line for line in board.lines if line.code == HAARLEM)
    assert haarlem.progress.agreed == numbers["haarlem"].agreed
    assert board.region is not None
    assert board.region.progress.agreed == numbers["group"].total


def test_the_next_round_carries_over_the_net_numbers(transfer_round, numbers) -> None:
    confirmed(transfer_round, HAARLEM, 2026, 1, {GROUP: 10, "urgent": 3})
    next_round = RoundFactory(
        name="Afspraken 2028–2029",
        period_start=transfer_round.period_end.replace(year=2028, month=1, day=1),
        period_end=transfer_round.period_end.replace(year=2029),
    )
    assert allocation_selectors.previous_agreed_round(next_round) == transfer_round
    scenario = scenario_for(next_round, groups=(GROUP,), carry_over=True)
    prepared = allocation_selectors.run_inputs_build(
        scenario=allocation_selectors.scenario_get(pk=scenario.pk)
    )
    (group,) = prepared.groups
    haarlem = next(m for m in group.scenario["municipalities"] if m["code"] == HAARLEM)
    assert haarlem["backlog"] == numbers["haarlem"].agreed - 10


def test_verify_agreement_accepts_the_stored_pdf(transfer_round, tmp_path, capsys) -> None:
    doc = selectors.agreement_document_get(
        round_=transfer_round, scope="zuid-kennemerland", with_pdf=True
    )
    path = tmp_path / "zk.pdf"
    path.write_bytes(bytes(doc.pdf))
    call_command("verify_agreement", str(path))
    out = capsys.readouterr().out
    assert "VALID" in out
    assert "NOT VALID" not in out
    assert "SHA-256 matches the stored agreement of Zuid-Kennemerland" in out


def _without_transfer(agreed: Any, *, keep_digest: bool) -> Any:
    years = len(agreed.years)
    groups = {
        code: dataclasses.replace(
            group,
            lines=tuple(
                dataclasses.replace(
                    line,
                    transfer=0,
                    agreed=line.computed,
                    per_year=tuple(phase_over_years(line.computed, years)),
                )
                for line in group.lines
            ),
        )
        for code, group in agreed.groups.items()
    }
    digest = (
        agreed.digest
        if keep_digest
        else agreement_selectors.review_digest_of(run_digest_hex=agreed.run_digest, transfers=[])
    )
    return dataclasses.replace(agreed, groups=groups, transfers=(), digest=digest)


@pytest.mark.parametrize("keep_digest", [False, True], ids=["own-digest", "approved-digest"])
def test_verify_agreement_refuses_a_pdf_of_the_same_round_without_the_transfer(
    transfer_round, tmp_path, monkeypatch, keep_digest
) -> None:
    agreed = agreement_selectors.agreed_result(transfer_round)
    monkeypatch.setattr(
        selectors,
        "agreed_result",
        lambda round_: _without_transfer(agreed, keep_digest=keep_digest),
    )
    doc = selectors.agreement_document_get(round_=transfer_round, scope="zuid-kennemerland")
    pdf, _pages = services.agreement_render(document=doc)
    monkeypatch.undo()
    path = tmp_path / "zonder-overdracht.pdf"
    path.write_bytes(pdf)
    assert "Overdrachten tussen gemeenten" in pdf_text(path)
    with pytest.raises(CommandError, match="NOT VALID") as excinfo:
        call_command("verify_agreement", str(path))
    assert excinfo.value.returncode == 1


def test_verify_agreement_accepts_another_rendering_of_the_approved_numbers(
    transfer_round, tmp_path, capsys
) -> None:
    doc = selectors.agreement_document_get(round_=transfer_round, scope="zuid-kennemerland")
    pdf, _pages = services.agreement_render(document=doc)
    # Rendering is deterministic (the same bytes); a copy that a mail program or printer
    # driver touched has other bytes but the same text.
    path = tmp_path / "kopie.pdf"
    path.write_bytes(pdf + b"\n% een kopie\n")
    call_command("verify_agreement", str(path))
    out = capsys.readouterr().out
    assert "every agreed number in its text matches" in out
    assert "VALID: this PDF holds the approved agreement of Zuid-Kennemerland" in out


def test_an_objection_stays_on_the_record_after_the_later_approval(
    transfer_round, client_for
) -> None:
    objection = Approval.objects.get(proposal__round=transfer_round, decision="object")
    assert objection.reason == OBJECTION
    assert objection.state == "voided"  # the accepted transfer voided it; it is still there
    for url in (
        f"/rondes/{transfer_round.pk}/beoordeling/",
        f"/rondes/{transfer_round.pk}/geschiedenis/",
    ):
        body = client_for("beleid.haarlem").get(url).content.decode()
        assert OBJECTION in body, url
        assert "Zuid-Kennemerland" in body
