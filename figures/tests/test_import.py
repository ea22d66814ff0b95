"""Excel and CSV: the template round-trips exactly, and every malformed file gets its
numbered Dutch message while the database stays as it was."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import FigureStatus
from figures.models import ImportStatus, PendingImport, WarningAcknowledgement
from municipalities.models import Indicator, MunicipalFigure
from target_groups.models import GroupFigure, TargetGroup

from .conftest import group_value, municipal_value

pytestmark = pytest.mark.django_db

TEMPLATE_XLSX = "/gemeenten/GM0392/cijfers/2024/sjabloon.xlsx"
TEMPLATE_CSV = "/gemeenten/GM0392/cijfers/2024/sjabloon.csv"
IMPORT = "/cijfers/import/"
HEADER = "CBS-code;Gemeente;Jaar;Code;Omschrijving;Eenheid;Waarde;Bron;Peildatum;Status;Versie;Toelichting"


def _snapshot() -> tuple:
    return (
        list(MunicipalFigure.objects.order_by("pk").values()),
        list(GroupFigure.objects.order_by("pk").values()),
        MunicipalFigure.history.count(),
        GroupFigure.history.count(),
        WarningAcknowledgement.objects.count(),
        PendingImport.objects.count(),
    )


def upload(client, name: str, data: bytes):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def open_xlsx(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def save_xlsx(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def set_cell(data: bytes, code: str, column: str, value) -> bytes:
    """Change the cell of one figure (by its Code) in the template's sheet Cijfers."""
    workbook = open_xlsx(data)
    sheet = workbook["Cijfers"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("Code")].value == code:
            row[headers.index(column)].value = value
            return save_xlsx(workbook)
    raise AssertionError(code)


def csv_text(client) -> str:
    return download(client, TEMPLATE_CSV).decode("utf-8-sig")


def csv_with(client, code: str, **cells: str) -> str:
    """The CSV template with some cells of one figure changed."""
    lines = csv_text(client).splitlines()
    headers = lines[0].split(";")
    result = [lines[0]]
    for line in lines[1:]:
        cols = line.split(";")
        if cols[3] == code:
            for column, value in cells.items():
                cols[headers.index(column)] = value
        result.append(";".join(cols))
    return "\r\n".join(result) + "\r\n"


@pytest.fixture
def haarlem(client_for):
    return client_for("beleid.haarlem")


# --- Downloading -----------------------------------------------------------------------------


def test_csv_template_uses_dutch_conventions(haarlem) -> None:
    data = download(haarlem, TEMPLATE_CSV)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8 right
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    assert "GM0392;Haarlem;2024;population;Inwoners;inwoners;167.636;CBS StatLine" in text
    assert ";01-01-2024;" in text
    assert "homeless.demand" in text
    assert "caravan_dwellers.realised" in text
    # a header, one row per indicator and three per target group (demand, effort, realised)
    assert len(text.splitlines()) == 1 + Indicator.objects.count() + TargetGroup.objects.count() * 3


def test_excel_template_has_the_figures_and_an_explanation(haarlem) -> None:
    workbook = open_xlsx(download(haarlem, TEMPLATE_XLSX))
    assert workbook.sheetnames == ["Cijfers", "Uitleg"]
    sheet = workbook["Cijfers"]
    assert [c.value for c in sheet[1]] == HEADER.split(";")
    assert sheet["G2"].value == 167636
    assert "Dak- en thuislozen" in " ".join(str(c.value) for c in workbook["Uitleg"]["A"])


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("programma", 200),
        ("voorzitter", 200),
        ("beheer", 200),
        ("beleid.haarlem", 403),
        ("coordinator.zuid-kennemerland", 403),
        ("stuurgroep.ijmond", 403),
    ],
)
def test_template_of_all_municipalities_for_region_wide_roles(client_for, username, status) -> None:
    assert client_for(username).get("/cijfers/sjabloon/2024.csv").status_code == status


def test_template_of_all_municipalities_has_thirty(client_for) -> None:
    text = download(client_for("programma"), "/cijfers/sjabloon/2024.csv").decode("utf-8-sig")
    assert len({line.split(";")[0] for line in text.splitlines()[1:]}) == 30


def test_unknown_template_format_is_a_404(haarlem) -> None:
    assert haarlem.get("/gemeenten/GM0392/cijfers/2024/sjabloon.pdf").status_code == 404


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("beleid.haarlem", 200),
        ("beleid.amsterdam", 200),
        ("programma", 200),
        ("coordinator.zuid-kennemerland", 403),
        ("stuurgroep.zuid-kennemerland", 403),
        ("voorzitter", 403),
        ("beheer", 403),
    ],
)
def test_who_may_upload(client_for, username, status) -> None:
    assert client_for(username).get(IMPORT).status_code == status


# --- Round trip ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [TEMPLATE_XLSX, TEMPLATE_CSV])
def test_unchanged_template_changes_nothing(haarlem, url) -> None:
    data = download(haarlem, url)
    before = _snapshot()
    response = upload(haarlem, url.rsplit("/", 1)[-1], data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "geen wijzigingen" in body
    # no rule code (V0xx warnings, V2xx file errors); word boundaries keep the random
    # CSRF token, which may contain "V0", out of it
    assert re.search(r"\bV[02]\d\d\b", body) is None
    assert _snapshot() == before


def test_edited_excel_applies_exactly_those_changes(haarlem, user_named) -> None:
    data = download(haarlem, TEMPLATE_XLSX)
    data = set_cell(data, "mutations", "Waarde", 1600)
    data = set_cell(data, "homeless.realised", "Waarde", 30)
    response = upload(haarlem, "haarlem.xlsx", data)
    assert response.status_code == 302
    pending = PendingImport.objects.get()
    preview = haarlem.get(response["Location"])
    body = preview.content.decode()
    assert "1.558" in body
    assert "1.600" in body
    changes = preview.context["preview"].changes
    assert sorted(c.change.key for c in changes) == ["homeless", "mutations"]
    assert {(f.key, f.old, f.new) for c in changes for f in c.change.fields} == {
        ("mutations", Decimal(1558), Decimal(1600)),
        ("homeless.realised", None, Decimal(30)),
    }
    before_other = list(MunicipalFigure.objects.exclude(indicator__code="mutations").values())
    confirm = haarlem.post(
        response["Location"],
        {"file_hash": pending.file_hash, "digest": preview.context["preview"].digest},
    )
    assert confirm.status_code == 302
    assert municipal_value("GM0392", 2024, "mutations") == 1600
    assert group_value("GM0392", 2024, "homeless", "realised") == 30
    assert group_value("GM0392", 2024, "homeless", "demand") == 242
    assert (
        list(MunicipalFigure.objects.exclude(indicator__code="mutations").values()) == before_other
    )
    figure = MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", year=2024, indicator__code="mutations"
    )
    assert figure.status == FigureStatus.DRAFT
    record = figure.history.first()
    assert record.history_user == user_named("beleid.haarlem")
    assert record.history_change_reason.startswith("import:haarlem.xlsx")
    pending.refresh_from_db()
    assert pending.status == ImportStatus.APPLIED
    assert pending.changed_count == 2
    assert (
        "geïmporteerd uit haarlem.xlsx"
        in haarlem.get("/gemeenten/GM0392/cijfers/historie/").content.decode()
    )


def test_edited_csv_in_windows_1252_applies_exactly_those_changes(haarlem) -> None:
    text = csv_with(
        haarlem,
        "households",
        Waarde="75.000",
        Bron="CBS Statline – huishoudens é",
        Peildatum="1-1-2024",
    )
    response = upload(haarlem, "haarlem.csv", text.encode("cp1252"))
    assert response.status_code == 302
    preview = haarlem.get(response["Location"])
    changes = preview.context["preview"].changes
    assert [(c.change.key, c.change.new_values["value"], c.change.new_source) for c in changes] == [
        ("households", Decimal(75000), "CBS Statline – huishoudens é")
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_with_or_without_bom(haarlem, encoding) -> None:
    text = csv_with(haarlem, "planned_social_new_build", Waarde="800")
    response = upload(haarlem, "haarlem.csv", text.encode(encoding))
    assert response.status_code == 302


def test_a_warning_in_an_upload_needs_a_ticked_comment_before_saving(haarlem) -> None:
    text = csv_with(haarlem, "students.demand", Waarde="900", Toelichting="Nieuwe campus")
    response = upload(haarlem, "haarlem.csv", text.encode())
    assert response.status_code == 302
    pending = PendingImport.objects.get()
    page = haarlem.get(response["Location"])
    body = page.content.decode()
    assert "V102" in body
    assert "Nieuwe campus" in body  # the Toelichting is offered as the comment
    digest = page.context["preview"].digest
    before = _snapshot()
    refused = haarlem.post(response["Location"], {"file_hash": pending.file_hash, "digest": digest})
    assert refused.status_code == 200
    assert "niets opgeslagen" in refused.content.decode()
    assert _snapshot() == before
    name = page.context["preview"].open_warnings[0].name
    accepted = haarlem.post(
        response["Location"],
        {
            "file_hash": pending.file_hash,
            "digest": digest,
            name: "1",
            f"{name}-comment": "Nieuwe campus",
        },
    )
    assert accepted.status_code == 302
    assert group_value("GM0392", 2024, "students") == 900
    assert WarningAcknowledgement.objects.get(code="V102").comment == "Nieuwe campus"


def test_confirming_after_someone_else_saved_saves_nothing(haarlem, client_for) -> None:
    response = upload(
        haarlem, "haarlem.csv", csv_with(haarlem, "mutations", Waarde="1.600").encode()
    )
    pending = PendingImport.objects.get()
    digest = haarlem.get(response["Location"]).context["preview"].digest
    other = client_for("beleid2.haarlem")
    from .conftest import form_data

    assert (
        other.post(
            "/gemeenten/GM0392/cijfers/2024/bewerken/",
            {
                **form_data("GM0392", 2024),
                "households-value": "75000",
                "households-source": "CBS",
                "households-reference_date": "2024-01-01",
            },
        ).status_code
        == 302
    )
    before = _snapshot()
    confirm = haarlem.post(response["Location"], {"file_hash": pending.file_hash, "digest": digest})
    assert confirm.status_code == 409
    assert "gewijzigd nadat u het voorbeeld zag" in confirm.content.decode()
    assert _snapshot() == before


def test_confirming_with_another_file_hash_saves_nothing(haarlem) -> None:
    response = upload(
        haarlem, "haarlem.csv", csv_with(haarlem, "mutations", Waarde="1.600").encode()
    )
    digest = haarlem.get(response["Location"]).context["preview"].digest
    before = _snapshot()
    confirm = haarlem.post(response["Location"], {"file_hash": "0" * 64, "digest": digest})
    assert confirm.status_code == 409
    assert _snapshot() == before


def test_a_pending_upload_belongs_to_its_uploader(haarlem, client_for) -> None:
    response = upload(
        haarlem, "haarlem.csv", csv_with(haarlem, "mutations", Waarde="1.600").encode()
    )
    url = response["Location"]
    pending = PendingImport.objects.get()
    other = client_for("beleid2.haarlem")
    assert other.get(url).status_code == 404
    assert other.post(url, {"file_hash": pending.file_hash, "digest": "x"}).status_code == 404
    assert other.post(f"{url}annuleren/").status_code == 404


def test_an_applied_upload_cannot_be_applied_twice(haarlem) -> None:
    response = upload(
        haarlem, "haarlem.csv", csv_with(haarlem, "mutations", Waarde="1.600").encode()
    )
    pending = PendingImport.objects.get()
    digest = haarlem.get(response["Location"]).context["preview"].digest
    assert (
        haarlem.post(
            response["Location"], {"file_hash": pending.file_hash, "digest": digest}
        ).status_code
        == 302
    )
    again = haarlem.get(response["Location"])
    assert "verwerkt" in again.content.decode()


def test_discarding_an_upload_saves_nothing(haarlem) -> None:
    response = upload(
        haarlem, "haarlem.csv", csv_with(haarlem, "mutations", Waarde="1.600").encode()
    )
    assert haarlem.post(f"{response['Location']}annuleren/").status_code == 302
    assert PendingImport.objects.get().status == ImportStatus.DISCARDED
    assert municipal_value("GM0392", 2024, "mutations") == Decimal("1558")


def test_programme_team_uploads_for_several_municipalities(client_for) -> None:
    programme = client_for("programma")
    text = download(programme, "/cijfers/sjabloon/2024.csv").decode("utf-8-sig")
    lines = text.splitlines()
    changed = []
    for line in lines[1:]:
        cols = line.split(";")
        if cols[3] == "planned_social_new_build" and cols[0] in ("GM0392", "GM0363"):
            cols[6] = "1.000" if cols[0] == "GM0392" else "9.000"
        changed.append(";".join(cols))
    response = upload(programme, "mra.csv", ("\n".join([lines[0], *changed]) + "\n").encode())
    assert response.status_code == 302
    preview = programme.get(response["Location"]).context["preview"]
    assert preview.municipality_count == 30
    assert sorted(c.municipality.cbs_code for c in preview.changes) == ["GM0363", "GM0392"]
    pending = PendingImport.objects.get()
    assert (
        programme.post(
            response["Location"], {"file_hash": pending.file_hash, "digest": preview.digest}
        ).status_code
        == 302
    )
    assert municipal_value("GM0392", 2024, "planned_social_new_build") == 1000
    assert municipal_value("GM0363", 2024, "planned_social_new_build") == 9000


def test_preview_of_thirty_municipalities_uses_few_queries(
    client_for, django_assert_max_num_queries
) -> None:
    programme = client_for("programma")
    text = download(programme, "/cijfers/sjabloon/2024.csv").decode("utf-8-sig")
    text = text.replace(
        "GM0392;Haarlem;2024;mutations;Mutaties sociale huur per jaar;woningen per jaar;1.558",
        "GM0392;Haarlem;2024;mutations;Mutaties sociale huur per jaar;woningen per jaar;1.600",
    )
    response = upload(programme, "mra.csv", text.encode())
    assert response.status_code == 302
    with django_assert_max_num_queries(25):
        assert programme.get(response["Location"]).status_code == 200


# --- Malformed files --------------------------------------------------------------------------------


def _xlsx_with(haarlem, change) -> bytes:
    workbook = open_xlsx(download(haarlem, TEMPLATE_XLSX))
    change(workbook["Cijfers"])
    return save_xlsx(workbook)


def _formula(sheet) -> None:
    sheet["G2"] = "=SUM(G3:G4)"


def _merged(sheet) -> None:
    sheet.merge_cells("H2:H4")


def _damaged(haarlem) -> bytes:
    data = download(haarlem, TEMPLATE_XLSX)
    return data[: len(data) // 2]


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def _many_rows(haarlem) -> bytes:
    line = csv_text(haarlem).splitlines()[1]
    return ("\n".join([HEADER] + [line] * 5001) + "\n").encode()


MALFORMED = {
    # name: (file name, content builder(haarlem) -> bytes, expected code, Dutch words)
    "wrong headers": (
        "h.csv",
        lambda h: csv_text(h).replace("Waarde", "Getal").encode(),
        "V206",
        "De kolom “Waarde” ontbreekt",
    ),
    "unknown column": (
        "h.csv",
        lambda h: csv_text(h).replace("Toelichting", "Opmerking").encode(),
        "V207",
        "is onbekend",
    ),
    "column twice": (
        "h.csv",
        lambda h: csv_text(h).replace("Toelichting", "Bron").encode(),
        "V208",
        "meer dan één keer",
    ),
    "text in a number": (
        "h.csv",
        lambda h: csv_with(h, "population", Waarde="veel").encode(),
        "V001",
        "“veel” is geen getal",
    ),
    "negative value": (
        "h.csv",
        lambda h: csv_with(h, "dwellings", Waarde="-5").encode(),
        "V002",
        "niet onder nul",
    ),
    "decimals in a group": (
        "h.csv",
        lambda h: csv_with(h, "homeless.demand", Waarde="12,5").encode(),
        "V003",
        "heel getal",
    ),
    "unknown CBS code": (
        "h.csv",
        lambda h: csv_with(h, "population", **{"CBS-code": "GM9999"}).encode(),
        "V209",
        "geen CBS-code van een MRA-gemeente",
    ),
    "other municipality": (
        "h.csv",
        lambda h: csv_with(h, "population", **{"CBS-code": "GM0363"}).encode(),
        "V210",
        "geen cijfers van Amsterdam",
    ),
    "unknown figure": (
        "h.csv",
        lambda h: csv_with(h, "population", Code="inwoners").encode(),
        "V211",
        "geen bekende code",
    ),
    "duplicate row": (
        "h.csv",
        lambda h: (csv_text(h) + csv_text(h).splitlines()[1] + "\r\n").encode(),
        "V212",
        "meer dan één keer in",
    ),
    "wrong year": (
        "h.csv",
        lambda h: csv_with(h, "population", Jaar="24").encode(),
        "V215",
        "geen jaar tussen 2000 en 2100",
    ),
    "wrong date": (
        "h.csv",
        lambda h: csv_with(h, "population", Peildatum="gisteren").encode(),
        "V008",
        "peildatum",
    ),
    "missing source": (
        "h.csv",
        lambda h: csv_with(h, "households", Waarde="75.000", Peildatum="01-01-2024").encode(),
        "V007",
        "Zeg waar dit cijfer vandaan komt",
    ),
    "social above dwellings": (
        "h.csv",
        lambda h: csv_with(h, "social_rental", Waarde="90.000").encode(),
        "V009",
        "niet groter zijn dan de woningvoorraad",
    ),
    "emptied figure": (
        "h.csv",
        lambda h: csv_with(h, "population", Waarde="").encode(),
        "V006",
        "kan niet leeg worden gemaakt",
    ),
    "sources differ in a group": (
        "h.csv",
        lambda h: csv_with(h, "homeless.existing_effort", Bron="Andere bron").encode(),
        "V217",
        "verschillende bronnen",
    ),
    "version is text": (
        "h.csv",
        lambda h: csv_with(h, "population", Versie="twee").encode(),
        "V218",
        "geen versienummer",
    ),
    "stale version": (
        "h.csv",
        lambda h: csv_with(h, "mutations", Waarde="1.600", Versie="7").encode(),
        "V013",
        "gewijzigd door",
    ),
    "wrong encoding": (
        "h.csv",
        lambda h: csv_text(h).encode("utf-16"),
        "V205",
        "onbekende codering",
    ),
    "empty file": ("h.csv", lambda h: b"", "V203", "Er staan geen cijfers in het bestand"),
    "header only": (
        "h.csv",
        lambda h: (HEADER + "\r\n").encode(),
        "V203",
        "Er staan geen cijfers in het bestand",
    ),
    "huge file": ("h.csv", lambda h: b"x" * (2 * 1024 * 1024 + 1), "V202", "Hoogstens 2 MB"),
    "too many rows": ("h.csv", _many_rows, "V216", "meer dan 5.000 rijen"),
    "formula cell": ("h.xlsx", lambda h: _xlsx_with(h, _formula), "V213", "bevat een formule"),
    "merged cells": ("h.xlsx", lambda h: _xlsx_with(h, _merged), "V214", "zijn samengevoegd"),
    "damaged xlsx": ("h.xlsx", _damaged, "V204", "beschadigd"),
    "zip that is no workbook": ("h.xlsx", lambda h: _zip_without_workbook(), "V204", "beschadigd"),
    "random bytes as xlsx": ("h.xlsx", lambda h: b"\x00\x01garbage" * 50, "V204", "beschadigd"),
    "wrong extension": ("h.pdf", lambda h: b"%PDF-1.4", "V201", "geen CSV- of Excel-bestand"),
    "old excel format": (
        "h.xls",
        lambda h: b"\xd0\xcf\x11\xe0" + b"\x00" * 100,
        "V201",
        "geen CSV- of Excel-bestand",
    ),
    "excel file named csv": (
        "h.csv",
        lambda h: download(h, TEMPLATE_XLSX),
        "V201",
        "geen CSV- of Excel-bestand",
    ),
    "no extension": ("cijfers", lambda h: b"a;b", "V201", "geen CSV- of Excel-bestand"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_gets_its_message_and_changes_nothing(haarlem, case) -> None:
    name, build, code, words = MALFORMED[case]
    data = build(haarlem)
    before = _snapshot()
    response = upload(haarlem, name, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert code in body, case
    assert words.lower() in body.lower(), (case, re.findall(r"V\d{3}[^<]{0,160}", body))
    assert "Traceback" not in body
    assert "niets opgeslagen" in body.lower()
    assert _snapshot() == before


def test_problems_are_listed_by_sheet_row_and_column(haarlem) -> None:
    response = upload(haarlem, "h.csv", csv_with(haarlem, "dwellings", Waarde="veel").encode())
    issue = next(i for i in response.context["preview"].issues if i.code == "V001")
    assert (
        issue.location.sheet,
        issue.location.row,
        issue.location.column,
        issue.location.column_name,
    ) == (
        "CSV",
        4,
        "G",
        "Waarde",
    )
    body = response.content.decode()
    assert "<td>G (Waarde)</td>" in body


def test_every_problem_in_a_file_is_listed_at_once(haarlem) -> None:
    text = csv_with(haarlem, "population", Waarde="veel")
    text = text.replace(
        ";dwellings;Woningvoorraad;woningen;79.434;", ";dwellings;Woningvoorraad;woningen;-1;"
    )
    response = upload(haarlem, "h.csv", text.encode())
    assert {"V001", "V002"} <= {i.code for i in response.context["preview"].errors}


def test_a_locked_figure_cannot_be_imported(haarlem, locking_round) -> None:
    locking_round(2024)
    before = _snapshot()
    response = upload(haarlem, "h.csv", csv_with(haarlem, "mutations", Waarde="1.600").encode())
    assert response.status_code == 200
    assert "V012" in response.content.decode()
    assert _snapshot() == before


def test_amsterdam_officer_cannot_import_haarlem(client_for) -> None:
    haarlem_csv = download(client_for("beleid.haarlem"), TEMPLATE_CSV)
    amsterdam = client_for("beleid.amsterdam")
    before = _snapshot()
    response = upload(amsterdam, "haarlem.csv", haarlem_csv.replace(b";79.434;", b";80.000;"))
    assert response.status_code == 200
    assert "V210" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes_never_give_a_traceback(haarlem, seed) -> None:
    import random

    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
    for name in ("x.csv", "x.xlsx"):
        response = upload(haarlem, name, data)
        assert response.status_code == 200
