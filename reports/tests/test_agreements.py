"""The PDF agreements of an adopted round, read back with pdftotext and pdfinfo: every
municipality and agreed number of the agreed run, the digest on every page, tagged A4."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from municipalities.models import Municipality, SubRegion
from reports.models import AgreementDocument, DocumentStatus
from reports.pdf import html_to_pdf, read_digest
from reports.selectors import agreed_result, nl_number
from reports.wording import nl_signed

from .conftest import pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def _write(tmp_path, doc: AgreementDocument):
    path = tmp_path / f"{doc.scope_slug}.pdf"
    path.write_bytes(bytes(doc.pdf))
    return path


def _lines(round_, subregion_name: str | None):
    """Per agreed line of the scope: (group, line, per 1,000 formatted as the PDF does)."""
    agreed = agreed_result(round_)
    run = round_.agreed_run
    for code, group in agreed.groups.items():
        stored = {a["code"]: a for a in run.results["groups"][code]["result"]["allocations"]}
        for line in group.lines:
            if subregion_name is None or line.subregion == subregion_name:
                population = Decimal(
                    stored[line.code]["steps"]["indicators"]["population"]["value"]
                )
                yield code, line, nl_number(Decimal(line.agreed) * 1000 / population, 2)


def _row_pattern(line, per_1000: str, changes: bool = False) -> str:
    """A municipality's row in article 2; the share, backlog and transfer columns are only
    there when some agreed number of the document differs from its share."""
    numbers = [line.allocation, line.backlog, nl_signed(line.transfer)] if changes else []
    numbers += [line.agreed, *line.per_year]
    joined = r"\s+".join(re.escape(str(n)) for n in numbers)
    return rf"{re.escape(line.name)}\s+{joined}\s+{re.escape(per_1000)}"


def _pages(text: str) -> list[str]:
    return [p for p in text.split("\f") if p.strip()]


def test_an_adopted_round_gets_one_ready_pdf_per_subregion_and_one_for_the_mra(
    generated_round,
) -> None:
    docs = list(AgreementDocument.objects.filter(round=generated_round))
    agreed = agreed_result(generated_round)
    assert len(docs) == 8
    assert {d.subregion.slug if d.subregion else "mra" for d in docs} == {
        "mra",
        *SubRegion.objects.values_list("slug", flat=True),
    }
    for doc in docs:
        assert doc.status == DocumentStatus.READY, doc.error_message
        assert doc.run_digest == generated_round.agreed_run.digest
        assert doc.digest == agreed.digest
        assert doc.sha256 == hashlib.sha256(bytes(doc.pdf)).hexdigest()


def test_each_subregion_pdf_holds_its_municipalities_agreed_numbers_and_controlecode(
    generated_round, tmp_path
) -> None:
    agreed = agreed_result(generated_round)
    for doc in AgreementDocument.objects.filter(round=generated_round, subregion__isnull=False):
        path = _write(tmp_path, doc)
        text = pdf_text(path)
        info = pdf_info(path)
        pages = _pages(text)
        assert "Tagged:          yes" in info
        assert "(A4)" in info
        assert f"Pages:           {doc.page_count}" in info
        assert len(pages) == doc.page_count >= 3
        assert all(f"Controlecode {agreed.digest}" in page for page in pages), doc
        assert all(f"Pagina {n} van {doc.page_count}" in p for n, p in enumerate(pages, 1))
        names = Municipality.objects.filter(subregion=doc.subregion).values_list("name", flat=True)
        assert names
        for name in names:
            assert f"Gemeente {name}: wat wij afspreken" in text, (doc, name)
        lines = list(_lines(generated_round, doc.subregion.name))
        assert len(lines) == len(agreed.groups) * len(names)
        changes = any(line.backlog or line.transfer for _c, line, _p in lines)
        for _code, line, per_1000 in lines:
            assert re.search(_row_pattern(line, per_1000, changes), text), (doc, line)
        # The sub-region totals and its share of the MRA, per group.
        for group in agreed.groups.values():
            mine = sum(x.agreed for x in group.for_subregion(doc.subregion.name))
            share = nl_number(Decimal(100) * mine / group.total, 1) + "%"
            # The sub-region's name may wrap in its cell, below "Totaal".
            pattern = rf"Totaal [^%]*?\b{mine} (?:\d+ )*{re.escape(share)} van de MRA"
            assert re.search(pattern, " ".join(text.split())), (doc, group.code)


def test_the_mra_pdf_holds_all_30_municipalities_and_the_totals_per_subregion(
    generated_round, tmp_path
) -> None:
    agreed = agreed_result(generated_round)
    doc = AgreementDocument.objects.get(round=generated_round, subregion__isnull=True)
    text = pdf_text(_write(tmp_path, doc))
    pages = _pages(text)
    assert len(pages) == doc.page_count
    assert all(agreed.digest in page for page in pages)
    lines = list(_lines(generated_round, None))
    assert len({line.code for _c, line, _p in lines}) == 30
    changes = any(line.backlog or line.transfer for _c, line, _p in lines)
    for _code, line, per_1000 in lines:
        assert re.search(_row_pattern(line, per_1000, changes), text), line
    for sub in SubRegion.objects.all():
        assert sub.name in text
    assert "Totaal MRA" in text


def test_an_agreement_holds_parties_period_articles_signatures_and_appendix(
    generated_round, tmp_path
) -> None:
    doc = AgreementDocument.objects.get(round=generated_round, subregion__slug="zuid-kennemerland")
    text = pdf_text(_write(tmp_path, doc))
    flat = " ".join(text.split())
    for expected in (
        "Regionale afspraken Een thuis voor iedereen, Zuid-Kennemerland, 2026–2027",
        "1 januari 2026 tot en met 31 december 2027",
        "Partijen",
        "Vastgesteld door de stuurgroep op",
        "Versie",
        "Controlecode",
        "Overwegingen",
        "Artikel 1. Begrippen",
        "Artikel 2. Afgesproken aantallen",
        "Artikel 3. Overdrachten tussen gemeenten",
        "Artikel 9. Wat geldt zonder afspraken: de terugvalregel",
        "Verdeelsleutel: 50% inwoners en 50% sociale huurwoningen",
        "Bronnen en peildata",
        "Gemeente Haarlem",
        "Gemeente Zandvoort",
        "Provincie Noord-Holland",
        "Handtekening",
        "Bijlage",
        "Sleutel w",
        "Aandeel volgens de sleutel a",
        "Zo lees je de tabellen per doelgroep",
    ):
        assert expected in flat, expected
    assert "Quotum" not in text  # plain Dutch in the appendix
    assert "Afspraken fair share" not in text  # the title is not doubled any more
    # The title heads the document and names it in article 10.
    assert flat.count("Regionale afspraken Een thuis voor iedereen, Zuid-Kennemerland") >= 2


def test_illustrative_demo_figures_are_marked_in_the_pdf(generated_round, tmp_path) -> None:
    doc = AgreementDocument.objects.get(round=generated_round, subregion__slug="ijmond")
    text = pdf_text(_write(tmp_path, doc))
    assert "Illustratief, vervang door eigen cijfers" in text
    assert "ILLUSTRATIEF" in text  # in the header of every page


def test_the_approved_digest_is_in_the_pdf_metadata(generated_round, tmp_path) -> None:
    doc = AgreementDocument.objects.get(round=generated_round, subregion__slug="amsterdam")
    info = pdf_info(_write(tmp_path, doc))
    assert f"mra-controlecode:{agreed_result(generated_round).digest}" in info


def test_verify_agreement_accepts_a_stored_pdf(generated_round, tmp_path, capsys) -> None:
    doc = AgreementDocument.objects.get(round=generated_round, subregion__slug="amsterdam")
    call_command("verify_agreement", str(_write(tmp_path, doc)))
    out = capsys.readouterr().out
    assert "VALID" in out
    assert "SHA-256 matches the stored agreement of Amsterdam" in out
    assert generated_round.name in out


def test_verify_agreement_rejects_a_pdf_whose_digest_is_not_adopted(
    generated_round, tmp_path
) -> None:
    other = "0" * 64
    forged = html_to_pdf(
        f'<html lang="nl"><head><title>x</title><meta name="keywords" content="mra-controlecode:{other}">'
        "</head><body><p>Nagemaakt</p></body></html>",
        title="forged",
    )
    assert read_digest(forged) == other
    path = tmp_path / "forged.pdf"
    path.write_bytes(forged)
    with pytest.raises(CommandError, match="NOT VALID") as excinfo:
        call_command("verify_agreement", str(path))
    assert excinfo.value.returncode == 1


def test_verify_agreement_says_when_a_file_is_not_a_pdf_or_missing(tmp_path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("hello")
    with pytest.raises(CommandError, match="not a PDF") as excinfo:
        call_command("verify_agreement", str(path))
    assert excinfo.value.returncode == 2
    with pytest.raises(CommandError, match="Cannot read") as excinfo:
        call_command("verify_agreement", str(tmp_path / "missing.pdf"))
    assert excinfo.value.returncode == 2


def test_maatwerk_warnings_stand_in_dutch_above_the_groups_table(generated_round, tmp_path) -> None:
    # The factory spreads every group with one key: the statutory task of status holders and
    # the groups that spreading does not suit are warned about (allocation.selectors).
    doc = AgreementDocument.objects.get(round=generated_round, subregion__slug="ijmond")
    text = " ".join(pdf_text(_write(tmp_path, doc)).split())
    assert "de taak staat in de wet (Huisvestingswet 2014, artikel 28 en 29)" in text
    assert "spreiden past minder bij deze groep" in text
