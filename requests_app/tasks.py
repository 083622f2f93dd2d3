"""Celery tasks of the requests app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from .retention import retention_run


@shared_task(ignore_result=True)
def erase_expired_requests() -> int:
    """Beat, daily: erase the text and files of requests closed more than RETENTION_DAYS ago."""
    return retention_run()
