"""The staff access log: who of the staff opened which page or file showing a resident's
personal data, and when (APPI: a record of access to personal data).

Logged (through `accesslog.admin.AccessLoggedAdmin` and `accesslog.services.record_access`):
- the admin change page, history page and list page of help requests (name, contact, free text,
  health, children, residence status), matches (both people, agreed time), feedback (free text
  about a person), declines (a volunteer's reason about a request), OFP pairs and their check-in answers (free text), users (emails, names) and
  notifications (recipient's email, the message sent to them);
- every attachment (photo or PDF of a letter) and attachment preview served to a staff member.

Not logged: a staff member looking at their own data, residents and volunteers looking at what
the site shows them, and the log itself (superusers only).

A row names the page or file (content type, object id, which view) and never holds the data
itself: no field values, no query strings. It is append-only: saving an existing row, deleting a
row and the queryset's update()/delete() all refuse, and on PostgreSQL a trigger refuses UPDATE
and DELETE too.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLogError(Exception):
    """Raised on any attempt to change or remove a row of the access log."""


class AccessView(models.TextChoices):
    CHANGE = "change", _("admin change page")
    HISTORY = "history", _("admin history page")
    LIST = "list", _("admin list page")
    ATTACHMENT = "attachment", _("attachment file")
    PREVIEW = "preview", _("attachment preview")
    ACTION = "action", _("admin action page")


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs: Any) -> int:
        raise AccessLogError("The staff access log is append-only: rows are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AccessLogError("The staff access log is append-only: rows are never deleted.")


class AccessLog(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # No database constraint and no cascade: the row keeps the staff member's id even if their
    # account is removed later.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of record"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Empty for a list page. Text, so both integer and UUID keys fit.
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    view = models.CharField(_("what was opened"), max_length=16, choices=AccessView.choices)
    # The record the object belongs to, as kind and number only ("help request #12"), built
    # from the model's name and primary key, never from its fields.
    parent_content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("belongs to (kind)"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    parent_object_id = models.CharField(_("belongs to (id)"), max_length=64, blank=True)

    objects: ClassVar[AccessLogQuerySet] = AccessLogQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("staff access log")
        ordering = ("-at", "-id")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return str(self.description)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AccessLogError("The staff access log is append-only: rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AccessLogError("The staff access log is append-only: rows are never deleted.")

    @property
    def description(self) -> str:
        """E.g. "admin change page of help request #12", "attachment file #<uuid> (of help
        request #12)", "admin list page of users"."""
        kind = self.content_type.model_class()
        kind_name = kind._meta.verbose_name if kind else self.content_type.model
        if not self.object_id:
            plural = kind._meta.verbose_name_plural if kind else self.content_type.model
            return _("%(view)s of %(kinds)s") % {"view": self.get_view_display(), "kinds": plural}
        if self.view in (AccessView.ATTACHMENT, AccessView.PREVIEW):  # the view names the kind
            text = _("%(view)s #%(id)s") % {"view": self.get_view_display(), "id": self.object_id}
        else:
            text = _("%(view)s of %(kind)s #%(id)s") % {
                "view": self.get_view_display(),
                "kind": kind_name,
                "id": self.object_id,
            }
        if self.parent_content_type_id:
            parent = self.parent_content_type.model_class()  # type: ignore[union-attr]
            parent_name = parent._meta.verbose_name if parent else ""
            text = _("%(what)s (of %(kind)s #%(id)s)") % {
                "what": text,
                "kind": parent_name,
                "id": self.parent_object_id,
            }
        return str(text)
