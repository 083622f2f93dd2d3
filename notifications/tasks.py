"""Celery tasks for notifications: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=None, ignore_result=True)
def send_notification(self, notification_id: int) -> str:  # noqa: ANN001
    """Email one notification. The row counts the tries, so Celery's own limit is off."""
    try:
        return services.notification_deliver(notification_id=notification_id)
    except services.DeliveryDeferred as deferred:
        raise self.retry(countdown=deferred.countdown) from None


@shared_task(ignore_result=True)
def sweep_notifications() -> dict[str, int]:
    """Beat, every OUTBOX_SWEEP_SECONDS: nothing pending is forgotten, no stalled send stays stuck."""
    result = services.notifications_sweep()
    return {"released": result.released, "failed": result.failed, "enqueued": result.enqueued}


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    """Beat, once a day in the morning (Asia/Tokyo): the digest emails."""
    return services.digests_send()
