"""The agreement (DOMAIN.md 6): transitions, proposals, approvals, comments, transfers.

From proposal to adopted, frozen agreement. Writes go through agreements/services.py only.
The tables kept the names they had when these models lived in the allocation app
(``db_table``), so the move to this app changed no data. On PostgreSQL the rows of an agreed
or superseded round are also frozen by triggers (allocation migration 0004).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allocation.models import Round, RoundStatus, ScenarioRun


class RoundTransition(models.Model):
    """One change of a round's status: who, when, from what to what, and why."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=RoundStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=RoundStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        db_table = "allocation_roundtransition"
        ordering = ["round", "at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")),
                name="round_transition_changes_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.from_status} → {self.to_status}"


class ProposalStatus(models.TextChoices):
    CURRENT = "current", _("current")
    VOIDED = "voided", _("voided")
    ADOPTED = "adopted", _("adopted")


class Proposal(models.Model):
    """The programme team proposes one scenario's succeeded computation for review."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="proposals"
    )
    run = models.ForeignKey(
        ScenarioRun, verbose_name=_("computation"), on_delete=models.PROTECT, related_name="+"
    )
    run_digest = models.CharField(_("digest of the computation"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.CURRENT
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.TextField(_("why voided"), blank=True)

    class Meta:
        db_table = "allocation_proposal"
        ordering = ["round", "-proposed_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(status="current"),
                name="proposal_one_current_per_round",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ProposalStatus]),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(run_digest__regex=r"^[0-9a-f]{64}$"),
                name="proposal_run_digest_hex",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="voided") | models.Q(voided_at__isnull=False),
                name="proposal_voided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.run_id}"


class Decision(models.TextChoices):
    APPROVE = "approve", _("approves")
    OBJECT = "object", _("objects")


class ApprovalState(models.TextChoices):
    ACTIVE = "active", _("valid")
    REPLACED = "replaced", _("replaced by a later decision")
    VOIDED = "voided", _("voided")


class Approval(models.Model):
    """A sub-region's decision on a proposal, bound to the review digest it saw."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="approvals"
    )
    subregion = models.ForeignKey(
        "municipalities.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    digest = models.CharField(_("digest approved"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))
    state = models.CharField(
        _("state"), max_length=10, choices=ApprovalState.choices, default=ApprovalState.ACTIVE
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    void_reason = models.TextField(_("why voided"), blank=True)

    class Meta:
        db_table = "allocation_approval"
        ordering = ["proposal", "subregion__name", "-decided_at"]
        verbose_name = _("decision of a sub-region")
        verbose_name_plural = _("decisions of sub-regions")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "subregion"],
                condition=models.Q(state="active"),
                name="approval_one_active_per_subregion",
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=[d.value for d in Decision]),
                name="approval_decision_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in ApprovalState]),
                name="approval_state_valid",
            ),
            # An objection says why.
            models.CheckConstraint(
                condition=~models.Q(decision="object") | ~models.Q(reason=""),
                name="approval_objection_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(state="active") | models.Q(ended_at__isnull=False),
                name="approval_ended_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subregion} {self.decision} {self.digest[:12]}"


COMMENT_MAX_LENGTH = 5000
"""The longest message in a thread (characters); the form and `comment_add` refuse longer."""


class Comment(models.Model):
    """A message in the round's thread, or in the thread of one municipality in it."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="comments"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    author_role = models.CharField(_("role"), max_length=12)
    author_scope = models.CharField(_("for"), max_length=100, blank=True)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        db_table = "allocation_comment"
        ordering = ["round", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.author_id} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class Transfer(models.Model):
    """Huisvestingswet art. 29(2): `taker` takes over `amount` of `giver`'s task for a group.

    One of the two municipalities proposes (`initiator`), the other accepts or rejects.
    The group's sum stays the same.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="transfers"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="transfers"
    )
    group = models.ForeignKey(
        "target_groups.TargetGroup",
        verbose_name=_("target group"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    giver = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("hands over"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    taker = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("takes over"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    initiator = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("proposed by municipality"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.PositiveIntegerField(_("number"))
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TransferStatus.choices,
        default=TransferStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        db_table = "allocation_transfer"
        ordering = ["round", "proposed_at", "pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(giver=models.F("taker")), name="transfer_two_municipalities"
            ),
            models.CheckConstraint(
                condition=models.Q(initiator=models.F("giver"))
                | models.Q(initiator=models.F("taker")),
                name="transfer_initiator_is_party",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="transfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in TransferStatus]),
                name="transfer_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="proposed") | models.Q(decided_at__isnull=False),
                name="transfer_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.giver_id} → {self.taker_id} ({self.amount})"

    @property
    def counterpart_id(self) -> int:
        return self.taker_id if self.initiator_id == self.giver_id else self.giver_id


class DeadlineReminder(models.Model):
    """A figures-deadline reminder sent for a round: claimed once, so never sent twice."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    sent_at = models.DateTimeField(_("sent at"))
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        db_table = "allocation_deadlinereminder"
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "deadline"], name="deadline_reminder_once_per_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.deadline}"


class RoundCorrection(models.Model):
    """A correction of an adopted round: the new version, the one it supersedes, and why."""

    old_round = models.OneToOneField(
        Round, verbose_name=_("corrected round"), on_delete=models.PROTECT, related_name="+"
    )
    new_round = models.OneToOneField(
        Round, verbose_name=_("new version"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        db_table = "allocation_roundcorrection"
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="round_correction_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_round} → {self.new_round}"


class PartnerKind(models.TextChoices):
    CORPORATION = "corporatie", _("housing corporation")
    CARE_PROVIDER = "zorgaanbieder", _("care provider")
    PROVINCE = "provincie", _("province")
    OTHER = "overig", _("other")


class PartnerRole(models.TextChoices):
    CO_SIGNER = "co-signer", _("co-signs the agreement")
    OBSERVER = "observer", _("observer")


class AgreementPartner(models.Model):
    """A party beside the municipalities in a sub-region's agreement (DOMAIN.md 6): a housing
    corporation or care provider that co-signs, or a province that observes. Entered as data
    per sub-region by the programme team (admin)."""

    subregion = models.ForeignKey(
        "municipalities.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.CASCADE,
        related_name="agreement_partners",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    role = models.CharField(
        _("role in the agreement"),
        max_length=10,
        choices=PartnerRole.choices,
        default=PartnerRole.CO_SIGNER,
    )
    representative = models.CharField(
        _("represented by"),
        max_length=200,
        blank=True,
        help_text=_("Name and position of the person who signs, for example the director."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["subregion__name", "position", "name"]
        verbose_name = _("agreement partner")
        verbose_name_plural = _("agreement partners")
        constraints = [
            models.UniqueConstraint(
                fields=["subregion", "name"], name="agreement_partner_unique_per_subregion"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in PartnerKind]),
                name="agreement_partner_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in PartnerRole]),
                name="agreement_partner_role_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="agreement_partner_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.subregion})"


class StandingTextKind(models.TextChoices):
    CONSIDERATIONS = "considerations", _("considerations")
    DEFINITIONS = "definitions", _("definitions")
    CONDITIONS = "conditions", _("conditions")


class StandingText(models.Model):
    """One version of a standing text of a round's agreements (considerations, definitions,
    conditions), in Dutch. Every change is a new version; the latest one counts. Once the
    round is adopted its texts are frozen (agreements.services.standing_text_save refuses)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="standing_texts"
    )
    kind = models.CharField(_("text"), max_length=16, choices=StandingTextKind.choices)
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text (Dutch)"))
    reason = models.CharField(_("why changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["round", "kind", "-version"]
        verbose_name = _("standing text")
        verbose_name_plural = _("standing texts")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "version"], name="standing_text_one_per_version"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in StandingTextKind]),
                name="standing_text_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="standing_text_version"
            ),
            models.CheckConstraint(condition=~models.Q(body=""), name="standing_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.kind} v{self.version}"
