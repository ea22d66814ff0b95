"""Importing realised numbers from CSV and Excel with the figures app's reader and rules."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied

from monitoring import services
from monitoring.models import Realisation

HEADER = "CBS-code;Gemeente;Jaar;Kwartaal;Doelgroep;Gerealiseerd;Bron;Peildatum\n"


def do_import(adopted, user, text, filename="realisatie.csv"):
    return services.realisations_import(
        round_=adopted, filename=filename, data=text.encode("utf-8"), user=user
    )


def test_a_csv_in_dutch_notation_is_saved_as_drafts(adopted, user_named) -> None:
    text = HEADER + (
        "GM0392;Haarlem;2026;1;urgent;16;Registratie;31-3-2026\n"
        "GM0392;Haarlem;2026;Q2;homeless;1.200;Registratie;30-6-2026\n"
    )
    assert do_import(adopted, user_named("beleid.haarlem"), text) == 2
    assert sorted(Realisation.objects.values_list("quarter", "realised", "status")) == [
        (1, 16, "draft"),
        (2, 1200, "draft"),
    ]


def test_an_excel_file_is_read_too(adopted, user_named) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(";"))
    sheet.append(["GM0392", "Haarlem", 2026, 3, "urgent", 7, "Registratie", "2026-09-30"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert (
        services.realisations_import(
            round_=adopted,
            filename="r.xlsx",
            data=buffer.getvalue(),
            user=user_named("beleid.haarlem"),
        )
        == 1
    )
    assert Realisation.objects.get().realised == 7


def test_one_wrong_row_and_nothing_is_saved_with_row_and_column(adopted, user_named) -> None:
    text = HEADER + (
        "GM0392;Haarlem;2026;1;urgent;16;Registratie;31-3-2026\n"
        "GM0392;Haarlem;2026;5;urgent;3;Registratie;31-3-2026\n"
        "GM0392;Haarlem;2026;2;urgent;-1;Registratie;30-6-2026\n"
        "GM0363;Amsterdam;2026;1;urgent;3;Registratie;31-3-2026\n"
        "GM0392;Haarlem;2026;1;studenten;3;Registratie;31-3-2026\n"
        "GM0392;Haarlem;2026;1;urgent;2;Registratie;31-3-2026\n"
    )
    with pytest.raises(services.RealisationsRejected) as exc:
        do_import(adopted, user_named("beleid.haarlem"), text)
    found = {(i.code, i.location.row, i.location.column) for i in exc.value.issues}
    assert found == {
        ("M001", 3, "D"),
        ("V002", 4, "F"),
        ("V210", 5, "A"),
        ("M003", 6, "E"),
        ("V212", 7, "E"),
    }
    assert not Realisation.objects.exists()


def test_a_file_without_the_quarter_column_is_refused(adopted, user_named) -> None:
    text = "CBS-code;Jaar;Doelgroep;Gerealiseerd;Bron;Peildatum\nGM0392;2026;urgent;1;x;1-1-2026\n"
    with pytest.raises(services.RealisationsRejected) as exc:
        do_import(adopted, user_named("beleid.haarlem"), text)
    assert [i.code for i in exc.value.issues] == ["V206"]
    with pytest.raises(services.RealisationsRejected) as exc:
        do_import(adopted, user_named("beleid.haarlem"), "x", filename="r.pdf")
    assert [i.code for i in exc.value.issues] == ["V201"]


def test_only_officers_import(adopted, user_named) -> None:
    with pytest.raises(PermissionDenied):
        do_import(adopted, user_named("programma"), HEADER)


def test_import_page_lists_problems_in_dutch(adopted, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = HEADER + "GM0392;Haarlem;2026;9;urgent;16;Registratie;31-3-2026\n"
    response = client_for("beleid.haarlem").post(
        f"/monitoring/{adopted.pk}/importeren/",
        {"file": SimpleUploadedFile("r.csv", text.encode())},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "M001" in page
    assert "rij 2" in page.lower()
    assert not Realisation.objects.exists()
