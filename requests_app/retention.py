"""Erasing what a resident wrote or attached, while the anonymised request stays for statistics.

Used by the daily retention task (requests closed more than ``RETENTION_DAYS`` ago) and by
account deletion. What stays: category, topics, languages, prefecture and municipality, mode,
status and its history (without notes), the dates, and the matches' states and ratings.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import HelpRequest, RequestStatus, StatusChange

logger = logging.getLogger(__name__)

ERASED_TITLE = "—"
FINAL_STATUSES = (RequestStatus.COMPLETED, RequestStatus.CANCELLED, RequestStatus.CLOSED)
BATCH_SIZE = 200


def request_erase(*, help_request: HelpRequest) -> None:
    """Remove the free text, contacts and files of one request and of its matches. Idempotent."""
    # Imported here: matching depends on requests, not the other way round.
    from matching.models import (
        Decline,
        Feedback,
        Match,
        MatchEvent,
        OFPCheckInAnswer,
        OFPEvent,
        OFPPair,
        RankedCandidate,
    )

    from .services import attachments_delete

    with transaction.atomic():
        HelpRequest.objects.filter(pk=help_request.pk).update(
            title=ERASED_TITLE,
            description="",
            contact_phone="",
            preferred_dates=[],
            updated_at=timezone.now(),
        )
        StatusChange.objects.filter(request=help_request).exclude(note="").update(note="")
        attachments_delete(attachments=help_request.attachments.all())
        matches = Match.objects.filter(request=help_request)
        matches.exclude(resident_phone="").update(resident_phone="")
        MatchEvent.objects.filter(match__in=matches).exclude(note="").update(note="")
        Feedback.objects.filter(match__in=matches).exclude(comment="").update(comment="")
        pairs = OFPPair.objects.filter(match__in=matches)
        pairs.exclude(end_reason="").update(end_reason="")
        OFPEvent.objects.filter(pair__in=pairs).exclude(note="").update(note="")
        answers = OFPCheckInAnswer.objects.filter(checkin__pair__in=pairs)
        answers.exclude(comment="").update(comment="")
        Decline.objects.filter(request=help_request).exclude(reason="").update(reason="")
        # Ranking reasons quote the texts; the ranking of a closed request is no longer needed.
        RankedCandidate.objects.filter(request=help_request).delete()
    help_request.refresh_from_db()


def expired_requests(*, now: datetime.datetime | None = None) -> list[int]:
    """Requests closed more than RETENTION_DAYS ago whose text is not erased yet (one batch)."""
    from matching.models import OFPPair, OFPStatus

    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.RETENTION_DAYS)
    closed_long_ago = StatusChange.objects.filter(
        request=OuterRef("pk"), to_status__in=FINAL_STATUSES, at__lt=cutoff
    )
    # A Family Friend pair still running keeps using the match's contacts.
    running_pair = OFPPair.objects.filter(
        match__request=OuterRef("pk"),
        status__in=(OFPStatus.REQUESTED, OFPStatus.AWAITING_CONSENT, OFPStatus.ACTIVE),
    )
    return list(
        HelpRequest.objects.filter(status__in=FINAL_STATUSES)
        .exclude(title=ERASED_TITLE, description="")
        .filter(Exists(closed_long_ago))
        .exclude(Exists(running_pair))
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )


def retention_run(*, now: datetime.datetime | None = None, max_batches: int = 50) -> int:
    """Erase expired requests in batches; returns how many were erased. Safe to run twice."""
    erased = 0
    for _batch in range(max_batches):
        ids = expired_requests(now=now)
        if not ids:
            break
        for help_request in HelpRequest.objects.filter(pk__in=ids):
            request_erase(help_request=help_request)
            erased += 1
    if erased:
        logger.info("retention: erased the text and files of %s requests", erased)
    return erased
