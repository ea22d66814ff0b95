"""Generated PDF agreements of an adopted round: one per sub-region and one for the MRA.

A document is rendered from the agreed numbers of the round (agreements.selectors.
agreed_result: the approved run plus the accepted transfers) and keeps the approved digest
(the *controlecode* the sub-regions' approvals were bound to), the digest of the run and the
SHA-256 of its own bytes, so that a printed or mailed PDF can be checked against the
database later (`manage.py verify_agreement`). The PDF bytes live in the database: no shared
media folder is needed between the web and worker processes.

A document has editions (issue 15): edition 1 is made at adoption. When a partner co-signs
the agreement afterwards, a new edition of the sub-region's document (and of the MRA's,
which lists every partner) is made with the acknowledgement in its party list; the numbers
and the approved digest stay the same. Earlier editions are kept as made (append-only) and
can still be verified; pages and downloads use the newest ready edition.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    GENERATING = "generating", _("being made")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class AgreementDocument(models.Model):
    """One PDF agreement: of a sub-region, or (sub-region empty) of the whole MRA."""

    round = models.ForeignKey(
        "allocation.Round",
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="agreement_documents",
    )
    subregion = models.ForeignKey(
        "municipalities.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the agreement of the whole MRA."),
    )
    edition = models.PositiveSmallIntegerField(
        _("edition"),
        default=1,
        help_text=_(
            "1 at adoption; a later edition adds partners' acknowledgements, with the same numbers."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    run_digest = models.CharField(_("digest of the agreed computation"), max_length=64)
    digest = models.CharField(
        _("approved digest (controlecode)"),
        max_length=64,
        blank=True,
        help_text=_("The digest the sub-regions approved: the computation plus the transfers."),
    )
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    error_message = models.TextField(_("error message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("sent to the queue at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        ordering = ["round", "subregion__name", "edition"]
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "subregion", "edition"],
                condition=models.Q(subregion__isnull=False),
                name="agreement_document_unique_edition_per_subregion",
            ),
            models.UniqueConstraint(
                fields=["round", "edition"],
                condition=models.Q(subregion__isnull=True),
                name="agreement_document_unique_edition_mra",
            ),
            models.CheckConstraint(
                condition=models.Q(edition__gte=1), name="agreement_document_edition_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in DocumentStatus]),
                name="agreement_document_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(run_digest__regex=r"^[0-9a-f]{64}$"),
                name="agreement_document_run_digest_hex",
            ),
            models.CheckConstraint(
                condition=models.Q(digest__regex=r"^([0-9a-f]{64})?$"),
                name="agreement_document_digest_hex",
            ),
            # A ready document has its bytes and their checksum; any other has neither.
            models.CheckConstraint(
                condition=(
                    models.Q(status=DocumentStatus.READY)
                    & models.Q(
                        pdf__isnull=False,
                        sha256__regex=r"^[0-9a-f]{64}$",
                        finished_at__isnull=False,
                    )
                )
                | (~models.Q(status=DocumentStatus.READY) & models.Q(pdf__isnull=True, sha256="")),
                name="agreement_document_pdf_only_when_ready",
            ),
        ]

    def __str__(self) -> str:
        scope = self.subregion.name if self.subregion is not None else "MRA"
        return f"{self.round} · {scope} · {self.edition}"

    @property
    def scope_slug(self) -> str:
        return self.subregion.slug if self.subregion is not None else "mra"
