"""Matches between a help request and a volunteer, their feedback, and six-month OFP pairs."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from otonari.audit import StatusAudit, status_fields
from requests_app.models import HelpRequest
from volunteers.models import Volunteer, validate_phone

if TYPE_CHECKING:
    from accounts.models import User


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by staff")
    ACCEPTED = "accepted", _("Waiting for staff approval")
    RECONFIRM = "reconfirm", _("Request changed: waiting for the volunteer")
    APPROVED = "approved", _("Approved")
    COMPLETED = "completed", _("Done")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


# The lifecycle, in one place. Staff propose, the volunteer accepts (a proposal or a task from
# the board), staff approve, both sides confirm it happened. The volunteer may withdraw and
# staff may reject at any point before the help happened. When the resident changes the
# request after the volunteer accepted, the match goes back to the volunteer (RECONFIRM): staff
# cannot approve it until the volunteer confirms the new details (back to ACCEPTED).
MATCH_TRANSITIONS: dict[MatchStatus, frozenset[MatchStatus]] = {
    MatchStatus.PROPOSED: frozenset(
        {MatchStatus.ACCEPTED, MatchStatus.REJECTED, MatchStatus.WITHDRAWN, MatchStatus.CANCELLED}
    ),
    MatchStatus.ACCEPTED: frozenset(
        {
            MatchStatus.APPROVED,
            MatchStatus.RECONFIRM,
            MatchStatus.REJECTED,
            MatchStatus.WITHDRAWN,
            MatchStatus.CANCELLED,
        }
    ),
    MatchStatus.RECONFIRM: frozenset(
        {MatchStatus.ACCEPTED, MatchStatus.REJECTED, MatchStatus.WITHDRAWN, MatchStatus.CANCELLED}
    ),
    MatchStatus.APPROVED: frozenset(
        {
            MatchStatus.COMPLETED,
            MatchStatus.REJECTED,
            MatchStatus.WITHDRAWN,
            MatchStatus.CANCELLED,
        }
    ),
    MatchStatus.COMPLETED: frozenset(),
    MatchStatus.REJECTED: frozenset(),
    MatchStatus.WITHDRAWN: frozenset(),
    MatchStatus.CANCELLED: frozenset(),
}
# A request has at most one match in these states (enforced by the database).
ACTIVE_STATUSES = (
    MatchStatus.PROPOSED,
    MatchStatus.ACCEPTED,
    MatchStatus.RECONFIRM,
    MatchStatus.APPROVED,
)
# Tasks a volunteer has taken on: they count against the volunteer's capacity.
OPEN_TASK_STATUSES = (MatchStatus.ACCEPTED, MatchStatus.RECONFIRM, MatchStatus.APPROVED)
# The two sides see each other's names and contact details only in these states.
CONTACT_STATUSES = (MatchStatus.APPROVED, MatchStatus.COMPLETED)


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VOLUNTEER = "volunteer", _("Volunteer")


class Match(models.Model):
    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="matches", verbose_name=_("request")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="matches", verbose_name=_("volunteer")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MatchStatus.choices, db_index=True
    )
    agreed_time = models.DateTimeField(
        _("agreed date and time"),
        null=True,
        blank=True,
        help_text=_("Suggested by the volunteer when accepting; staff confirm it on approval."),
    )
    agreed_minutes = models.PositiveSmallIntegerField(
        _("planned length (minutes)"),
        null=True,
        blank=True,
        help_text=_("Set by staff on approval, with the agreed date and time."),
    )
    resident_phone = models.CharField(
        _("resident's phone"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("Optional; shown to the volunteer of an approved match."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        permissions = [("approve_match", _("Can approve or reject matches"))]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="one_active_match_per_request",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in MatchStatus]),
                name="match_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(agreed_minutes__isnull=True) | models.Q(agreed_minutes__gt=0),
                name="match_agreed_minutes_positive",
            ),
        ]

    def __str__(self) -> str:
        # What staff read in admin forms and lists (those select the request and the volunteer).
        return f"#{self.pk} {self.request.title} — {self.volunteer.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("matching:detail", args=[self.pk])

    @property
    def contacts_visible(self) -> bool:
        return self.status in CONTACT_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def agreed_end(self) -> datetime.datetime | None:
        if self.agreed_time is None or self.agreed_minutes is None:
            return None
        return self.agreed_time + datetime.timedelta(minutes=self.agreed_minutes)

    def role_of(self, user: User) -> Role | None:
        if self.request.resident_id == user.pk:
            return Role.RESIDENT
        if self.volunteer.user_id == user.pk:
            return Role.VOLUNTEER
        return None


class MatchEvent(StatusAudit):
    """Audit record of one move (or one notable act) on a match: who, when, from, to, why."""

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="events", verbose_name=_("match")
    )
    from_status, to_status = status_fields(MatchStatus.choices)

    class Meta(StatusAudit.Meta):
        verbose_name = _("match event")
        verbose_name_plural = _("match events")
        # The staff dashboard counts acceptances and approvals within a period.
        indexes = [models.Index(fields=["to_status", "at"], name="matchevent_to_status_at_idx")]


class Decline(models.Model):
    """A volunteer said “not for me” to a task: it leaves their board; the reason is for staff."""

    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="declines", verbose_name=_("request")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="declines", verbose_name=_("volunteer")
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("declined task")
        verbose_name_plural = _("declined tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "volunteer"], name="one_decline_per_volunteer_and_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} ✕ {self.request_id}"


class Feedback(models.Model):
    """One side's word after the help: did it happen, how helpful, anything unsafe, continue?"""

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("match")
    )
    role = models.CharField(_("from"), max_length=20, choices=Role.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    happened = models.BooleanField(_("it happened"))
    helpful = models.PositiveSmallIntegerField(
        _("how helpful (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    unsafe = models.BooleanField(_("something felt unsafe"), default=False, db_index=True)
    wants_to_continue = models.BooleanField(_("would like to continue"), default=False)
    # Indexed: the staff dashboard counts the feedback given in a period.
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # Staff mark an unsafe flag as reviewed, with what they did about it.
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["match", "role"], name="one_feedback_per_side"),
            models.CheckConstraint(
                condition=models.Q(helpful__isnull=True) | models.Q(helpful__gte=1, helpful__lte=5),
                name="feedback_helpful_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match_id} / {self.role}"


# --- Otonari-san Family Friend Program (OFP) pairs ------------------------------------------


class OFPStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked for, waiting for staff")
    AWAITING_CONSENT = "awaiting_consent", _("Waiting for both to agree")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")
    DECLINED = "declined", _("Not started")


OFP_TRANSITIONS: dict[OFPStatus, frozenset[OFPStatus]] = {
    OFPStatus.REQUESTED: frozenset({OFPStatus.AWAITING_CONSENT, OFPStatus.DECLINED}),
    OFPStatus.AWAITING_CONSENT: frozenset({OFPStatus.ACTIVE, OFPStatus.ENDED_EARLY}),
    OFPStatus.ACTIVE: frozenset({OFPStatus.COMPLETED, OFPStatus.ENDED_EARLY}),
    OFPStatus.COMPLETED: frozenset(),
    OFPStatus.ENDED_EARLY: frozenset(),
    OFPStatus.DECLINED: frozenset(),
}
OFP_MONTHS = 6


class OFPPair(models.Model):
    match = models.OneToOneField(
        Match, on_delete=models.PROTECT, related_name="ofp_pair", verbose_name=_("match")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OFPStatus.choices,
        default=OFPStatus.REQUESTED,
        db_index=True,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    rhythm = models.CharField(
        _("suggested rhythm"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for the usual rhythm: about 2 hours a week."),
    )
    resident_consent_at = models.DateTimeField(_("resident agreed"), null=True, blank=True)
    volunteer_consent_at = models.DateTimeField(_("volunteer agreed"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending early"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("OFP pair")
        verbose_name_plural = _("OFP pairs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in OFPStatus]),
                name="ofppair_status_valid",
            ),
            # Active only with both explicit consents.
            models.CheckConstraint(
                condition=~models.Q(status=OFPStatus.ACTIVE)
                | models.Q(
                    resident_consent_at__isnull=False,
                    volunteer_consent_at__isnull=False,
                    start_date__isnull=False,
                    end_date__isnull=False,
                ),
                name="ofppair_active_needs_both_consents",
            ),
        ]

    def __str__(self) -> str:
        return f"OFP #{self.pk}: {self.match}"

    def get_absolute_url(self) -> str:
        return reverse("matching:ofp", args=[self.pk])

    def consent_of(self, role: str) -> bool:
        field = "resident_consent_at" if role == Role.RESIDENT else "volunteer_consent_at"
        return getattr(self, field) is not None


class OFPEvent(StatusAudit):
    pair = models.ForeignKey(
        OFPPair, on_delete=models.CASCADE, related_name="events", verbose_name=_("OFP pair")
    )
    from_status, to_status = status_fields(OFPStatus.choices)

    class Meta(StatusAudit.Meta):
        verbose_name = _("OFP event")
        verbose_name_plural = _("OFP events")


class OFPCheckIn(models.Model):
    """A monthly check-in (or the closing survey at the end) that both sides answer."""

    pair = models.ForeignKey(
        OFPPair, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("OFP pair")
    )
    number = models.PositiveSmallIntegerField(_("month"))
    due_date = models.DateField(_("due"))
    is_closing = models.BooleanField(_("closing survey"), default=False)

    class Meta:
        ordering = ("due_date", "id")
        verbose_name = _("OFP check-in")
        verbose_name_plural = _("OFP check-ins")
        constraints = [
            models.UniqueConstraint(fields=["pair", "number"], name="one_checkin_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.pair_id} / {self.number}"


class OFPCheckInAnswer(models.Model):
    checkin = models.ForeignKey(
        OFPCheckIn, on_delete=models.CASCADE, related_name="answers", verbose_name=_("check-in")
    )
    role = models.CharField(_("from"), max_length=20, choices=Role.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    rating = models.PositiveSmallIntegerField(
        _("how it is going (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("check-in answer")
        verbose_name_plural = _("check-in answers")
        constraints = [
            models.UniqueConstraint(fields=["checkin", "role"], name="one_answer_per_side"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="checkin_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkin_id} / {self.role}"


# The ranking's tables (cached embeddings, the ranking outbox, ranked candidates) live in their
# own module; importing them here registers them with the app.
from .ranking_models import Embedding, RankedCandidate, RankingJob, RankingStatus  # noqa: E402,F401
