"""Delivery: at most one email per notification, retries with backoff, the sweep, resend."""

from __future__ import annotations

import datetime
import logging
import smtplib

import kombu.exceptions
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db.models import F
from django.utils import timezone

from notifications.models import Notification, Status
from notifications.services import (
    DeliveryDeferred,
    backoff_seconds,
    notification_deliver,
    notifications_sweep,
    notify,
)
from notifications.tasks import send_notification, sweep_notifications
from tests.factories import url_in

CONTEXT = {"title": "Help at the city office", "category": "Official papers"}


@pytest.fixture
def notification(alice):  # noqa: ANN001, ANN201
    return notify(
        event="request_received", recipient=alice, key="request_received:1", context=CONTEXT
    )


def _age(notification: Notification, **delta: float) -> None:
    """Move a row's clock back, as if it had waited that long."""
    ago = datetime.timedelta(**delta)
    Notification.objects.filter(pk=notification.pk).update(
        created_at=F("created_at") - ago, claimed_at=F("claimed_at") - ago
    )


@pytest.fixture
def smtp_down(monkeypatch):  # noqa: ANN001, ANN201
    def refuse(self, messages):  # noqa: ANN001, ANN202
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)


def test_running_the_task_twice_sends_one_email(notification) -> None:  # noqa: ANN001
    assert send_notification.apply(args=[notification.pk]).get() == "sent"
    assert send_notification.apply(args=[notification.pk]).get() == "skipped"

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None


def test_a_row_another_worker_is_sending_is_left_alone(notification) -> None:  # noqa: ANN001
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=1
    )

    assert notification_deliver(notification_id=notification.pk) == "skipped"
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_missing_row_is_skipped() -> None:
    assert notification_deliver(notification_id=999_999) == "skipped"


def test_broker_down_leaves_it_pending_then_the_sweep_sends_it_once(
    alice,
    queue,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    def broker_down(notification_id: int) -> None:
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(send_notification, "delay", broker_down)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            event="request_received", recipient=alice, key="request_received:1", context=CONTEXT
        )

    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert "broker unavailable" in caplog.text
    assert "alice" not in caplog.text.lower() and CONTEXT["title"] not in caplog.text

    monkeypatch.setattr(send_notification, "delay", queue.append)  # the broker is back
    assert notifications_sweep().enqueued == 0  # too fresh: it may still be on its way
    _age(notification, minutes=2)
    assert notifications_sweep().enqueued == 1
    assert notifications_sweep().enqueued == 0  # queued a moment ago: no pile of copies
    queue.extend([notification.pk])  # and a late duplicate delivery on top
    assert sorted(queue.run()) == ["sent", "skipped"]

    _age(notification, minutes=5)
    assert notifications_sweep().enqueued == 0
    assert len(mail.outbox) == 1


def test_the_sweep_stops_early_while_the_broker_is_still_down(alice, monkeypatch) -> None:  # noqa: ANN001
    def broker_down(notification_id: int) -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(send_notification, "delay", broker_down)
    for pk in range(3):
        n = notify(event="request_received", recipient=alice, key=f"r:{pk}", context=CONTEXT)
        _age(n, minutes=2)

    assert sweep_notifications.apply().get() == {"released": 0, "failed": 0, "enqueued": 0}
    assert Notification.objects.filter(status=Status.PENDING).count() == 3


def test_a_transient_smtp_error_backs_off_and_retries(notification, smtp_down) -> None:  # noqa: ANN001
    with pytest.raises(DeliveryDeferred) as deferred:
        notification_deliver(notification_id=notification.pk)

    assert deferred.value.countdown == 60
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.attempts == 1
    assert notification.last_error.startswith("SMTPServerDisconnected")
    assert notification.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    # A duplicate message arriving before the backoff is over does nothing.
    assert notification_deliver(notification_id=notification.pk) == "skipped"
    assert [backoff_seconds(n) for n in range(1, 6)] == [60, 120, 240, 480, 960]


def test_after_five_tries_it_fails_and_admin_resend_sends_it(
    notification,
    smtp_down,
    monkeypatch,
    settings,
    carol,
    client,
    queue,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    settings.NOTIFICATIONS_BACKOFF_BASE_SECONDS = 0  # eager retries run at once

    assert send_notification.apply(args=[notification.pk]).get() == "failed"

    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.attempts == 5
    assert "alice@example.com" not in notification.last_error
    assert mail.outbox == []

    monkeypatch.undo()  # the SMTP server is back (and so is the real `delay`)
    monkeypatch.setattr(send_notification, "delay", queue.append)
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url_in("en", "admin:notifications_notification_changelist"),
            {"action": "resend", "_selected_action": [notification.pk]},
        )

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.attempts == 0
    assert queue.run() == ["sent"]
    assert len(mail.outbox) == 1


def test_a_refused_address_fails_at_once_without_repeating_it(
    notification,
    monkeypatch,  # noqa: ANN001
) -> None:
    def refused(self, messages):  # noqa: ANN001, ANN202
        raise smtplib.SMTPRecipientsRefused({"alice@example.com": (550, b"No such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refused)

    assert notification_deliver(notification_id=notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.last_error == "SMTPRecipientsRefused"


def test_a_send_stalled_by_a_dead_worker_is_reclaimed_and_sent_once(
    notification,
    queue,  # noqa: ANN001
) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert notifications_sweep().released == 0  # still within the claim timeout

    _age(notification, minutes=11)
    result = notifications_sweep()

    assert (result.released, result.enqueued) == (1, 1)
    assert queue.run() == ["sent"]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_the_task_itself_takes_over_a_stale_claim(notification) -> None:  # noqa: ANN001
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=1
    )
    _age(notification, minutes=11)

    assert notification_deliver(notification_id=notification.pk) == "sent"
    assert len(mail.outbox) == 1


def test_a_stalled_send_that_used_up_its_tries_is_marked_failed(notification) -> None:  # noqa: ANN001
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=5
    )
    _age(notification, minutes=11)

    assert notifications_sweep().failed == 1
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert mail.outbox == []
