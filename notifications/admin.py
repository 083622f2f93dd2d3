"""Staff view of notifications: what was sent to whom, what failed, and a resend action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accesslog.admin import AccessLoggedAdmin
from otonari.work_queue import WorkQueueFilter

from .models import Notification
from .services import notification_resend


@admin.register(Notification)
class NotificationAdmin(AccessLoggedAdmin):
    list_display = (
        "id",
        "event",
        "recipient_email",
        "language",
        "channel",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "read_at",
    )
    list_filter = ("status", WorkQueueFilter, "event", "language", "channel", "created_at")
    search_fields = ("recipient__email", "key")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["resend"]
    _about = ("event", "key", "recipient", "language", "channel", "link")
    _email = (
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "read_at",
        "created_at",
    )
    _message = ("subject", "body_text", "body_html")
    fieldsets = (
        (None, {"fields": _about}),
        (_("Email"), {"fields": _email}),
        (_("Message"), {"fields": _message}),
    )
    # Everything is a record of what happened; state changes go through the services.
    readonly_fields = _about + _email + _message

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("recipient's email"), ordering="recipient__email")
    def recipient_email(self, obj: Notification) -> str:
        return obj.recipient.email

    @admin.action(description=_("Send the failed emails again"), permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        chosen = list(queryset)
        resent = sum(notification_resend(notification=n) for n in chosen)
        skipped = len(chosen) - resent
        if resent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email will be sent again.",
                    "%(count)d emails will be sent again.",
                    resent,
                )
                % {"count": resent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d notification was not failed and was left as it is.",
                    "%(count)d notifications were not failed and were left as they are.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
