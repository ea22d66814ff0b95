"""Reads for the status of a round's PDF agreements while they are made (issue 13).

The round page and the review page show, right after the adoption, each agreement with its
status (waiting, being made, ready, failed) and poll it with htmx until every one is done.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts import access
from allocation.models import Round

from . import selectors, services
from .models import AgreementDocument, DocumentStatus

FINISHED = (DocumentStatus.READY, DocumentStatus.FAILED)


@dataclass(frozen=True)
class DocumentsProgress:
    round: Round
    documents: list[AgreementDocument]  # newest editions this user may download, MRA first
    can_retry: bool  # the user may press "Opnieuw proberen"
    retryable: bool  # some document failed or got stuck

    @property
    def total(self) -> int:
        return len(self.documents)

    @property
    def ready(self) -> int:
        return sum(d.status == DocumentStatus.READY for d in self.documents)

    @property
    def failed(self) -> int:
        return sum(d.status == DocumentStatus.FAILED for d in self.documents)

    @property
    def finished(self) -> bool:
        """Every document is ready or failed: the page stops polling."""
        return bool(self.documents) and all(d.status in FINISHED for d in self.documents)

    @property
    def state(self) -> str:
        """A short fingerprint of what the fragment shows: unchanged means no new fragment."""
        text = "|".join(f"{d.pk}:{d.status}:{d.attempts}:{d.error_message}" for d in self.documents)
        text += f"|{self.retryable}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def documents_progress(*, round_: Round, user: Any) -> DocumentsProgress:
    """The agreements of an adopted round that the user may download, with their status."""
    documents = [
        d
        for d in selectors.agreement_documents_latest(round_=round_)
        if access.can_download_agreement(user, d.subregion)
    ]
    now = timezone.now()
    retryable = any(
        d.status == DocumentStatus.FAILED or services.is_stuck(d, now) for d in documents
    )
    return DocumentsProgress(
        round=round_,
        documents=documents,
        can_retry=access.can_retry_agreements(user),
        retryable=retryable,
    )
