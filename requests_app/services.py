"""Every write to a help request goes through here: creation, edits and the status lifecycle."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching.ranking_services import ranking_schedule
from notifications.services import notify_request_received
from otonari.text import clean_text, detect_language

from .attachments import CleanFile
from .models import (
    ALLOWED_TRANSITIONS,
    Attachment,
    AttachmentKind,
    Category,
    HelpRequest,
    RequestStatus,
    StatusChange,
    Topic,
    private_storage,
)


class RequestError(Exception):
    """A rule about help requests was broken; the message is translated and safe to show."""


@dataclass(frozen=True)
class RequestData:
    category: Category
    topics: Sequence[Topic]
    title: str
    description: str
    languages: Sequence[str]
    prefecture: str
    municipality: str
    mode: str
    availability: Sequence[str]
    preferred_dates: Sequence[datetime.date] = field(default_factory=tuple)
    contact_phone: str = ""


def _apply(help_request: HelpRequest, data: RequestData) -> None:
    if any(topic.category_id != data.category.pk for topic in data.topics):
        raise RequestError(_("Pick topics from the category you chose."))
    help_request.category = data.category
    help_request.title = clean_text(data.title, multiline=False)
    help_request.description = clean_text(data.description)
    help_request.text_language = detect_language(
        f"{help_request.title}\n{help_request.description}"
    )
    help_request.languages = list(dict.fromkeys(data.languages))
    help_request.prefecture = data.prefecture
    help_request.municipality = clean_text(data.municipality, multiline=False)
    help_request.contact_phone = clean_text(data.contact_phone, multiline=False)
    help_request.mode = data.mode
    help_request.availability = list(dict.fromkeys(data.availability))
    help_request.preferred_dates = sorted({d.isoformat() for d in data.preferred_dates})


def request_create(*, resident: User, data: RequestData) -> HelpRequest:
    with transaction.atomic():
        help_request = HelpRequest(resident=resident)
        _apply(help_request, data)
        help_request.full_clean(exclude=["resident", "category"])
        help_request.save()
        help_request.topics.set(data.topics)
        StatusChange.objects.create(
            request=help_request, from_status="", to_status=help_request.status, by=resident
        )
        notify_request_received(help_request=help_request)  # same transaction; emailed on commit
        ranking_schedule(request_id=help_request.pk)  # outbox row; ranked after commit
    return help_request


# What a volunteer agreed to when they accepted: a change to any of these after acceptance sends
# the match back to them (matching.services.match_request_changed). The first five feed the hard
# filters; the rest change the task itself. Saving the form unchanged changes nothing.
MATERIAL_FIELDS = (
    "category",
    "languages",
    "prefecture",
    "mode",
    "availability",
    "topics",
    "municipality",
    "preferred_dates",
    "title",
    "description",
)


def _material(help_request: HelpRequest) -> dict[str, object]:
    values: dict[str, object] = {
        name: getattr(help_request, name) for name in MATERIAL_FIELDS if name != "topics"
    }
    values["category"] = help_request.category_id
    values["topics"] = sorted(help_request.topics.values_list("pk", flat=True))
    return values


def request_update(*, help_request: HelpRequest, by: User, data: RequestData) -> HelpRequest:
    """The resident (or staff) edit an open request. If a volunteer has already said yes, a
    material change goes back to them, or withdraws the match when they no longer fit."""
    # Imported here: matching depends on requests, not the other way round.
    from matching.services import match_request_changed

    with transaction.atomic():
        # Only the request row: the lock order (volunteer, request, match) allows no volunteer
        # lock after it, and the re-check below needs none (an approval holds this row too).
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if not locked.is_editable:
            raise RequestError(_("This request can no longer be changed."))
        before = _material(locked)
        _apply(locked, data)
        locked.full_clean(exclude=["resident", "category"])
        locked.save()
        locked.topics.set(data.topics)
        after = _material(locked)
        changed = [name for name in MATERIAL_FIELDS if before[name] != after[name]]
        match_request_changed(help_request=locked, by=by, changed=changed)
        ranking_schedule(request_id=locked.pk)
    return locked


def request_transition(
    *, help_request: HelpRequest, to: RequestStatus | str, by: User | None, note: str = ""
) -> HelpRequest:
    """Move a request to another status, or raise RequestError if the lifecycle forbids it.

    The row is locked so two moves at once cannot both pass the check.
    """
    target = RequestStatus(to)
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        current = RequestStatus(locked.status)
        if target not in ALLOWED_TRANSITIONS[current]:
            raise RequestError(
                _("A request that is “%(current)s” cannot become “%(target)s”.")
                % {"current": current.label, "target": target.label}
            )
        locked.status = target
        locked.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(
            request=locked, from_status=current, to_status=target, by=by, note=note[:300]
        )
        if target == RequestStatus.MATCHING:
            # Fresh candidates; the best-ranked volunteers hear about the task once ranked.
            ranking_schedule(request_id=locked.pk)
    help_request.status = locked.status
    help_request.updated_at = locked.updated_at
    return locked


def _end(*, help_request: HelpRequest, to: RequestStatus, by: User, note: str) -> HelpRequest:
    """End a request; any pending or approved match of it is cancelled (and its volunteer told)."""
    # Imported here: matching depends on requests, not the other way round.
    from matching.services import match_cancel_for_request

    with transaction.atomic():
        # The request row is locked first (the lock order of matching.services).
        ended = request_transition(help_request=help_request, to=to, by=by, note=note)
        match_cancel_for_request(help_request=ended, by=by, note=note)
    return ended


def request_cancel(*, help_request: HelpRequest, by: User, note: str = "") -> HelpRequest:
    """The resident (or staff for them) cancels the request."""
    if help_request.resident_id != by.pk and not by.is_staff:
        raise RequestError(_("Only the person who asked can cancel this request."))
    return _end(help_request=help_request, to=RequestStatus.CANCELLED, by=by, note=note)


def request_close(*, help_request: HelpRequest, by: User, note: str = "") -> HelpRequest:
    """Staff close a request (out of scope, a duplicate, no answer)."""
    if not by.is_staff:
        raise RequestError(_("Only staff can close a request."))
    return _end(help_request=help_request, to=RequestStatus.CLOSED, by=by, note=note)


# --- Attachments: the letter photos and PDFs -----------------------------------------------------


def _store(storage: Storage, content: bytes, suffix: str) -> str:
    """Save under a random name (nothing of the resident's file name reaches the storage)."""
    return storage.save(f"letters/{uuid.uuid4().hex}{suffix}", ContentFile(content))


def attachments_change(
    *,
    help_request: HelpRequest,
    by: User,
    add: Sequence[CleanFile] = (),
    remove: Iterable[uuid.UUID | str] = (),
) -> list[Attachment]:
    """Add checked files to a request and remove some of its attachments, within the limits.

    The request row is locked, so two edits at once cannot together pass the limits. Files are
    written before the rows; if anything fails they are deleted again. Removed files are deleted
    from the storage only once the transaction commits (a rollback keeps them).
    """
    if help_request.resident_id != by.pk and not by.is_staff:
        raise RequestError(_("Only the person who asked can change this request."))
    storage = private_storage()
    saved: list[str] = []
    try:
        with transaction.atomic():
            locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
            if not locked.is_editable:
                raise RequestError(_("This request can no longer be changed."))
            removed = list(locked.attachments.filter(pk__in=list(remove)))
            kept = locked.attachments.exclude(pk__in=[a.pk for a in removed])
            count = kept.count() + len(add)
            if count > settings.ATTACHMENT_MAX_FILES:
                raise RequestError(
                    _("You can attach at most %(limit)d files to a request.")
                    % {"limit": settings.ATTACHMENT_MAX_FILES}
                )
            total = (kept.aggregate(total=Sum("size"))["total"] or 0) + sum(f.size for f in add)
            if total > settings.ATTACHMENT_MAX_REQUEST_BYTES:
                raise RequestError(
                    _("The files of a request may be at most %(limit)s in all.")
                    % {"limit": filesizeformat(settings.ATTACHMENT_MAX_REQUEST_BYTES)}
                )
            created = []
            for clean in add:
                suffix = ".jpg" if clean.kind == AttachmentKind.IMAGE else ".pdf"
                name = _store(storage, clean.content, suffix)
                saved.append(name)
                preview = ""
                if clean.preview is not None:
                    preview = _store(storage, clean.preview, suffix)
                    saved.append(preview)
                created.append(
                    Attachment.objects.create(
                        request=locked,
                        kind=clean.kind,
                        file=name,
                        preview=preview,
                        content_type=clean.content_type,
                        original_name=clean.original_name,
                        size=clean.size,
                        pages=clean.pages,
                    )
                )
            if removed:
                attachments_delete(attachments=removed)
    except BaseException:
        for name in saved:
            storage.delete(name)
        raise
    return created


def attachments_delete(*, attachments: Iterable[Attachment]) -> int:
    """Delete attachments: the rows now, their files once the transaction commits.

    For the resident removing a file, account deletion and retention alike.
    """
    attachments = list(attachments)
    names = [name for a in attachments for name in (a.file.name, a.preview.name) if name]
    storage = private_storage()
    with transaction.atomic():
        deleted, _counts = Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()

        def delete_files() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete_files)
    return deleted
