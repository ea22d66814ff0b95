"""The figures workflow around MunicipalFigure and GroupFigure.

The figures themselves live in `municipalities` and `target_groups` (with their history).
This app keeps what the workflow adds: acknowledged warnings, unlocks of locked figures,
uploads waiting for confirmation and the reminders sent.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WarningAcknowledgement(models.Model):
    """A validation warning (V1xx) that someone checked and explained with a comment.

    `fingerprint` holds the values that raised the warning: when they change, the warning
    must be acknowledged again.
    """

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="warning_acknowledgements",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("code"), max_length=4)
    field = models.CharField(_("field"), max_length=100)
    fingerprint = models.CharField(_("fingerprint"), max_length=500)
    comment = models.TextField(_("comment"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        ordering = ["municipality", "-year", "code", "field"]
        verbose_name = _("acknowledged warning")
        verbose_name_plural = _("acknowledged warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "code", "field"],
                name="warning_acknowledgement_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(comment=""), name="warning_acknowledgement_has_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.field} ({self.municipality_id}, {self.year})"


class FigureUnlock(models.Model):
    """The programme team opened confirmed figures of a locked year, with a reason.

    Locked: a round with this reference year is computing or in review. The unlock stays
    open until the figures of that municipality and year are confirmed again.
    """

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="figure_unlocks",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reason = models.TextField(_("reason"))
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unlocked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    unlocked_at = models.DateTimeField(_("unlocked at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-unlocked_at"]
        verbose_name = _("unlock of figures")
        verbose_name_plural = _("unlocks of figures")
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="figure_unlock_has_reason"),
            models.UniqueConstraint(
                fields=["municipality", "year"],
                condition=models.Q(closed_at__isnull=True),
                name="figure_unlock_one_open_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}: {self.reason[:40]}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    APPLIED = "applied", _("applied")
    DISCARDED = "discarded", _("discarded")


class PendingImport(models.Model):
    """An uploaded file, parsed, between its preview and its confirmation.

    Only the parsed rows are kept (never the file), with the file's SHA-256. Confirming
    re-validates against the database and checks that nothing changed since the preview.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    file_hash = models.CharField(_("SHA-256 of the file"), max_length=64)
    rows = models.JSONField(_("parsed rows"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    changed_count = models.PositiveIntegerField(_("number of changed figures"), default=0)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("upload of figures")
        verbose_name_plural = _("uploads of figures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ImportStatus]),
                name="pending_import_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class ReminderLog(models.Model):
    """One reminder action of the programme team: which municipalities got an e-mail."""

    year = models.PositiveSmallIntegerField(_("year"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"))
    municipality_codes = models.JSONField(_("municipalities"), default=list)
    recipient_count = models.PositiveIntegerField(_("number of recipients"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.year} {timezone.localtime(self.sent_at):%Y-%m-%d %H:%M}"
