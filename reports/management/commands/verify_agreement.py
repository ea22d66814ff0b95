"""Check a PDF agreement against the database.

    python manage.py verify_agreement afspraken.pdf

Reads the digest from the PDF (its metadata keywords ``mra-digest:<hex>``), finds the round
whose adopted computation has that digest, and checks that it is still the round's agreed
computation; also compares the file's SHA-256 with the stored PDF. Exit codes: 0 the PDF
holds the adopted numbers (and is the stored file, or a copy of another rendering of the
same numbers: then a note); 1 it does not match; 2 the file cannot be read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from allocation.models import Round, RunStatus, ScenarioRun
from reports.models import AgreementDocument, DocumentStatus
from reports.pdf import read_digest


class Command(BaseCommand):
    help = "Verify a PDF agreement against the adopted computation in the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the PDF agreement to check")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}", returncode=2) from None
        if not content.startswith(b"%PDF-"):
            raise CommandError(f"{path} is not a PDF file.", returncode=2)
        digest = read_digest(content)
        if digest is None:
            raise CommandError(
                f"{path} holds no agreement digest: it is not an agreement made by this app.",
                returncode=1,
            )
        self.stdout.write(f"Digest in the PDF: {digest}")
        run = ScenarioRun.objects.filter(digest=digest, status=RunStatus.SUCCEEDED).first()
        if run is None:
            raise CommandError(
                "NOT VALID: no computation in the database has this digest.", returncode=1
            )
        rounds = list(Round.objects.filter(agreed_run=run))
        if not rounds:
            raise CommandError(
                f"NOT VALID: computation {run.pk} with this digest is not the adopted "
                "computation of any round.",
                returncode=1,
            )
        round_ = rounds[0]
        self.stdout.write(
            f"Round: {round_.name} (id {round_.pk}, version {round_.version}, "
            f"status {round_.status}); adopted computation {run.pk}."
        )
        sha256 = hashlib.sha256(content).hexdigest()
        stored = (
            AgreementDocument.objects.filter(
                round=round_, status=DocumentStatus.READY, sha256=sha256
            )
            .select_related("subregion")
            .defer("pdf")
            .first()
        )
        if stored is not None:
            scope = stored.subregion.name if stored.subregion else "whole MRA"
            self.stdout.write(f"SHA-256 matches the stored agreement of {scope}.")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Note: SHA-256 {sha256} is not one of the stored PDFs of this round; "
                    "its digest does match the adopted computation."
                )
            )
        self.stdout.write(
            self.style.SUCCESS("VALID: this PDF holds the adopted numbers of this round.")
        )
