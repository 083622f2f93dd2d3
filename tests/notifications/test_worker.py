"""End to end: a real Celery worker on Redis picks up the notification and emails it."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from notifications.models import Notification, Status
from notifications.services import notify


def _wait_for(condition, timeout: float = 15.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_email_once(celery_worker, alice) -> None:  # noqa: ANN001
    notification = notify(
        event="request_received",
        recipient=alice,
        key="request_received:1",
        context={"title": "Help at the city office", "category": "Official papers"},
        link="/ja/requests/1/",
    )

    assert _wait_for(
        lambda: Notification.objects.filter(pk=notification.pk, status=Status.SENT).exists()
    )
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == notification.subject
    assert "/ne/requests/1/" in message.body
    assert Notification.objects.get(pk=notification.pk).attempts == 1
