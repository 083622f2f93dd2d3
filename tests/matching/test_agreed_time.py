"""Approval needs an agreed time inside the service window (by default Monday–Saturday,
8:30–18:00 Japan time, at most 3 hours); staff can move it later and both sides are told."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from matching.events import reminders_day_before
from matching.models import Match, MatchStatus
from matching.schedule import service_window
from matching.services import (
    AgreedTimeError,
    MatchError,
    match_approve,
    match_set_agreed_time,
)
from notifications.models import Notification
from requests_app.models import RequestStatus
from tests.matching.helpers import JAPAN, approval
from tests.volunteers.factories import make_match

pytestmark = pytest.mark.django_db

MONDAY, SATURDAY, SUNDAY = 0, 5, 6


@pytest.fixture(autouse=True)
def _english() -> None:
    translation.activate("en")


def on(weekday: int, hour: int, minute: int = 0) -> datetime.datetime:
    """The next such weekday at least two days ahead, at hour:minute Japan time."""
    day = timezone.localdate() + datetime.timedelta(days=2)
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=JAPAN)


INSIDE = [
    ("Monday at opening", on(MONDAY, 8, 30), 180),
    ("Saturday ending at closing", on(SATURDAY, 17, 0), 60),
    ("Wednesday, three hours", on(2, 14, 0), 180),
]
OUTSIDE = [
    ("Sunday", on(SUNDAY, 10, 0), 60, "Monday to Saturday"),
    ("18:01", on(MONDAY, 18, 1), 30, "from 8:30 to 18:00"),
    ("before 8:30", on(MONDAY, 8, 29), 30, "from 8:30 to 18:00"),
    ("ends after 18:00", on(SATURDAY, 17, 30), 60, "must start and end"),
    ("longer than 3 hours", on(MONDAY, 9, 0), 210, "at most 3 hours"),
]


@pytest.mark.parametrize(("label", "start", "minutes"), INSIDE)
def test_times_inside_the_window_are_accepted(alice, bob, carol, label, start, minutes) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    match_approve(match=match, by=carol, agreed_time=start, agreed_minutes=minutes)
    match.refresh_from_db()
    assert (match.status, match.agreed_time, match.agreed_minutes) == (
        MatchStatus.APPROVED,
        start,
        minutes,
    )
    assert match.agreed_end == start + datetime.timedelta(minutes=minutes)


@pytest.mark.parametrize(("label", "start", "minutes", "message"), OUTSIDE)
def test_times_outside_the_window_are_refused(
    alice, bob, carol, label, start, minutes, message
) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    with pytest.raises(AgreedTimeError, match=message):
        match_approve(match=match, by=carol, agreed_time=start, agreed_minutes=minutes)
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    assert match.request.status == RequestStatus.MATCHING


def test_the_window_is_japan_time_whatever_the_offset_of_the_value(alice, bob, carol) -> None:  # noqa: ANN001
    """09:00 in UTC is 18:00 in Tokyo: a one-hour visit would end at 19:00 there."""
    start = on(MONDAY, 18, 0).astimezone(datetime.UTC)
    assert start.hour == 9
    with pytest.raises(AgreedTimeError):
        match_approve(match=make_match(alice, bob), by=carol, agreed_time=start, agreed_minutes=60)


@pytest.mark.parametrize(
    ("agreed_time", "agreed_minutes"), [(None, None), (None, 60), (on(MONDAY, 10), None)]
)
def test_approval_without_a_time_is_refused(alice, bob, carol, agreed_time, agreed_minutes) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    with pytest.raises(AgreedTimeError, match="agreed date, time and length"):
        match_approve(match=match, by=carol, agreed_time=agreed_time, agreed_minutes=agreed_minutes)
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    assert not Notification.objects.filter(event="match_approved").exists()


def test_the_window_is_configurable(settings, alice, bob, carol) -> None:  # noqa: ANN001
    settings.SERVICE_WINDOW = {"days": [6], "start": "10:00", "end": "20:00", "max_minutes": 240}
    match = make_match(alice, bob)
    with pytest.raises(AgreedTimeError, match="Sunday"):
        match_approve(match=match, by=carol, agreed_time=on(MONDAY, 11), agreed_minutes=60)
    match_approve(match=match, by=carol, agreed_time=on(SUNDAY, 16), agreed_minutes=240)
    assert service_window().length_choices()[-1] == 240


# --- the admin approve page ----------------------------------------------------------------------


def _post_approve(client, match: Match, start: datetime.datetime | None, minutes: str = "60"):  # noqa: ANN001, ANN202
    with translation.override("ja"):
        url = reverse("admin:matching_match_approve", args=[match.pk])
    return client.post(
        url,
        {
            "agreed_time": start.astimezone(JAPAN).strftime("%Y-%m-%dT%H:%M") if start else "",
            "agreed_minutes": minutes,
            "note": "",
        },
    )


def test_the_approve_page_refuses_a_sunday_with_a_clear_message_in_japanese(
    client,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    match = make_match(alice, bob)
    client.force_login(carol)
    response = _post_approve(client, match, on(SUNDAY, 10))
    assert response.status_code == 200
    form = response.context["form"]
    with translation.override("ja"):
        expected = gettext("Help takes place %(days)s only. Choose another day.") % {
            "days": service_window().days_text()
        }
    assert form.errors["agreed_time"] == [expected]
    assert "日曜" not in expected and "月曜日" in expected  # Monday to Saturday, in Japanese
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED


def test_the_approve_page_needs_a_time(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(carol)
    response = _post_approve(client, match, None)
    assert response.status_code == 200
    assert "agreed_time" in response.context["form"].errors
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED


def test_the_approve_page_offers_lengths_up_to_the_maximum(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(carol)
    page = client.get(
        reverse("admin:matching_match_approve", args=[match.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert 'value="180"' in html and 'value="210"' not in html
    assert "Monday to Saturday, 8:30–18:00 Japan time, at most 3 hours" in html
    response = _post_approve(client, match, on(MONDAY, 10), minutes="240")
    assert "agreed_minutes" in response.context["form"].errors


def test_the_approve_page_approves_a_time_inside_the_window(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(carol)
    start = on(SATURDAY, 9, 30)
    response = _post_approve(client, match, start, minutes="120")
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.agreed_time, match.agreed_minutes) == (
        MatchStatus.APPROVED,
        start,
        120,
    )


# --- changing it later ---------------------------------------------------------------------------


def approved(alice, bob, carol) -> Match:  # noqa: ANN001
    match = make_match(alice, bob)
    match_approve(match=match, by=carol, **approval())
    return match


def test_changing_the_time_tells_both_sides_in_their_language(alice, bob, carol) -> None:  # noqa: ANN001
    match = approved(alice, bob, carol)
    new_time = on(SATURDAY, 13, 0)
    match_set_agreed_time(match=match, by=carol, agreed_time=new_time, agreed_minutes=120)

    match.refresh_from_db()
    assert (match.agreed_time, match.agreed_minutes) == (new_time, 120)
    assert match.events.last().by == carol
    notices = Notification.objects.filter(event="agreed_time_changed").order_by("recipient_id")
    assert {(n.recipient, n.language) for n in notices} == {(alice, "ne"), (bob.user, "en")}
    for notice in notices:
        language = notice.language
        with translation.override(language):
            subject = gettext("New time for “%(title)s”") % {"title": match.request.title}
            when = timezone.localtime(new_time)
            from django.utils.formats import date_format

            shown = date_format(when, "DATETIME_FORMAT")
        assert notice.subject == subject
        assert shown in notice.body_text


def test_each_change_is_told_and_an_unchanged_time_is_not(alice, bob, carol) -> None:  # noqa: ANN001
    match = approved(alice, bob, carol)
    first, second = on(MONDAY, 9), on(2, 15)
    match_set_agreed_time(match=match, by=carol, agreed_time=first, agreed_minutes=60)
    match_set_agreed_time(match=match, by=carol, agreed_time=first, agreed_minutes=60)
    assert Notification.objects.filter(event="agreed_time_changed").count() == 2
    match_set_agreed_time(match=match, by=carol, agreed_time=second, agreed_minutes=60)
    assert Notification.objects.filter(event="agreed_time_changed").count() == 4


def test_a_new_time_outside_the_window_is_refused(alice, bob, carol) -> None:  # noqa: ANN001
    match = approved(alice, bob, carol)
    before = match.agreed_time
    with pytest.raises(AgreedTimeError):
        match_set_agreed_time(match=match, by=carol, agreed_time=on(SUNDAY, 10), agreed_minutes=60)
    match.refresh_from_db()
    assert match.agreed_time == before
    assert not Notification.objects.filter(event="agreed_time_changed").exists()


def test_only_staff_change_the_time_of_an_approved_match(alice, bob, carol) -> None:  # noqa: ANN001
    waiting = make_match(alice, bob)
    with pytest.raises(MatchError, match="approved match"):
        match_set_agreed_time(
            match=waiting, by=carol, agreed_time=on(MONDAY, 10), agreed_minutes=60
        )
    match = approved(alice, bob, carol)
    with pytest.raises(MatchError):
        match_set_agreed_time(
            match=match, by=bob.user, agreed_time=on(MONDAY, 10), agreed_minutes=60
        )


def test_the_reminder_follows_the_new_time(alice, bob, carol) -> None:  # noqa: ANN001
    match = approved(alice, bob, carol)
    new_time = on(MONDAY, 10)
    match_set_agreed_time(match=match, by=carol, agreed_time=new_time, agreed_minutes=60)
    day_before = timezone.localtime(new_time).date() - datetime.timedelta(days=1)
    assert reminders_day_before(today=day_before) == 2
    assert reminders_day_before(today=day_before - datetime.timedelta(days=1)) == 0


def test_the_admin_time_page_changes_it_and_refuses_outside_the_window(
    client,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    match = approved(alice, bob, carol)
    client.force_login(carol)
    change_page = client.get(reverse("admin:matching_match_change", args=[match.pk]))
    url = reverse("admin:matching_match_time", args=[match.pk])
    assert url in change_page.content.decode()
    sunday = on(SUNDAY, 10).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"agreed_time": sunday, "agreed_minutes": "60"})
    assert response.status_code == 200
    assert "agreed_time" in response.context["form"].errors
    monday = on(MONDAY, 10)
    response = client.post(
        url, {"agreed_time": monday.strftime("%Y-%m-%dT%H:%M"), "agreed_minutes": "90"}
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.agreed_time, match.agreed_minutes) == (monday, 90)
    assert Notification.objects.filter(event="agreed_time_changed").count() == 2
