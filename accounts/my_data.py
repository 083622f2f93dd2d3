"""Everything the site holds about one person, as one JSON document (and their files as a ZIP).

``_user_q`` names, per model, which rows are about the person. A test walks every model with a
foreign-key path to the user and fails when one is missing here, so a new model that holds
personal data cannot be forgotten.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from .models import User

# Never exported: secrets that would let someone sign in as the person.
SECRET_FIELDS = {
    "accounts.User": {"password"},
    "mfa.Authenticator": {"data"},
    "account.EmailConfirmation": {"key"},
}


def _other_sides_fields(label: str, obj: models.Model, user: User) -> set[str]:
    """Fields that hold the other side's data: a volunteer's copy of a match leaves out the
    resident's phone (they saw it while the match ran; it is not the volunteer's data)."""
    if label == "matching.Match" and obj.request.resident_id != user.pk:  # type: ignore[attr-defined]
        return {"resident_phone"}
    return set()


def _user_q(user: User) -> dict[str, Callable[[], Q]]:
    """Model label -> the filter of its rows about ``user`` (lazy: models may be absent)."""
    volunteer = Q(volunteer__user=user)
    as_resident = Q(request__resident=user)
    my_match = Q(match__request__resident=user) | Q(match__volunteer__user=user)
    my_pair = Q(pair__match__request__resident=user) | Q(pair__match__volunteer__user=user)
    return {
        "accounts.User": lambda: Q(pk=user.pk),
        "accounts.Consent": lambda: Q(user=user),
        "account.EmailAddress": lambda: Q(user=user),
        "account.EmailConfirmation": lambda: Q(email_address__user=user),
        "mfa.Authenticator": lambda: Q(user=user),
        "admin.LogEntry": lambda: Q(user=user),
        "requests_app.HelpRequest": lambda: Q(resident=user),
        "requests_app.StatusChange": lambda: as_resident | Q(by=user),
        "requests_app.Attachment": lambda: as_resident,
        "volunteers.Volunteer": lambda: Q(user=user),
        "volunteers.VolunteerStatusChange": lambda: volunteer | Q(by=user),
        "matching.Match": lambda: as_resident | volunteer,
        "matching.MatchEvent": lambda: my_match | Q(by=user),
        # Who else declined or was ranked for a resident's request is about those volunteers.
        "matching.Decline": lambda: volunteer,
        "matching.RankedCandidate": lambda: volunteer,
        "matching.RankingJob": lambda: as_resident,
        # Only the person's own answers: what the other side wrote stays theirs.
        "matching.Feedback": lambda: Q(author=user) | Q(reviewed_by=user),
        "matching.OFPPair": lambda: my_match,
        "matching.OFPEvent": lambda: my_pair | Q(by=user),
        "matching.OFPCheckIn": lambda: my_pair,
        "matching.OFPCheckInAnswer": lambda: Q(author=user),
        "donations.Donation": lambda: Q(recorded_by=user) | Q(donor_email__iexact=user.email),
        "donations.SupportMessage": lambda: Q(approved_by=user),
        "notifications.Notification": lambda: Q(recipient=user),
        "accesslog.AccessLog": lambda: Q(staff=user),
    }


def covered_models() -> set[str]:
    """The labels the export knows about (the completeness test compares with the models)."""
    from .models import User

    return set(_user_q(User(pk=0)).keys())


def _value(obj: models.Model, field: models.Field[Any, Any]) -> Any:
    value = getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        return value.name if value else ""  # files go in the ZIP, the JSON names them
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _row(obj: models.Model, hidden: set[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name not in hidden:
            data[field.name] = _value(obj, field)
    for m2m in obj._meta.many_to_many:
        if m2m.name not in hidden and m2m.name not in ("groups", "user_permissions"):
            data[m2m.name] = [str(item) for item in getattr(obj, m2m.name).all()]
    return data


def export_rows(user: User) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for label, q in _user_q(user).items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        hidden = SECRET_FIELDS.get(label, set())
        rows = model._default_manager.filter(q()).distinct().order_by("pk")
        yield label, [_row(obj, hidden | _other_sides_fields(label, obj, user)) for obj in rows]


def export_json(user: User) -> bytes:
    """The person's data as one JSON document, grouped by kind of record."""
    document = {
        "exported_at": timezone.localtime(),
        "user_id": user.pk,
        "records": dict(export_rows(user)),
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def attachments_zip(user: User) -> bytes:
    """The files the person attached to their requests, as a ZIP (original files, no previews)."""
    from requests_app.models import Attachment, private_storage

    storage = private_storage()  # the configured one (a field keeps the storage of import time)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for attachment in Attachment.objects.filter(request__resident=user).order_by("created_at"):
            name = f"request-{attachment.request_id}/{attachment.download_name}"
            stem, dot, ext = name.rpartition(".")
            counter = 1
            while name in used:
                counter += 1
                name = f"{stem}-{counter}{dot}{ext}"
            used.add(name)
            with storage.open(attachment.file.name, "rb") as handle:
                archive.writestr(name, handle.read())
    return buffer.getvalue()
