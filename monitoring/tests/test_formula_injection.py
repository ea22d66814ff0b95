"""Formula injection (issue 12): an upload of realised numbers with text that starts like a
formula is refused with its row and column, and nothing is saved."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.tests.test_spreadsheet import PAYLOADS
from monitoring import services
from monitoring.models import Realisation

PREFIXES = sorted(PAYLOADS)
HEADER = [
    "CBS-code",
    "Gemeente",
    "Jaar",
    "Kwartaal",
    "Doelgroep",
    "Gerealiseerd",
    "Bron",
    "Peildatum",
]
GOOD = ["GM0392", "Haarlem", "2026", "1", "urgent", "16", "Registratie", "31-3-2026"]


def _file(fmt: str, rows: list[list[str]]) -> bytes:
    if fmt == "csv":
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([HEADER, *rows])
        return out.getvalue().encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"  # text, as a pasted value is (not a formula cell)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _with(column: str, value: str) -> list[str]:
    row = list(GOOD)
    row[HEADER.index(column)] = value
    return row


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("column", "letter"), [("Bron", "G"), ("Gerealiseerd", "F")])
def test_an_upload_with_text_that_starts_like_a_formula_is_refused(
    adopted, user_named, fmt, column, letter, prefix
) -> None:
    payload = PAYLOADS[prefix]
    second = ["GM0392", "Haarlem", "2026", "2", "urgent", "3", "Registratie", "30-6-2026"]
    data = _file(fmt, [second, _with(column, payload)])
    with pytest.raises(services.RealisationsRejected) as exc:
        services.realisations_import(
            round_=adopted, filename=f"r.{fmt}", data=data, user=user_named("beleid.haarlem")
        )
    code = "V213" if payload.strip().startswith("=") else "V219"
    # The row is refused as a whole: one message for the cell, with its row and column.
    assert [
        (i.code, i.location.row, i.location.column, i.location.column_name)
        for i in exc.value.issues
    ] == [(code, 3, letter, column)]
    assert not Realisation.objects.exists()  # not even the good row


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_negative_number_keeps_its_own_message(adopted, user_named, fmt) -> None:
    with pytest.raises(services.RealisationsRejected) as exc:
        services.realisations_import(
            round_=adopted,
            filename=f"r.{fmt}",
            data=_file(fmt, [_with("Gerealiseerd", "-1")]),
            user=user_named("beleid.haarlem"),
        )
    assert [(i.code, i.location.column) for i in exc.value.issues] == [("V002", "F")]
    assert not Realisation.objects.exists()


@pytest.mark.parametrize("prefix", ["=", "+", "@"])
def test_a_source_that_starts_like_a_formula_is_refused_when_entered(
    adopted, user_named, prefix
) -> None:
    from municipalities.models import Municipality

    with pytest.raises(services.RealisationsRejected) as exc:
        services.realisations_save_draft(
            round_=adopted,
            municipality=Municipality.objects.get(cbs_code="GM0392"),
            year=2026,
            quarter=1,
            values={
                "urgent": services.RealisationInput(
                    realised="16", source=PAYLOADS[prefix], reference_date="31-3-2026"
                )
            },
            user=user_named("beleid.haarlem"),
        )
    assert [i.code for i in exc.value.issues] == ["V015"]
    assert not Realisation.objects.exists()


def test_the_quoted_form_of_the_export_is_read_as_text(adopted, user_named) -> None:
    """ "'- zie bijlage" is how an export writes "- zie bijlage": read without the quote."""
    services.realisations_import(
        round_=adopted,
        filename="r.csv",
        data=_file("csv", [_with("Bron", "'- zie bijlage")]),
        user=user_named("beleid.haarlem"),
    )
    assert Realisation.objects.get().source == "- zie bijlage"


def test_the_import_page_names_row_and_column(adopted, client_for) -> None:
    data = _file("csv", [_with("Bron", PAYLOADS["+"])])
    response = client_for("beleid.haarlem").post(
        f"/monitoring/{adopted.pk}/importeren/", {"file": SimpleUploadedFile("r.csv", data)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "V219" in page
    assert "rij 2, kolom g" in page.lower()
    assert not Realisation.objects.exists()
