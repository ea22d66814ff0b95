"""The agreement template renders to a tagged PDF whose text holds every number and the digest."""

import shutil
import subprocess
from datetime import date

import pytest

from conftest import skip_or_fail
from reports.documents import (
    AgreementDocument,
    AgreementRow,
    CalculationLine,
    GroupSection,
    SourceLine,
)
from reports.pdf import render_pdf

DIGEST = "3f" * 32


def _document() -> AgreementDocument:
    rows = [
        AgreementRow("GM0392", "Haarlem", 41, 3, 44, "0,26"),
        AgreementRow("GM0397", "Heemstede", 7, 0, 7, "0,25"),
        AgreementRow("GM0377", "Bloemendaal", 6, -1, 5, "0,25"),
        AgreementRow("GM0473", "Zandvoort", 4, 0, 4, "0,23"),
    ]
    group = GroupSection(
        code="homeless",
        name="Dak- en thuislozen",
        unit="personen",
        definition="Mensen zonder eigen woonplek.",
        household_size="1,1",
        method=["Sleutel: 50% inwoners, 50% sociale huurwoningen."],
        rows=rows,
        subregion_total=58,
        mra_total=700,
        share_of_mra="8,3%",
        calculations=[
            CalculationLine("Haarlem", ("w = 0,0645", "quotum = 41,2345", "toegewezen 41"))
        ],
    )
    return AgreementDocument(
        title="Afspraken 2026–2027 Zuid-Kennemerland",
        scope="Zuid-Kennemerland",
        period="1 januari 2026 – 31 december 2027",
        parties=["Haarlem", "Heemstede", "Bloemendaal", "Zandvoort"],
        decision_date=date(2026, 11, 1),
        version=1,
        digest=DIGEST,
        groups=[group],
        sources=[SourceLine("Inwoners", "CBS StatLine 85984NED", date(2024, 1, 1))],
        clauses=["Gemeenten rapporteren elk kwartaal wat zij hebben gerealiseerd."],
    )


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        skip_or_fail(f"{name} is not installed (apt-get install -y poppler-utils)")
    assert path is not None
    return path


@pytest.mark.django_db
def test_agreement_pdf_is_tagged_and_holds_every_number(tmp_path) -> None:
    pdf = render_pdf("reports/agreement.html", {"doc": _document()}, title="test")
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for name in ("Haarlem", "Heemstede", "Bloemendaal", "Zandvoort"):
        assert name in text
    for number in ("41", "44", "58", "700", "8,3%"):
        assert number in text
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert all(DIGEST[:16] in p for p in pages)
    info = subprocess.run(
        [_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    assert "Page size:       595.276 x 841.89 pts (A4)" in info or "A4" in info
    assert f"Pages:           {len(pages)}" in info
