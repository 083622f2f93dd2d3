"""Celery tasks of the matching app: thin, by primary key, idempotent.

Nobody reads their results (the database rows are the record), so none is stored: publishing
never waits on a result backend.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import events, ranking_services


@shared_task(acks_late=True, ignore_result=True)
def rank_request(request_id: int) -> int | None:
    return ranking_services.ranking_run(request_id=request_id)


@shared_task(acks_late=True, ignore_result=True)
def refresh_volunteer_embeddings(volunteer_id: int) -> int:
    """Encode a changed profile's texts ahead of the next ranking."""
    return ranking_services.embeddings_refresh_volunteer(volunteer_id=volunteer_id)


@shared_task(ignore_result=True)
def sweep_rankings() -> int:
    """Beat, every OUTBOX_SWEEP_SECONDS: rankings lost by the broker or by a dead worker."""
    return ranking_services.rankings_sweep()


# Daily, at a morning hour in Japan (CELERY_TIMEZONE): never at night. Each run is idempotent:
# a notification is keyed by its match, date or check-in, so a second run sends nothing again.


@shared_task(ignore_result=True)
def send_match_reminders() -> int:
    return events.reminders_day_before(today=timezone.localdate())


@shared_task(ignore_result=True)
def send_feedback_requests() -> int:
    return events.feedback_requests(now=timezone.now())


@shared_task(ignore_result=True)
def send_checkin_reminders() -> int:
    return events.checkins_due(today=timezone.localdate())
