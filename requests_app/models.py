"""Help requests from residents, and the categories and topics they are filed under."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from otonari.audit import StatusAudit, status_fields

from .choices import PREFECTURE_CHOICES, Availability, Mode

if TYPE_CHECKING:
    from accounts.models import User


# modeltranslation swaps in a runtime-generated manager the django-stubs plugin cannot resolve.
class Category(models.Model):  # type: ignore[django-manager-missing]
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("short description"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


# modeltranslation swaps in a runtime-generated manager the django-stubs plugin cannot resolve.
class Topic(models.Model):  # type: ignore[django-manager-missing]
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="topics", verbose_name=_("category")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    hint = models.CharField(
        _("what to bring or prepare"),
        max_length=300,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("category__position", "position", "id")
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Received")
    MATCHING = "matching", _("Looking for a volunteer")
    MATCHED = "matched", _("Volunteer found")
    COMPLETED = "completed", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Closed by staff")


class HelpRequestQuerySet(models.QuerySet["HelpRequest"]):
    def for_resident(self, user: User) -> HelpRequestQuerySet:
        return self.filter(resident=user)

    def open(self) -> HelpRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def with_listing_data(self) -> HelpRequestQuerySet:
        return self.select_related("category").prefetch_related("topics")


class HelpRequest(models.Model):
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="help_requests",
        verbose_name=_("resident"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="requests", verbose_name=_("category")
    )
    topics = models.ManyToManyField(Topic, related_name="requests", verbose_name=_("topics"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000)
    text_language = models.CharField(
        _("language of the text"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    languages = models.JSONField(
        _("languages the resident can use"),
        default=list,
        help_text=_("Most comfortable first."),
    )
    prefecture = models.CharField(_("prefecture"), max_length=20, choices=PREFECTURE_CHOICES)
    municipality = models.CharField(_("city, ward, town or village"), max_length=60)
    mode = models.CharField(_("how to help"), max_length=20, choices=Mode.choices)
    availability = models.JSONField(_("good times"), default=list)
    preferred_dates = models.JSONField(_("preferred dates"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.SUBMITTED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in RequestStatus]),
                name="helprequest_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=[m.value for m in Mode]),
                name="helprequest_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("requests:detail", args=[self.pk])

    @property
    def first_language(self) -> str | None:
        return self.languages[0] if self.languages else None

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_cancellable(self) -> bool:
        return RequestStatus.CANCELLED in ALLOWED_TRANSITIONS[RequestStatus(self.status)]

    def get_availability_display(self) -> list[str]:
        labels = dict(Availability.choices)
        return [str(labels.get(code, code)) for code in self.availability]


class StatusChange(StatusAudit):
    """Audit record of one status move: who, when, from what to what."""

    request = models.ForeignKey(
        HelpRequest,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("request"),
    )
    from_status, to_status = status_fields(RequestStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(StatusAudit.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        # The staff dashboard counts moves to a status within a period.
        indexes = [models.Index(fields=["to_status", "at"], name="statuschange_to_status_at_idx")]


# The lifecycle, in one place. A volunteer withdrawing sends a matched request back to matching.
ALLOWED_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.SUBMITTED: frozenset(
        {RequestStatus.MATCHING, RequestStatus.CANCELLED, RequestStatus.CLOSED}
    ),
    RequestStatus.MATCHING: frozenset(
        {RequestStatus.MATCHED, RequestStatus.CANCELLED, RequestStatus.CLOSED}
    ),
    RequestStatus.MATCHED: frozenset(
        {
            RequestStatus.COMPLETED,
            RequestStatus.MATCHING,
            RequestStatus.CANCELLED,
            RequestStatus.CLOSED,
        }
    ),
    RequestStatus.COMPLETED: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
    RequestStatus.CLOSED: frozenset(),
}
OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.MATCHING, RequestStatus.MATCHED)
EDITABLE_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.MATCHING)
