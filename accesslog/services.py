"""Writing the staff access log: the one place that decides whether an access is recorded."""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.contenttypes.models import ContentType
from django.db import models

from accounts.models import User

from .models import AccessLog, AccessView

# Attributes that lead from a record to the people whose data it shows, followed in order
# (e.g. a match: its request's resident and its volunteer's account).
_PEOPLE_PATHS = (
    ("resident_id",),
    ("recipient_id",),
    ("author_id",),
    ("user_id",),
    ("request", "resident_id"),
    ("volunteer", "user_id"),
    ("match", "request", "resident_id"),
    ("match", "volunteer", "user_id"),
    ("checkin", "pair", "match", "request", "resident_id"),
    ("checkin", "pair", "match", "volunteer", "user_id"),
)


def people_shown(obj: models.Model) -> set[int]:
    """The ids of the accounts whose personal data a page about `obj` shows."""
    if isinstance(obj, User):
        return {obj.pk}
    people = set()
    for path in _PEOPLE_PATHS:
        value: object = obj
        for attribute in path:
            value = getattr(value, attribute, None)
            if value is None:
                break
        if isinstance(value, int):
            people.add(value)
    return people


def _parent_of(obj: models.Model) -> tuple[ContentType | None, str]:
    """The help request an object belongs to (an attachment's request), as kind and id only."""
    for field in obj._meta.concrete_fields:
        related = field.related_model
        if field.name == "request" and isinstance(related, type):
            value = getattr(obj, field.attname)
            if value is not None:
                return ContentType.objects.get_for_model(related), str(value)
    return None, ""


def _is_logged(user: object) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated and user.is_staff


def record_access(*, user: object, obj: models.Model, what: AccessView | str) -> AccessLog | None:
    """Record that a staff member opened `obj` (a page or a file showing personal data).

    Nothing is recorded for someone who is not staff (residents and volunteers looking at their
    own things) or for a staff member looking at their own data. Only the kind, the id and the
    view are stored, never a field's value.
    """
    if not _is_logged(user) or user.pk in people_shown(obj):
        return None
    parent_type, parent_id = _parent_of(obj)
    return AccessLog.objects.create(
        staff=user,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        view=AccessView(what),
        parent_content_type=parent_type,
        parent_object_id=parent_id,
    )


def record_list_access(*, user: object, model: type[models.Model]) -> AccessLog | None:
    """Record that a staff member opened a list of records of `model` (e.g. users' emails)."""
    if not _is_logged(user):
        return None
    return AccessLog.objects.create(
        staff=user,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id="",
        view=AccessView.LIST,
    )
