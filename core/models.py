"""Building blocks shared by the apps' models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FigureStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    CONFIRMED = "confirmed", _("confirmed")


class SourcedFigure(models.Model):
    """What every entered figure carries: where it comes from, its date and its status.

    `illustrative` marks demo values that are not facts (shown as *illustratief* in the
    interface). `version` increases on every save and lets a form detect a concurrent edit.
    """

    source = models.CharField(_("source"), max_length=300)
    reference_date = models.DateField(_("reference date"))
    status = models.CharField(
        _("status"), max_length=12, choices=FigureStatus.choices, default=FigureStatus.DRAFT
    )
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo value, not a fact: replace it with your own figure."),
    )
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        abstract = True
