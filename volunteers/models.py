"""Volunteer profiles: what a volunteer can help with, where, when, and whether staff approved them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from otonari.audit import StatusAudit, status_fields
from otonari.validators import validate_phone
from requests_app.choices import LANGUAGE_CHOICES, PREFECTURE_CHOICES, Availability, Mode
from requests_app.models import Category, Topic

MIN_CAPACITY = 1
MAX_CAPACITY = 10
MAX_TASK_EMAILS_PER_DAY = 20


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    PAUSED = "paused", _("Paused")


# The lifecycle, in one place. Staff approve or reject; the volunteer pauses and resumes.
VOLUNTEER_TRANSITIONS: dict[VolunteerStatus, frozenset[VolunteerStatus]] = {
    VolunteerStatus.APPLIED: frozenset({VolunteerStatus.APPROVED, VolunteerStatus.REJECTED}),
    VolunteerStatus.APPROVED: frozenset({VolunteerStatus.PAUSED, VolunteerStatus.REJECTED}),
    VolunteerStatus.PAUSED: frozenset({VolunteerStatus.APPROVED, VolunteerStatus.REJECTED}),
    VolunteerStatus.REJECTED: frozenset({VolunteerStatus.APPROVED}),
}


class Volunteer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        # The profile is the volunteer's personal data: it goes with the account.
        on_delete=models.CASCADE,
        related_name="volunteer",
        verbose_name=_("user"),
    )
    languages = models.JSONField(
        _("languages"), default=list, help_text=_("ISO codes, the easiest first.")
    )
    prefecture = models.CharField(_("prefecture"), max_length=20, choices=PREFECTURE_CHOICES)
    municipality = models.CharField(_("city, ward, town or village"), max_length=60)
    categories = models.ManyToManyField(
        Category, related_name="volunteers", verbose_name=_("categories")
    )
    topics: models.ManyToManyField[Topic, Topic] = models.ManyToManyField(
        Topic, related_name="volunteers", blank=True, verbose_name=_("topics")
    )
    modes = models.JSONField(_("ways to help"), default=list)
    availability = models.JSONField(_("good times"), default=list)
    bio = models.TextField(_("about you"), max_length=2000, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("tasks at once"),
        default=2,
        validators=[MinValueValidator(MIN_CAPACITY), MaxValueValidator(MAX_CAPACITY)],
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    notify_new_tasks = models.BooleanField(_("email me about new tasks that fit me"), default=True)
    daily_digest = models.BooleanField(_("collect new tasks in one daily email"), default=False)
    max_task_emails_per_day = models.PositiveSmallIntegerField(
        _("most task emails a day"),
        default=3,
        validators=[MaxValueValidator(MAX_TASK_EMAILS_PER_DAY)],
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.APPLIED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        permissions = [("approve_volunteer", _("Can approve or reject volunteers"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in VolunteerStatus]),
                name="volunteer_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=MIN_CAPACITY, capacity__lte=MAX_CAPACITY),
                name="volunteer_capacity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_task_emails_per_day__lte=MAX_TASK_EMAILS_PER_DAY),
                name="volunteer_task_emails_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:profile")

    @property
    def display_name(self) -> str:
        return self.user.public_name

    @property
    def is_approved(self) -> bool:
        """Approved by staff; a paused volunteer is still approved."""
        return self.status in (VolunteerStatus.APPROVED, VolunteerStatus.PAUSED)

    @property
    def is_paused(self) -> bool:
        return self.status == VolunteerStatus.PAUSED

    @property
    def is_active(self) -> bool:
        return self.status == VolunteerStatus.APPROVED

    def get_languages_display(self) -> list[str]:
        names = dict(LANGUAGE_CHOICES)
        return [str(names.get(code, code)) for code in self.languages]

    def get_modes_display(self) -> list[str]:
        labels = dict(Mode.choices)
        return [str(labels.get(code, code)) for code in self.modes]

    def get_availability_display(self) -> list[str]:
        labels = dict(Availability.choices)
        return [str(labels.get(code, code)) for code in self.availability]


class VolunteerStatusChange(StatusAudit):
    """Audit record of one status move: who, when, from what to what, and why."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("volunteer"),
    )
    from_status, to_status = status_fields(VolunteerStatus.choices)

    class Meta(StatusAudit.Meta):
        verbose_name = _("volunteer status change")
        verbose_name_plural = _("volunteer status changes")
