"""Check a PDF agreement against what the sub-regions approved.

    python manage.py verify_agreement afspraken.pdf

1. Reads the controlecode from the PDF's metadata (keywords ``mra-controlecode:<hex>``):
   it must be the approved digest of an adopted round (the digest the sub-regions' approvals
   were bound to: the computation plus the accepted transfers), and still that round's
   agreement (`agreements.selectors.agreed_result`).
2. Reads the numbers code (``mra-cijfers:<hex>``): it must be the SHA-256 of the agreed
   numbers of the document's scope, so a PDF made from other numbers (for example without
   an accepted transfer) fails.
3. The file's SHA-256 equal to a stored PDF of the round proves it is that file: the newest
   edition of its scope or an earlier one (an edition adds partners' acknowledgements, never
   other numbers). Any other rendering counts only when its text (pdftotext) shows every
   agreed number of its scope.

Exit codes: 0 valid; 1 not valid; 2 the file cannot be read.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from allocation.models import Round
from reports import selectors
from reports.models import AgreementDocument
from reports.pdf import read_digest, read_keyword


class Command(BaseCommand):
    help = "Verify a PDF agreement against the approved agreement in the database."

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
                f"{path} holds no controlecode: it is not an agreement made by this app.",
                returncode=1,
            )
        self.stdout.write(f"Controlecode in the PDF: {digest}")
        documents = selectors.agreement_documents_by_digest(digest=digest)
        if not documents:
            raise CommandError(
                "NOT VALID: no adopted agreement has this controlecode (it is not the digest "
                "the sub-regions approved).",
                returncode=1,
            )
        round_: Round = documents[0].round
        try:
            agreed = selectors.agreed_result(round_)
        except selectors.NotAdopted:
            raise CommandError(
                f"NOT VALID: round {round_.name} (id {round_.pk}) is not adopted.", returncode=1
            ) from None
        if agreed.digest != digest:
            raise CommandError(
                f"NOT VALID: round {round_.name} (id {round_.pk}) now has another approved "
                f"agreement ({agreed.digest}).",
                returncode=1,
            )
        self.stdout.write(
            f"Round: {round_.name} (id {round_.pk}, version {round_.version}, "
            f"status {round_.status}); approved digest of computation {agreed.run_id} and "
            f"{len(agreed.transfers)} transfer(s)."
        )
        numbers_code = read_keyword(content, "mra-cijfers")
        scopes: dict[str | None, list[AgreementDocument]] = {}
        for d in sorted(documents, key=lambda d: -d.edition):  # newest edition first
            scopes.setdefault(d.subregion.name if d.subregion else None, []).append(d)
        scope = next(
            (s for s in scopes if numbers_code == selectors.scope_numbers_digest(agreed, s)),
            ...,
        )
        if scope is ...:
            raise CommandError(
                "NOT VALID: the numbers in this PDF are not the agreed numbers of any of the "
                "round's agreements.",
                returncode=1,
            )
        editions = scopes[scope]
        label = scope or "whole MRA"
        sha256 = hashlib.sha256(content).hexdigest()
        document = next((d for d in editions if d.sha256 == sha256), None)
        if document is not None:
            newest = editions[0].edition
            later = f" (a later edition, {newest}, exists)" if document.edition < newest else ""
            self.stdout.write(
                f"SHA-256 matches the stored agreement of {label}, edition "
                f"{document.edition}{later}."
            )
        else:
            missing = self._missing_numbers(content, agreed, scope)
            if missing is None:
                raise CommandError(
                    f"NOT VALID: this is not a stored PDF of {label} (SHA-256 {sha256}) and "
                    "its text cannot be read to compare the numbers (install pdftotext).",
                    returncode=1,
                )
            if missing:
                raise CommandError(
                    f"NOT VALID: the text of this PDF lacks agreed numbers of {label}: "
                    + "; ".join(missing[:5]),
                    returncode=1,
                )
            self.stdout.write(
                self.style.WARNING(
                    f"Note: SHA-256 {sha256} is not a stored PDF of {label} (another "
                    "rendering); every agreed number in its text matches."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"VALID: this PDF holds the approved agreement of {label} in this round."
            )
        )

    def _missing_numbers(self, content: bytes, agreed: Any, scope: str | None) -> list[str] | None:
        """The agreed numbers of the scope that the PDF's text does not show (a row
        "<municipality> ... <agreed> <per year>..." per group), or None without pdftotext."""
        tool = shutil.which("pdftotext")
        if tool is None:
            return None
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(content)
            handle.flush()
            text = subprocess.run(  # noqa: S603 - fixed tool, a file we wrote
                [tool, "-layout", handle.name, "-"], capture_output=True, text=True, check=True
            ).stdout
        missing = []
        for row in selectors.scope_numbers(agreed, scope):
            numbers = r"\s+".join(str(n) for n in [row["agreed"], *row["per_year"]])
            pattern = rf"{re.escape(row['name'])}\b[^\n]*?\s{numbers}(?!\d)"
            if not re.search(pattern, text):
                missing.append(f"{row['name']} {row['group']} {row['agreed']}")
        return missing
