"""`manage.py demo_data` ships every stage at once (issue 11, acceptance 2 and 3): an adopted
earlier round with an accepted transfer, its PDF agreements and a quarter of monitoring,
beside the open current round. Every demo PDF is a Dutch agreement: no English, no decimal
point, the considerations, the articles, every party and the unit of each group."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from agreements import selectors as agreement_selectors
from agreements.models import Approval, PartnerRole
from agreements.standing_texts import DEFAULTS, paragraphs
from allocation.models import Round, RoundStatus
from conftest import skip_or_fail
from home.demo import EARLIER_ROUND_NAME, OBJECTION, TRANSFER_AMOUNT
from monitoring.models import Realisation
from municipalities.models import Municipality, SubRegion
from reports.models import AgreementDocument, DocumentStatus
from reports.wording import unit_label

pytestmark = pytest.mark.django_db

# English that must never reach an agreement (whole words, any case). "fair share" is the
# Dutch policy term of the programme and is allowed.
ENGLISH = [
    "remainder",
    "remainders",
    "seat",
    "seats",
    "floor",
    "the tasks need",
    "digest",
    "quota",
    "households",
    "household",
    "largest",
    "rounding",
    "key",
    "weight",
    "weights",
    "bound",
    "bounds",
    "backlog",
    "agreed",
    "agreement",
    "municipality",
    "municipalities",
    "target group",
    "page",
    "of the",
    "per year",
    "total",
    "none",
    "true",
    "false",
    "considerations",
    "definitions",
    "conditions",
    "persons",
    "beds",
    "pitches",
    "units",
    "illustrative",
    "statutory",
    "spread",
    "own demand",
]
# A decimal point in a number: a dot between digits that is not a Dutch thousands separator
# (exactly three digits after it, as in 1.234 or 12.345.678).
DECIMAL_POINT = re.compile(r"\d\.(?!\d{3}(?!\d))\d")
ARTICLES = [
    "Overwegingen",
    "Artikel 1. Begrippen",
    "Artikel 2. Afgesproken aantallen",
    "Artikel 3. Overdrachten tussen gemeenten",
    "Artikel 4. Voorwaarden",
    "Artikel 5. Monitoring en rapportage",
    "Artikel 6. Achterstand en voorsprong",
    "Artikel 7. Herziening",
    "Artikel 8. Escalatie en geschillen",
    "Artikel 9. Wat geldt zonder afspraken: de terugvalregel",
    "Artikel 10. Looptijd en inwerkingtreding",
    "Ondertekening",
    "Bijlage. Methode, bronnen en de berekening van ieder aantal",
]


def test_the_decimal_point_pattern_tells_decimals_from_thousands() -> None:
    for bad in ("0.5", "12.34", "1.2345", "3.14159", "1.0"):
        assert DECIMAL_POINT.search(bad), bad
    for good in ("1.234", "12.345.678", "0,5", "2.607.523 inwoners", "art. 29", "1.234,56"):
        assert not DECIMAL_POINT.search(good), good


def _text(pdf: bytes, tmp_path, name: str) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        skip_or_fail("pdftotext is not installed (apt-get install -y poppler-utils)")
    assert tool is not None
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(  # noqa: S603 - fixed tool, our own file
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _flat(text: str) -> str:
    """The text with every run of white space (line ends, layout columns) as one space."""
    return " ".join(text.split())


def test_demo_data_ships_an_adopted_earlier_round_beside_the_open_current_one_twice(
    settings, tmp_path
) -> None:
    settings.DEBUG = True
    settings.REDIS_URL = ""  # as `make run`: no worker, so the demo makes its PDFs itself
    out = StringIO()
    call_command("demo_data", stdout=out)
    message = out.getvalue()

    earlier = Round.objects.get(name=EARLIER_ROUND_NAME)
    assert earlier.status == RoundStatus.AGREED
    agreed = agreement_selectors.agreed_result(earlier)
    assert [t["amount"] for t in agreed.transfers] == [TRANSFER_AMOUNT]
    assert agreed.number("homeless", "GM0392") == next(
        line.computed - TRANSFER_AMOUNT
        for line in agreed.groups["homeless"].lines
        if line.code == "GM0392"
    )
    objection = Approval.objects.get(proposal__round=earlier, decision="object")
    assert objection.reason == OBJECTION
    assert Realisation.objects.filter(round=earlier, status="confirmed").count() >= 7
    docs = list(AgreementDocument.objects.filter(round=earlier))
    assert len(docs) == 8
    assert all(d.status == DocumentStatus.READY for d in docs), [d.error_message for d in docs]
    assert all(d.digest == agreed.digest for d in docs)
    current = Round.objects.exclude(pk=earlier.pk).get(name="Afspraken 2026–2027")
    assert current.status == RoundStatus.DRAFT

    # The message is true: the adopted round is never called "not computed".
    earlier_line = next(line for line in message.splitlines() if EARLIER_ROUND_NAME in line)
    assert "not computed" not in earlier_line
    assert "8 of 8 PDF agreements ready" in earlier_line
    assert "1 accepted transfer" in earlier_line

    # Every demo PDF is a Dutch agreement with everything DOMAIN.md 6 lists.
    texts = agreement_selectors.standing_texts(earlier)
    groups = list(agreed.groups.values())
    for doc in docs:
        scope = doc.subregion.name if doc.subregion else "Metropoolregio Amsterdam"
        text = _text(bytes(doc.pdf), tmp_path, doc.scope_slug)
        flat = _flat(text)
        for phrase in ENGLISH:
            assert not re.search(rf"\b{re.escape(phrase)}\b", flat, re.IGNORECASE), (scope, phrase)
        decimals = DECIMAL_POINT.findall(text)
        assert not decimals, (scope, decimals[:5])
        assert f"Regionale afspraken Een thuis voor iedereen, {scope}, 2024–2025" in flat
        assert f"Controlecode {agreed.digest}" in text
        for article in ARTICLES:
            assert article in flat, (scope, article)
        for kind in ("considerations", "definitions", "conditions"):
            for paragraph in texts[kind].paragraphs:
                assert paragraph[:60] in flat, (scope, kind, paragraph[:60])
        municipalities = Municipality.objects.filter(
            **({"subregion": doc.subregion} if doc.subregion else {})
        )
        for m in municipalities:
            assert f"Gemeente {m.name}" in flat, (scope, m.name)
            assert f"burgemeester en wethouders van de gemeente {m.name}" in flat
        subregions = [doc.subregion] if doc.subregion else list(SubRegion.objects.all())
        for sub in subregions:
            for partner in sub.agreement_partners.filter(role=PartnerRole.CO_SIGNER):
                assert partner.name in flat, (scope, partner.name)
        provinces = {m.get_province_display() for m in municipalities}
        for province in provinces:
            assert f"Provincie {province}" in flat, (scope, province)
        assert "De stuurgroep Een thuis voor iedereen" in flat
        for group in groups:
            unit = unit_label(group.group.unit)
            assert f"{group.group.name_nl} ({unit})" in flat, (scope, group.code, unit)
        # Units per group, never "huishoudens" for all: only the urgent cases are households.
        reporting = flat.split("Artikel 5. Monitoring en rapportage", 1)[1].split("Artikel 6.", 1)[
            0
        ]
        # The page's margin line can fall inside the sentence.
        reporting = re.sub(
            r"(ILLUSTRATIEF )?Controlecode [0-9a-f]{64} Pagina \d+ van \d+ ", "", reporting
        )
        for group in groups:
            unit = unit_label(group.group.unit)
            assert f"{group.group.name_nl.lower()} in {unit}" in reporting, (scope, unit)
        assert reporting.count(" in huishoudens") == sum(
            1 for g in groups if g.group.unit == "households"
        )
    assert texts["considerations"].version == 1  # the defaults, frozen at adoption
    assert paragraphs(texts["considerations"].body) == paragraphs(DEFAULTS["considerations"])

    # A second `make run` neither fails nor duplicates anything, and still tells the truth.
    counts = _counts()
    ready = {d.pk: d.sha256 for d in AgreementDocument.objects.all()}
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert _counts() == counts
    assert {d.pk: d.sha256 for d in AgreementDocument.objects.all()} == ready
    last = next(line for line in out.getvalue().splitlines() if line.startswith("Current round"))
    assert "Afspraken 2026–2027" in last
    assert "(not computed yet)" in last  # the open current round is indeed not computed


def _counts() -> dict[str, int]:
    return {
        "rounds": Round.objects.count(),
        "documents": AgreementDocument.objects.count(),
        "approvals": Approval.objects.count(),
        "realisations": Realisation.objects.count(),
        "partners": sum(s.agreement_partners.count() for s in SubRegion.objects.all()),
    }
