"""Help requests from residents, and the categories and topics they are filed under."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from otonari.audit import StatusAudit, status_fields
from otonari.validators import validate_phone

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

    def with_attachment_flag(self) -> HelpRequestQuerySet:
        """Each row knows whether a document is attached (``has_attachments``), in one query."""
        return self.annotate(
            attachments_exist=models.Exists(
                Attachment.objects.filter(request=models.OuterRef("pk"))
            )
        )


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
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("Optional. Shown to the volunteer only after staff approve the match."),
    )
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
    def has_attachments(self) -> bool:
        """A letter photo or PDF is attached (annotated by ``with_attachment_flag`` on lists)."""
        annotated = getattr(self, "attachments_exist", None)
        if annotated is not None:
            return bool(annotated)
        return self.attachments.exists()

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


class _PrivateStorage(LazyObject):
    """STORAGES["private"], looked up when first used (a FileField evaluates its storage once,
    at import) and again after the setting changes (tests point it at a temporary folder)."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "STORAGES":
        _private_storage._wrapped = empty  # type: ignore[assignment]


def private_storage() -> Storage:
    """Where letter photos and PDFs live: STORAGES["private"], never a public URL."""
    return cast(Storage, _private_storage)


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("photo")
    PDF = "pdf", _("PDF")


class Attachment(models.Model):
    """A photo or PDF of a letter or document, attached by the resident to their request.

    The id is random (it is the only handle in URLs); the stored names are random too. Files are
    read only through ``requests_app.selectors.attachment_for_user`` and the attachment view.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        HelpRequest,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, max_length=200)
    preview = models.FileField(_("preview"), storage=private_storage, max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=40)
    original_name = models.CharField(
        _("original file name"),
        max_length=120,
        help_text=_("As the resident's device named it; kept as text only."),
    )
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in AttachmentKind]),
                name="attachment_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("requests:attachment", args=[self.pk])

    def get_preview_url(self) -> str:
        return reverse("requests:attachment_preview", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE

    @property
    def download_name(self) -> str:
        """The name a download gets: the original's, with the extension of what is stored."""
        if self.is_image:
            stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else ""
            return f"{stem or 'photo'}.jpg"
        return self.original_name if self.original_name.lower().endswith(".pdf") else "document.pdf"
