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
from reports.selectors import nl_number

from .conftest import pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def _write(tmp_path, doc: AgreementDocument):
    path = tmp_path / f"{doc.scope_slug}.pdf"
    path.write_bytes(bytes(doc.pdf))
    return path


def _rows(run, subregion_name: str | None):
    """(group, municipality name, agreed, backlog, total, per 1,000) per stored allocation."""
    for code, data in run.results["groups"].items():
        for a in data["result"]["allocations"]:
            if subregion_name is None or a["subregion"] == subregion_name:
                yield (
                    code,
                    a["name"],
                    a["allocation"],
                    a["backlog"],
                    a["total_with_backlog"],
                    nl_number(a["steps"]["per_1000_inhabitants"], 2),
                )


def _pages(text: str) -> list[str]:
    return [p for p in text.split("\f") if p.strip()]


def test_an_adopted_round_gets_one_ready_pdf_per_subregion_and_one_for_the_mra(
    generated_round,
) -> None:
    docs = list(AgreementDocument.objects.filter(round=generated_round))
    assert len(docs) == 8
    assert {d.subregion.slug if d.subregion else "mra" for d in docs} == {
        "mra",
        *SubRegion.objects.values_list("slug", flat=True),
    }
    for doc in docs:
        assert doc.status == DocumentStatus.READY, doc.error_message
        assert doc.run_digest == generated_round.agreed_run.digest
        assert doc.sha256 == hashlib.sha256(bytes(doc.pdf)).hexdigest()


def test_each_subregion_pdf_holds_its_municipalities_agreed_numbers_and_digest_on_every_page(
    generated_round, tmp_path
) -> None:
    run = generated_round.agreed_run
    for doc in AgreementDocument.objects.filter(round=generated_round, subregion__isnull=False):
        path = _write(tmp_path, doc)
        text = pdf_text(path)
        info = pdf_info(path)
        pages = _pages(text)
        assert "Tagged:          yes" in info
        assert "(A4)" in info
        assert f"Pages:           {doc.page_count}" in info
        assert len(pages) == doc.page_count >= 3
        assert all(run.digest in page for page in pages), doc
        assert all(f"Pagina {n} van {doc.page_count}" in p for n, p in enumerate(pages, 1))
        names = Municipality.objects.filter(subregion=doc.subregion).values_list("name", flat=True)
        assert names
        for name in names:
            assert name in text, (doc, name)
        rows = list(_rows(run, doc.subregion.name))
        assert len(rows) == 7 * len(names)
        for _code, name, agreed, backlog, total, per_1000 in rows:
            pattern = rf"{re.escape(name)}\s+{agreed}\s+{backlog}\s+{total}\s+{re.escape(per_1000)}"
            assert re.search(pattern, text), (doc, name, agreed, total)
        # The sub-region totals and its share of the MRA, per group.
        for code, data in run.results["groups"].items():
            allocations = data["result"]["allocations"]
            mine = sum(
                a["total_with_backlog"] for a in allocations if a["subregion"] == doc.subregion.name
            )
            everyone = sum(a["total_with_backlog"] for a in allocations)
            share = nl_number(Decimal(100) * mine / everyone, 1) + "%"
            # A long name wraps in its cell: its first word stays on the line of the numbers.
            first = re.escape(doc.subregion.name.split()[0].split("-")[0])
            pattern = rf"Totaal {first}[^\n]*?\s{mine}\s+{re.escape(share)} van de"
            assert re.search(pattern, text), (doc, code)


def test_the_mra_pdf_holds_all_30_municipalities_and_the_totals_per_subregion(
    generated_round, tmp_path
) -> None:
    run = generated_round.agreed_run
    doc = AgreementDocument.objects.get(round=generated_round, subregion__isnull=True)
    text = pdf_text(_write(tmp_path, doc))
    pages = _pages(text)
    assert len(pages) == doc.page_count
    assert all(run.digest in page for page in pages)
    rows = list(_rows(run, None))
    assert len({r[1] for r in rows}) == 30
    for _code, name, agreed, backlog, total, per_1000 in rows:
        pattern = (
            rf"{re.escape(name)}\s+.*?\s+{agreed}\s+{backlog}\s+{total}\s+{re.escape(per_1000)}"
        )
        assert re.search(pattern, text), (name, agreed)
    for sub in SubRegion.objects.all():
        assert sub.name in text
    assert "Totaal MRA" in text


def test_an_agreement_holds_parties_period_method_clauses_signatures_and_appendix(
    generated_round, tmp_path
) -> None:
    doc = AgreementDocument.objects.get(round=generated_round, subregion__slug="zuid-kennemerland")
    text = pdf_text(_write(tmp_path, doc))
    for expected in (
        "Zuid-Kennemerland",
        "1 januari 2026 – 31 december 2027",
        "Partijen",
        "Vastgesteld op",
        "Versie",
        "Verdeelsleutel: 50% inwoners, 50% sociale huurwoningen",
        "Bronnen",
        "Rapportage en herziening",
        "Gemeente Haarlem",
        "Gemeente Zandvoort",
        "Handtekening",
        "Bijlage",
        "Sleutel w =",
        "Quotum a =",
    ):
        assert expected in text, expected


def test_illustrative_demo_figures_are_marked_in_the_pdf(generated_round, tmp_path) -> None:
    doc = AgreementDocument.objects.get(round=generated_round, subregion__slug="ijmond")
    text = pdf_text(_write(tmp_path, doc))
    assert "Illustratief, vervang door eigen cijfers" in text
    assert "ILLUSTRATIEF" in text  # in the header of every page


def test_the_digest_is_in_the_pdf_metadata(generated_round, tmp_path) -> None:
    doc = AgreementDocument.objects.get(round=generated_round, subregion__slug="amsterdam")
    info = pdf_info(_write(tmp_path, doc))
    assert f"mra-digest:{generated_round.agreed_run.digest}" in info


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
        f'<html lang="nl"><head><title>x</title><meta name="keywords" content="mra-digest:{other}">'
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
