"""Notifications: one row per (event, recipient, event instance), shown in-app and emailed from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from .events import EVENT_CHOICES

if TYPE_CHECKING:
    from accounts.models import User


class Channel(models.TextChoices):
    EMAIL = "email", _("Email and in-app")
    DIGEST = "digest", _("Daily digest email and in-app")
    IN_APP = "in_app", _("In-app only")


class Status(models.TextChoices):
    """Where the email part stands. In-app-only rows are `skipped` from the start."""

    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not emailed")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_recipient(self, user: User) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def unread_first(self) -> NotificationQuerySet:
        is_unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
        return self.order_by(is_unread.desc(), "-created_at", "-id")


class Notification(models.Model):
    event = models.CharField(_("event"), max_length=40, choices=EVENT_CHOICES)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # A person's notifications are their personal data: they go with the account.
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    key = models.CharField(
        _("event instance"),
        max_length=100,
        help_text=_("What the event is about, such as “request_received:42”."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    status = models.CharField(
        _("email status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient", "key"], name="notification_unique_per_recipient"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]),
                name="notification_channel_valid",
            ),
        ]
        indexes = [
            # The in-app list: one person's rows, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            # The bell: COUNT of one person's unread rows.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # The staff work queue: the few emails that failed, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(status="failed"),
                name="notification_failed_idx",
            ),
            # The sweep and the digest: the few rows whose email is not done yet.
            models.Index(
                fields=["channel", "created_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notification_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
