"""The agreement template renders to a tagged A4 PDF whose text holds every number, party,
article and the controlecode on every page (a hand-made document, no database numbers)."""

import shutil
import subprocess

import pytest

from conftest import skip_or_fail
from reports.documents import (
    AgreementDocument,
    CalculationTable,
    GroupSection,
    MunicipalitySummary,
    NumberRow,
    Party,
    SourceLine,
    SummaryItem,
    TransferLine,
)
from reports.pdf import read_digest, read_keyword, render_pdf

DIGEST = "3f" * 32
NUMBERS = "7a" * 32


def _row(code: str, name: str, n: int, transfer: int = 0) -> NumberRow:
    agreed = n + transfer
    return NumberRow(
        code=code,
        name=name,
        subregion="Zuid-Kennemerland",
        allocation=n,
        computed=n,
        backlog=0,
        transfer=transfer,
        agreed=agreed,
        per_year=(agreed - agreed // 2, agreed // 2),
        per_1000="0,26",
    )


def _document() -> AgreementDocument:
    rows = [
        _row("GM0392", "Haarlem", 41, -5),
        _row("GM0397", "Heemstede", 7),
        _row("GM0377", "Bloemendaal", 6),
        _row("GM0473", "Zandvoort", 4),
    ]
    group = GroupSection(
        code="homeless",
        name="Dak- en thuislozen",
        unit="personen",
        definition="Mensen zonder eigen woonplek.",
        mode="Verdeeld over de gemeenten met een verdeelsleutel.",
        household_size="1,1",
        method=["Verdeelsleutel: 50% inwoners en 50% sociale huurwoningen."],
        rows=rows,
        total=53,
        total_per_year=(28, 25),
        mra_total=700,
        share_of_mra="7,6%",
        calculation=CalculationTable(
            intro=("T = 700 personen voor de hele periode.",),
            columns=("Aandeel volgens de sleutel a", "Plaats van de rest", "n"),
            rows=(("Haarlem", ("41,234500", "12", "41")),),
        ),
        has_transfers=True,
    )
    municipality = Party(
        name="Het college van burgemeester en wethouders van de gemeente Haarlem",
        short="Gemeente Haarlem",
        represented_by="de wethouder",
        kind="gemeente",
        role="partij",
    )
    return AgreementDocument(
        title="Regionale afspraken Een thuis voor iedereen, Zuid-Kennemerland, 2026–2027",
        scope="Zuid-Kennemerland",
        period_label="2026–2027",
        period="1 januari 2026 tot en met 31 december 2027",
        start="1 januari 2026",
        end="31 december 2027",
        years=(2026, 2027),
        version=1,
        decision_date="1 november 2026",
        digest=DIGEST,
        run_digest="ab" * 32,
        round_name="Afspraken 2026–2027",
        scenario_name="Gemengd",
        reference_year=2024,
        is_mra=False,
        municipalities=[municipality],
        partners=[
            Party(
                name="Woningcorporatie Voorbeeld",
                short="Woningcorporatie Voorbeeld",
                represented_by="de directeur",
                kind="woningcorporatie",
                role="medeondertekenaar",
            )
        ],
        observers=[
            Party(
                name="Gedeputeerde Staten van de provincie Noord-Holland",
                short="Provincie Noord-Holland",
                represented_by="de gedeputeerde",
                kind="provincie",
                role="waarnemer",
                signs=False,
            )
        ],
        chair=Party(
            name="De stuurgroep",
            short="Stuurgroep",
            represented_by="de voorzitter",
            kind="stuurgroep",
            role="partij",
        ),
        considerations=["Het programma Een thuis voor iedereen."],
        definitions=["Gerealiseerd: een persoon die een woning kreeg."],
        conditions=["Huisvesting gaat samen met zorg."],
        summaries=[
            MunicipalitySummary(
                code="GM0392",
                name="Haarlem",
                subregion="Zuid-Kennemerland",
                items=[
                    SummaryItem(
                        group="Dak- en thuislozen",
                        unit="personen",
                        agreed=36,
                        per_year=(18, 18),
                        sentence="36 personen uit de groep dak- en thuislozen.",
                        change="",
                    )
                ],
            )
        ],
        groups=[group],
        transfers=[
            TransferLine(
                group="Dak- en thuislozen",
                unit="personen",
                giver="Haarlem",
                taker="Amsterdam",
                amount=5,
                sentence="Amsterdam neemt van Haarlem 5 personen over.",
            )
        ],
        sources=[SourceLine("Inwoners", "CBS StatLine 85984NED", "1 januari 2024")],
    )


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        skip_or_fail(f"{name} is not installed (apt-get install -y poppler-utils)")
    assert path is not None
    return path


@pytest.mark.django_db
def test_agreement_pdf_is_tagged_and_holds_every_number_and_the_controlecode(tmp_path) -> None:
    pdf = render_pdf(
        "reports/agreement.html", {"doc": _document(), "numbers_digest": NUMBERS}, title="test"
    )
    assert read_digest(pdf) == DIGEST
    assert read_keyword(pdf, "mra-cijfers") == NUMBERS
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for name in ("Haarlem", "Heemstede", "Bloemendaal", "Zandvoort"):
        assert name in text
    assert "Haarlem" in text
    assert "−5" in text
    for number in ("36", "53", "700", "7,6%", "41,234500"):
        assert number in text
    assert "Aandeel volgens de sleutel a" in text
    assert "Quotum" not in text
    for expected in (
        "Partijen",
        "Overwegingen",
        "Artikel 1. Begrippen",
        "Artikel 10. Looptijd en inwerkingtreding",
        "Woningcorporatie Voorbeeld",
        "Provincie Noord-Holland",
        "Handtekening",
        "Bijlage",
    ):
        assert expected in text, expected
    pages = [p for p in text.split("\f") if p.strip()]
    assert all(f"Controlecode {DIGEST}" in p for p in pages)
    assert all(f"Pagina {n} van {len(pages)}" in p for n, p in enumerate(pages, 1))
    info = subprocess.run(
        [_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    assert "A4" in info
    assert f"Pages:           {len(pages)}" in info
