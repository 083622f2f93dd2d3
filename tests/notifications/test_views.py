"""The in-app list: only one's own notifications, unread first, mark read; the bell; admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from notifications.context_processors import unread_count
from notifications.models import Notification
from notifications.services import notify
from tests.factories import url_in

# Until the lead adds the bell to base.html the page makes no unread COUNT; then it makes one.
BELL_IN_LAYOUT = (
    "notifications/_bell.html" in (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
)
CONTEXT = {"title": "Help at the city office", "category": "Official papers"}


def _notify(user, n: int, **extra) -> Notification:  # noqa: ANN001
    return notify(
        event="request_received",
        recipient=user,
        key=f"request_received:{n}",
        context={**CONTEXT, "title": f"Request {n}"},
        **extra,
    )


@pytest.fixture
def with_bell(settings):  # noqa: ANN001, ANN201
    """The context processor as the lead wires it into settings."""
    options = settings.TEMPLATES[0]["OPTIONS"]
    processors = [*options["context_processors"], "notifications.context_processors.unread_count"]
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**options, "context_processors": processors}}
    ]


def test_the_list_shows_my_notifications_unread_first(alice, mallory, client) -> None:  # noqa: ANN001
    old = _notify(alice, 1)
    read = _notify(alice, 2)
    newest = _notify(alice, 3)
    Notification.objects.filter(pk=read.pk).update(read_at=newest.created_at)
    _notify(mallory, 4)
    client.force_login(alice)

    response = client.get(url_in("ne", "notifications:list"))

    assert response.status_code == 200
    assert [n.pk for n in response.context["notifications"]] == [newest.pk, old.pk, read.pk]
    assert b"Request 4" not in response.content
    assert response.context["has_unread"] is True


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:  # noqa: ANN001
    response = client.get(url_in("en", "notifications:list"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_marking_one_as_read(alice, client) -> None:  # noqa: ANN001
    notification = _notify(alice, 1)
    client.force_login(alice)

    response = client.post(url_in("en", "notifications:read", notification.pk))

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_needs_a_post(alice, client) -> None:  # noqa: ANN001
    notification = _notify(alice, 1)
    client.force_login(alice)

    assert client.get(url_in("en", "notifications:read", notification.pk)).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_it_checks_ownership(alice, mallory, client) -> None:  # noqa: ANN001
    notification = _notify(alice, 1)
    client.force_login(mallory)

    response = client.post(url_in("en", "notifications:read", notification.pk))
    listing = client.get(url_in("en", "notifications:list"))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert list(listing.context["notifications"]) == []
    assert b"Request 1" not in listing.content


def test_mark_all_read_touches_only_my_own(alice, mallory, client) -> None:  # noqa: ANN001
    _notify(alice, 1)
    _notify(alice, 2)
    theirs = _notify(mallory, 3)
    client.force_login(alice)

    response = client.post(url_in("en", "notifications:read_all"), follow=True)

    assert response.status_code == 200
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("rows", [1, 12])
def test_the_list_page_query_count_is_constant(
    rows: int,
    alice,
    client,
    with_bell,
    django_assert_num_queries,  # noqa: ANN001
) -> None:
    for n in range(rows):
        _notify(alice, n)
    client.force_login(alice)
    url = url_in("en", "notifications:list")

    # session, user, page count, page rows (+ the bell's unread count)
    with django_assert_num_queries(4 + BELL_IN_LAYOUT):
        response = client.get(url)

    assert len(response.context["notifications"]) == rows


def test_the_bell_counts_only_my_unread(alice, mallory, with_bell) -> None:  # noqa: ANN001
    for n in range(3):
        _notify(alice, n)
    _notify(mallory, 9)
    request = RequestFactory().get("/")
    request.user = alice

    with translation.override("en"):
        html = render_to_string("notifications/_bell.html", unread_count(request))

    assert 'aria-label="Notifications, 3 unread"' in html
    assert ">3</strong>" in html
    assert 'href="/en/notifications/"' in html


def test_the_bell_asks_nothing_for_anonymous_visitors(django_assert_num_queries) -> None:  # noqa: ANN001
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        context = unread_count(request)
        assert context["unread_notifications"].count == 0


def test_the_bell_counts_once_per_page(alice, django_assert_num_queries) -> None:  # noqa: ANN001
    request = RequestFactory().get("/")
    request.user = alice
    context = unread_count(request)

    with django_assert_num_queries(1):
        assert context["unread_notifications"].count == 0
        assert context["unread_notifications"].count == 0


def test_staff_see_failures_in_admin(alice, carol, client) -> None:  # noqa: ANN001
    failed = _notify(alice, 1)
    Notification.objects.filter(pk=failed.pk).update(
        status="failed", last_error="SMTPServerDisconnected: gone"
    )
    client.force_login(carol)

    listing = client.get(
        url_in("en", "admin:notifications_notification_changelist"), {"status__exact": "failed"}
    )
    detail = client.get(url_in("en", "admin:notifications_notification_change", failed.pk))

    assert listing.status_code == 200 and detail.status_code == 200
    assert b"SMTPServerDisconnected: gone" in listing.content
    assert b'name="subject"' not in detail.content  # read-only
