"""Creating notifications: right person, right language, once; staff fan-out; the digest."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import Channel, Notification, Status
from notifications.services import (
    NotificationError,
    digests_send,
    enqueue_delivery,
    notify,
    notify_staff,
)
from tests.factories import make_request, make_user

NEW_TASK = {
    "title": "Help at the city office",
    "category": "Official papers",
    "area": "Tokyo, Shinjuku",
    "time_window": "Weekday daytime",
}


def test_request_received_goes_to_the_resident_in_nepali(
    alice,
    queue,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        help_request = make_request(alice)  # while Japanese is active

    notification = Notification.objects.get()
    assert notification.recipient == alice
    assert notification.event == "request_received"
    assert notification.key == f"request_received:{help_request.pk}"
    assert notification.language == "ne"
    assert notification.link == f"/ne/requests/{help_request.pk}/"
    assert '<html lang="ne">' in notification.body_html
    assert f"http://127.0.0.1:8000/ne/requests/{help_request.pk}/" in notification.body_text
    assert help_request.title in notification.subject
    assert queue == [notification.pk]

    assert queue.run() == ["sent"]
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.extra_headers["Content-Language"] == "ne"
    assert message.alternatives[0][1] == "text/html"


def test_request_received_is_written_with_the_request_and_only_sent_after_commit(
    alice,
    queue,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        make_request(alice)

    assert Notification.objects.filter(recipient=alice, status=Status.PENDING).count() == 1
    assert queue == []  # nothing on the broker before the transaction commits
    assert [c for c in callbacks if getattr(c, "func", None) is enqueue_delivery] != []


def test_notify_twice_keeps_one_row_and_enqueues_once(
    bob,
    queue,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(event="new_task", recipient=bob, key="new_task:7", context=NEW_TASK)
        second = notify(event="new_task", recipient=bob, key="new_task:7", context=NEW_TASK)

    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert queue == [first.pk]


def test_the_same_event_for_two_instances_makes_two_rows(bob, queue) -> None:  # noqa: ANN001
    notify(event="new_task", recipient=bob, key="new_task:7", context=NEW_TASK)
    notify(event="new_task", recipient=bob, key="new_task:8", context=NEW_TASK)

    assert Notification.objects.filter(recipient=bob).count() == 2


def test_in_app_only_is_never_emailed(
    bob,
    queue,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            event="new_task", recipient=bob, key="new_task:7", context=NEW_TASK, email=False
        )

    assert notification.channel == Channel.IN_APP
    assert notification.status == Status.SKIPPED
    assert queue == []


def test_notify_rejects_unknown_events_and_missing_context(bob) -> None:  # noqa: ANN001
    with pytest.raises(NotificationError):
        notify(event="no_such_event", recipient=bob, key="x", context={})
    with pytest.raises(NotificationError):
        notify(event="new_task", recipient=bob, key="new_task:1", context={"title": "x"})
    with pytest.raises(NotificationError):
        notify(
            event="request_received",
            recipient=bob,
            key="x",
            context={"title": "x", "category": "y"},
            digest=True,
        )
    assert not Notification.objects.exists()


def test_notify_staff_reaches_every_active_staff_member_with_the_permission_in_their_language(
    carol,
    alice,
    queue,  # noqa: ANN001
) -> None:
    from django.contrib.auth.models import Permission

    make_user("former@example.com", is_staff=True, is_active=False, is_superuser=True)
    make_user("clerk@example.com", is_staff=True)  # staff, but may not read feedback
    eve = make_user("eve@example.com", is_staff=True, preferred_language="en")
    eve.user_permissions.add(Permission.objects.get(codename="view_feedback"))

    notifications = notify_staff(
        perm="matching.view_feedback",
        event="safety_flag",
        key="safety_flag:feedback:3",
        context={"reference": "Feedback #3"},
        link="/ja/admin/",
    )

    assert {(n.recipient.email, n.language, n.link) for n in notifications} == {
        ("carol@example.com", "ja", "/ja/admin/"),
        ("eve@example.com", "en", "/en/admin/"),
    }
    assert eve.notifications.get().subject.startswith("Safety flag")


def test_the_daily_digest_sends_one_email_per_volunteer(bob) -> None:  # noqa: ANN001
    dave = make_user("dave@example.com", preferred_language="ja", display_name="Dave")
    for pk in (1, 2):
        notify(
            event="new_task",
            recipient=bob,
            key=f"new_task:{pk}",
            context={**NEW_TASK, "title": f"Task {pk}"},
            link=f"/en/requests/{pk}/",
            digest=True,
        )
    notify(event="new_task", recipient=dave, key="new_task:1", context=NEW_TASK, digest=True)

    assert digests_send() == 2
    assert digests_send() == 0

    to_bob = next(m for m in mail.outbox if m.to == ["bob@example.com"])
    assert "Task 1" in to_bob.body and "Task 2" in to_bob.body
    assert "http://127.0.0.1:8000/en/requests/2/" in to_bob.body
    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_digest_rows_are_left_to_the_digest(bob, queue, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        notify(event="new_task", recipient=bob, key="new_task:1", context=NEW_TASK, digest=True)

    assert queue == []
    assert Notification.objects.get().channel == Channel.DIGEST
