"""The reaper of the PDF agreements: nothing stays "waiting" or "being made" for good.

`reap_documents` runs every 5 minutes (Celery beat, task ``reports.reap_documents``) and on
demand (``manage.py reap_jobs``, which runs every app's reaper through core.jobs, or
``manage.py resume_agreements``). In one sweep it:

1. schedules the documents of an agreed round that has none (or too few): its adoption
   committed, but the scheduling after the commit never ran;
2. marks failed the documents stuck after a worker started them MAX_ATTEMPTS times (a PDF
   that kills its worker must not loop for ever); the round page then offers
   "Opnieuw proberen" to the programme team and the chair;
3. sends again every other document waiting longer than PENDING_STALE_AFTER since it was
   sent (its message was lost, or the broker was away when the round was adopted), or
   "being made" longer than GENERATION_STALE_AFTER (its worker died).

Rows are swept one by one, whatever their edition (a document has editions: a partner's
co-sign adds one, see reports.services.agreement_edition_schedule); step 1 counts the
editions 1, which every scope has once scheduled.

A document that never reached a worker keeps 0 attempts and is sent again at every sweep
until the broker is back. Every step claims rows with a conditional UPDATE, so two sweeps
at once send a document once. The limits live in reports.services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import services


@dataclass
class ReapResult:
    scheduled: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.scheduled) + len(self.failed) + len(self.resent)

    def counts(self) -> dict[str, int]:
        return {
            "scheduled": len(self.scheduled),
            "sent again": len(self.resent),
            "failed": len(self.failed),
        }

    def summary(self) -> str:
        return (
            f"agreements: {len(self.scheduled)} scheduled, {len(self.resent)} sent again, "
            f"{len(self.failed)} failed"
        )


def reap_documents(*, now: datetime | None = None) -> ReapResult:
    """One sweep over the agreement documents (see the module's docstring)."""
    result = ReapResult()
    result.scheduled = services.agreements_schedule_missing()
    result.failed = services.agreements_fail_exhausted(now=now)
    result.resent = services.agreements_resume_stuck(now=now)
    return result


def documents_reap() -> dict[str, int]:
    """The reaper as core.jobs registers it (``manage.py reap_jobs``): counts by outcome."""
    return reap_documents().counts()
