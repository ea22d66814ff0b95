"""Formula injection (issue 12): the figures template never holds a live formula, uploads
refuse text that starts like one, and a source cannot start with "=", "+" or "@"."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.tests.test_spreadsheet import PAYLOADS
from figures.models import PendingImport
from municipalities.models import MunicipalFigure
from target_groups.models import GroupFigure

from .conftest import form_data

pytestmark = pytest.mark.django_db

PREFIXES = sorted(PAYLOADS)
IMPORT = "/cijfers/import/"
TEMPLATES = {
    # name: (url, who downloads it)
    "csv of one municipality": ("/gemeenten/GM0392/cijfers/2024/sjabloon.csv", "beleid.haarlem"),
    "xlsx of one municipality": ("/gemeenten/GM0392/cijfers/2024/sjabloon.xlsx", "beleid.haarlem"),
    "csv of all municipalities": ("/cijfers/sjabloon/2024.csv", "programma"),
    "xlsx of all municipalities": ("/cijfers/sjabloon/2024.xlsx", "programma"),
}


def is_live_formula(text: str) -> bool:
    """What a spreadsheet would compute: text that starts with =, +, -, @, tab or CR and is
    not just a number. Written out here, independent of core.spreadsheet."""
    if not text or text[0] not in "=+-@\t\r":
        return False
    return re.fullmatch(r"[+-]?\d[\d.,]*", text.strip()) is None


def _plant_sources(payload: str) -> None:
    """The audit's attack: a source as a formula, stored as any earlier save left it."""
    MunicipalFigure.objects.filter(
        municipality__cbs_code="GM0392", year=2024, indicator__code="population"
    ).update(source=payload)
    GroupFigure.objects.filter(
        municipality__cbs_code="GM0392", year=2024, group__code="homeless"
    ).update(source=payload)


def _snapshot() -> tuple:
    return (
        list(MunicipalFigure.objects.order_by("pk").values()),
        list(GroupFigure.objects.order_by("pk").values()),
        MunicipalFigure.history.count(),
        GroupFigure.history.count(),
        PendingImport.objects.count(),
    )


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return response.content


# --- Export: the template --------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("export", sorted(TEMPLATES))
def test_the_template_holds_no_live_formula(client_for, export, prefix) -> None:
    payload = PAYLOADS[prefix]
    _plant_sources(payload)
    url, username = TEMPLATES[export]
    content = _download(client_for(username), url)
    if url.endswith(".csv"):
        rows = _csv_rows(content)
        header = rows[0]
        planted = [
            r
            for r in rows[1:]
            if r[0] == "GM0392" and r[header.index("Code")] in ("population", "homeless.demand")
        ]
        assert len(planted) == 2
        for row in planted:
            assert row[header.index("Bron")] == "'" + payload
        assert [c for r in rows for c in r if is_live_formula(c)] == []
        population = next(r for r in planted if r[header.index("Code")] == "population")
        assert population[header.index("Waarde")] == "167.636"  # numbers stay numbers
    else:
        workbook = load_workbook(io.BytesIO(content))
        cells = [c for ws in workbook.worksheets for r in ws.iter_rows() for c in r]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        assert [
            c.value for c in cells if isinstance(c.value, str) and is_live_formula(c.value)
        ] == []
        sheet = workbook["Cijfers"]
        header = [c.value for c in sheet[1]]
        planted = [
            r
            for r in sheet.iter_rows(min_row=2)
            if r[0].value == "GM0392" and r[header.index("Code")].value == "population"
        ]
        (row,) = planted
        source = row[header.index("Bron")]
        assert source.data_type == "s"
        # XML reads a carriage return back as a line feed.
        assert source.value == "'" + payload.replace("\r", "\n")
        assert row[header.index("Waarde")].value == 167636


# Sources as a save can leave them (forms, API and uploads trim tabs and line breaks).
STORED_SOURCES = [PAYLOADS["="], PAYLOADS["+"], PAYLOADS["-"], PAYLOADS["@"], "- zie bijlage"]


@pytest.mark.parametrize("source", STORED_SOURCES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_neutralised_template_uploaded_unchanged_changes_nothing(client_for, fmt, source) -> None:
    """The import removes the export's quote again: the sources read back as they are."""
    _plant_sources(source)
    haarlem = client_for("beleid.haarlem")
    data = _download(haarlem, f"/gemeenten/GM0392/cijfers/2024/sjabloon.{fmt}")
    before = _snapshot()
    response = haarlem.post(IMPORT, {"file": SimpleUploadedFile(f"h.{fmt}", data)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "geen wijzigingen" in body
    assert re.search(r"\bV[02]\d\d\b", body) is None
    assert _snapshot() == before


# --- Import: refused, with row and column, nothing saved --------------------------------------


def _expected_code(payload: str) -> str:
    return "V213" if payload.strip().startswith("=") else "V219"


def _edited_csv(client, column: str, value: str, code: str = "population"):
    rows = _csv_rows(_download(client, "/gemeenten/GM0392/cijfers/2024/sjabloon.csv"))
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if row[header.index("Code")] == code:
            row[header.index(column)] = value
            return _csv_bytes(rows), number, header.index(column)
    raise AssertionError(code)


def _edited_xlsx(client, column: str, value: str, code: str = "population", quote=False):
    data = _download(client, "/gemeenten/GM0392/cijfers/2024/sjabloon.xlsx")
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Cijfers"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("Code")].value == code:
            cell = row[header.index(column)]
            cell.value = value
            cell.data_type = "s"  # text, as a pasted value is (not a formula cell)
            cell.quotePrefix = quote
            out = io.BytesIO()
            workbook.save(out)
            return out.getvalue(), cell.row, header.index(column)
    raise AssertionError(code)


EDITORS = {"csv": _edited_csv, "xlsx": _edited_xlsx}


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("column", ["Bron", "Toelichting", "Waarde"])
def test_an_upload_with_text_that_starts_like_a_formula_is_refused(
    client_for, fmt, column, prefix
) -> None:
    from figures.importing import column_letter

    payload = PAYLOADS[prefix]
    haarlem = client_for("beleid.haarlem")
    data, row, index = EDITORS[fmt](haarlem, column, payload)
    before = _snapshot()
    response = haarlem.post(IMPORT, {"file": SimpleUploadedFile(f"h.{fmt}", data)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "niets opgeslagen" in body.lower()
    issues = [i for i in response.context["preview"].errors]
    code = _expected_code(payload)
    (issue,) = [i for i in issues if i.code == code]
    assert (issue.location.row, issue.location.column, issue.location.column_name) == (
        row,
        column_letter(index),
        column,
    )
    # The row is refused as a whole: no second message about the same cell.
    assert [i.code for i in issues] == [code]
    assert code in body
    assert f"<td>{column_letter(index)} ({column})</td>" in body
    assert issue.message in body.replace("&quot;", '"').replace("&#x27;", "'")
    assert _snapshot() == before


def test_a_negative_number_keeps_its_own_message(client_for) -> None:
    haarlem = client_for("beleid.haarlem")
    for fmt in ("csv", "xlsx"):
        data, _row, _index = EDITORS[fmt](haarlem, "Waarde", "-5", code="dwellings")
        before = _snapshot()
        response = haarlem.post(IMPORT, {"file": SimpleUploadedFile(f"h.{fmt}", data)})
        codes = [i.code for i in response.context["preview"].errors]
        assert codes == ["V002"], fmt
        assert _snapshot() == before


@pytest.mark.parametrize("payload", ["\tcmd|' /C calc'!A0", "\rcmd|' /C calc'!A0"])
def test_a_tab_or_line_break_at_the_start_is_refused_too(client_for, payload) -> None:
    haarlem = client_for("beleid.haarlem")
    data, row, _index = _edited_csv(haarlem, "Bron", payload)
    before = _snapshot()
    response = haarlem.post(IMPORT, {"file": SimpleUploadedFile("h.csv", data)})
    (issue,) = response.context["preview"].errors
    assert (issue.code, issue.location.row, issue.location.column_name) == ("V219", row, "Bron")
    assert issue.params["raw"] == "cmd|' /C calc'!A0"
    assert _snapshot() == before


def test_a_lone_dash_is_not_a_formula(client_for) -> None:
    haarlem = client_for("beleid.haarlem")
    data, _row, _index = _edited_csv(haarlem, "Waarde", "-", code="dwellings")
    response = haarlem.post(IMPORT, {"file": SimpleUploadedFile("h.csv", data)})
    assert [i.code for i in response.context["preview"].errors] == ["V001"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_quoted_text_is_read_without_its_quote(client_for, fmt) -> None:
    """ "'- zie bijlage" (the export's own form, or Excel's quote prefix) is plain text."""
    haarlem = client_for("beleid.haarlem")
    if fmt == "csv":
        data, _row, _index = _edited_csv(haarlem, "Bron", "'- zie bijlage")
    else:
        data, _row, _index = _edited_xlsx(haarlem, "Bron", "- zie bijlage", quote=True)
    response = haarlem.post(IMPORT, {"file": SimpleUploadedFile(f"h.{fmt}", data)})
    assert response.status_code == 302
    preview = haarlem.get(response["Location"]).context["preview"]
    (change,) = preview.changes
    assert change.change.key == "population"
    assert change.change.new_source == "- zie bijlage"


def test_excel_quote_prefix_does_not_let_a_formula_source_through(client_for) -> None:
    haarlem = client_for("beleid.haarlem")
    data, _row, _index = _edited_xlsx(haarlem, "Bron", "=HYPERLINK(1)", quote=True)
    before = _snapshot()
    response = haarlem.post(IMPORT, {"file": SimpleUploadedFile("h.xlsx", data)})
    assert [i.code for i in response.context["preview"].errors] == ["V015"]
    assert _snapshot() == before


# --- Input: a source cannot start with =, + or @ ---------------------------------------------


@pytest.fixture
def api_haarlem(user_named) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user_named("beleid.haarlem"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _population_version() -> int:
    return MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", year=2024, indicator__code="population"
    ).version


@pytest.mark.parametrize("prefix", ["=", "+", "@"])
def test_the_api_refuses_a_source_that_starts_like_a_formula(api_haarlem, prefix) -> None:
    payload = PAYLOADS[prefix]
    before = _snapshot()
    response = api_haarlem.patch(
        "/api/v1/figures/GM0392/2024/",
        {
            "indicators": {
                "population": {
                    "value": "167636",
                    "source": payload,
                    "reference_date": "2024-01-01",
                    "version": _population_version(),
                }
            }
        },
        format="json",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "V015"
    assert "cannot start with “=”, “+” or “@”" in error["message"]
    assert _snapshot() == before


@pytest.mark.parametrize("source", ["- zie bijlage", "\t=1+1"])
def test_the_api_keeps_a_dash_and_trims_white_space(api_haarlem, source) -> None:
    """A leading dash stays allowed in free text; tab and CR are trimmed away, so that
    "\\t=1+1" is refused as "=1+1"."""
    response = api_haarlem.patch(
        "/api/v1/figures/GM0392/2024/",
        {
            "indicators": {
                "population": {
                    "value": "167636",
                    "source": source,
                    "reference_date": "2024-01-01",
                    "version": _population_version(),
                }
            }
        },
        format="json",
    )
    if source.startswith("-"):
        assert response.status_code == 200, response.json()
        assert (
            MunicipalFigure.objects.get(
                municipality__cbs_code="GM0392", year=2024, indicator__code="population"
            ).source
            == source
        )
    else:
        assert response.status_code == 400
        assert [e["code"] for e in response.json()["errors"]] == ["V015"]


@pytest.mark.parametrize("prefix", ["=", "+", "@"])
def test_the_form_refuses_a_source_that_starts_like_a_formula(client_for, prefix) -> None:
    data = {**form_data("GM0392", 2024), "population-source": PAYLOADS[prefix]}
    before = _snapshot()
    response = client_for("beleid.haarlem").post("/gemeenten/GM0392/cijfers/2024/bewerken/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "V015" in body
    assert _snapshot() == before
