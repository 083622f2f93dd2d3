"""The task board: a volunteer never sees a task they cannot do, and never the resident's data."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from matching.models import Decline, Match, MatchStatus
from matching.selectors import board_for_volunteer
from requests_app.models import Category, Topic
from tests.factories import make_request, make_user
from tests.volunteers.factories import (
    LAYOUT_QUERIES,
    make_match,
    make_open_request,
    make_volunteer,
)
from volunteers.models import VolunteerStatus

pytestmark = pytest.mark.django_db


def test_a_fitting_task_is_on_the_board(alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    assert board_for_volunteer(bob) == [task]


def test_the_board_is_oldest_first(alice, bob) -> None:  # noqa: ANN001
    first = make_open_request(alice, title="The first request")
    second = make_open_request(alice, title="The second request")
    assert board_for_volunteer(bob) == [first, second]


UNFIT_REQUESTS: dict[str, dict[str, Any]] = {
    "other prefecture in person": {"prefecture": "Osaka", "municipality": "Kita"},
    "no shared language": {"languages": ["vi"]},
    "wrong mode": {"mode": "online"},
    "no availability overlap": {"availability": ["weekday_evening"]},
}


@pytest.mark.parametrize("case", UNFIT_REQUESTS.keys())
def test_an_unfit_request_is_not_shown_and_cannot_be_accepted(client, alice, case) -> None:  # noqa: ANN001
    volunteer = make_volunteer(modes=["in_person", "phone"])
    task = make_open_request(alice, **UNFIT_REQUESTS[case])
    assert board_for_volunteer(volunteer) == []
    client.force_login(volunteer.user)
    assert client.get(reverse("matching:task", args=[task.pk])).status_code == 404
    client.post(reverse("matching:accept", args=[task.pk]))
    assert not Match.objects.exists()


def test_another_prefecture_is_fine_for_phone_help(alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice, prefecture="Osaka", municipality="Kita", mode="phone")
    assert board_for_volunteer(bob) == [task]


def test_a_category_that_is_not_theirs_is_not_shown(alice, bob) -> None:  # noqa: ANN001
    make_open_request(
        alice,
        category=Category.objects.get(code="living"),
        topics=[Topic.objects.get(code="bank_account")],
    )
    assert board_for_volunteer(bob) == []


def test_a_declined_task_leaves_the_board(alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    Decline.objects.create(request=task, volunteer=bob)
    assert board_for_volunteer(bob) == []


@pytest.mark.parametrize(
    "status", [VolunteerStatus.APPLIED, VolunteerStatus.PAUSED, VolunteerStatus.REJECTED]
)
def test_only_active_volunteers_see_tasks(client, alice, status) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=status)
    task = make_open_request(alice)
    assert board_for_volunteer(volunteer) == []
    client.force_login(volunteer.user)
    response = client.get(reverse("matching:board"))
    assert response.status_code == 200
    assert task.title not in response.content.decode()
    client.post(reverse("matching:accept", args=[task.pk]))
    assert not Match.objects.exists()


def test_a_volunteer_at_capacity_sees_nothing_and_cannot_accept(client, alice) -> None:  # noqa: ANN001
    volunteer = make_volunteer(capacity=1)
    make_match(alice, volunteer, status=MatchStatus.APPROVED)
    task = make_open_request(alice)
    assert board_for_volunteer(volunteer) == []
    client.force_login(volunteer.user)
    client.post(reverse("matching:accept", args=[task.pk]))
    assert not Match.objects.filter(request=task).exists()


def test_a_task_with_an_active_match_is_not_shown(alice, bob) -> None:  # noqa: ANN001
    other = make_volunteer(email="dan@example.com")
    match = make_match(alice, other)
    assert board_for_volunteer(bob) == []
    match.status = MatchStatus.REJECTED
    match.save()
    assert board_for_volunteer(bob) == [match.request]


def test_requests_not_open_for_matching_are_not_shown(alice, bob) -> None:  # noqa: ANN001
    make_request(alice)  # submitted, staff have not opened it yet
    assert board_for_volunteer(bob) == []


def test_the_board_shows_what_is_needed_and_no_personal_data(client, bob) -> None:  # noqa: ANN001
    resident = make_user("sita.sharma@example.com", display_name="Sita Sharma")
    task = make_open_request(resident, title="Clinic visit for my son", municipality="Shinjuku")
    client.force_login(bob.user)
    response = client.get(reverse("matching:board"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Clinic visit for my son" in html
    assert "Shinjuku" in html
    assert "Sita" not in html and "sita.sharma" not in html and "Sharma" not in html
    detail = client.get(reverse("matching:task", args=[task.pk])).content.decode()
    assert "Clinic visit for my son" in detail
    assert "Sita" not in detail and "sita.sharma" not in detail


def test_the_board_query_count_is_constant(client, alice, bob, django_assert_num_queries) -> None:  # noqa: ANN001
    make_open_request(alice)
    client.force_login(bob.user)
    # session, user, volunteer, its categories and topics, open tasks, requests, their topics,
    # and this volunteer's ranking scores (the order)
    with django_assert_num_queries(9 + LAYOUT_QUERIES):
        client.get(reverse("matching:board"))
    for n in range(8):
        make_open_request(alice, title=f"Another request {n}")
    with django_assert_num_queries(9 + LAYOUT_QUERIES):
        response = client.get(reverse("matching:board"))
    assert len(response.context["tasks"]) == 9


def test_anonymous_people_are_sent_to_login(client, alice) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    for url in (reverse("matching:board"), reverse("matching:task", args=[task.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    response = client.post(reverse("matching:accept", args=[task.pk]))
    assert reverse("account_login") in response["Location"]
    assert not Match.objects.exists()


def test_people_without_a_profile_are_asked_to_register(client, mallory) -> None:  # noqa: ANN001
    client.force_login(mallory)
    response = client.get(reverse("matching:board"))
    assert response["Location"] == reverse("volunteers:register")


# --- accept and decline from the board ------------------------------------------------------


def test_a_volunteer_accepts_from_the_board(client, alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    client.force_login(bob.user)
    response = client.post(
        reverse("matching:accept", args=[task.pk]), {"agreed_time": "", "note": "I can go"}
    )
    match = Match.objects.get()
    assert response.status_code == 302
    assert response["Location"] == match.get_absolute_url()
    assert match.volunteer == bob
    assert match.status == MatchStatus.ACCEPTED


def test_accepting_with_a_suggested_time(client, alice, bob) -> None:  # noqa: ANN001
    import datetime

    from django.utils import timezone

    task = make_open_request(alice)
    when = (timezone.localtime() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    client.force_login(bob.user)
    client.post(
        reverse("matching:accept", args=[task.pk]), {"agreed_time": when.strftime("%Y-%m-%dT%H:%M")}
    )
    assert Match.objects.get().agreed_time == when


@pytest.mark.parametrize("value", ["2020-01-01T10:00", "tomorrow at noon", "2099-01-01T10:00"])
def test_a_bad_suggested_time_saves_nothing(client, alice, bob, value) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    client.force_login(bob.user)
    response = client.post(reverse("matching:accept", args=[task.pk]), {"agreed_time": value})
    assert response.status_code == 400
    assert "agreed_time" in response.context["accept_form"].errors
    assert not Match.objects.exists()


def test_the_loser_sees_a_clear_page(client, alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    make_match(alice, make_volunteer(email="dan@example.com"))  # another request, same resident
    Match.objects.create(
        request=task, volunteer=make_volunteer(email="eve@example.com"), status="accepted"
    )
    client.force_login(bob.user)
    response = client.post(reverse("matching:accept", args=[task.pk]))
    assert response.status_code == 409
    assert "matching/task_taken.html" in [t.name for t in response.templates]
    assert Match.objects.filter(request=task).count() == 1


def test_the_taken_page_is_translated(client, alice, bob) -> None:  # noqa: ANN001
    from django.utils import translation
    from django.utils.translation import gettext

    task = make_open_request(alice)
    Match.objects.create(
        request=task, volunteer=make_volunteer(email="eve@example.com"), status="accepted"
    )
    client.force_login(bob.user)
    with translation.override("en"):
        english = client.post(f"/en/matches/board/{task.pk}/accept/").content.decode()
    assert "Someone already took this task" in english
    with translation.override("ja"):
        expected = gettext("Someone already took this task")
    assert expected in client.post(f"/ja/matches/board/{task.pk}/accept/").content.decode()


def test_a_volunteer_declines_with_a_reason(client, alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    client.force_login(bob.user)
    response = client.post(reverse("matching:decline", args=[task.pk]), {"reason": "Too far"})
    assert response["Location"] == reverse("matching:board")
    assert Decline.objects.get().reason == "Too far"
    assert client.get(reverse("matching:task", args=[task.pk])).status_code == 404


def test_a_too_long_decline_reason_saves_nothing(client, alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    client.force_login(bob.user)
    response = client.post(reverse("matching:decline", args=[task.pk]), {"reason": "x" * 301})
    assert response.status_code == 400
    assert not Decline.objects.exists()


def test_accept_and_decline_need_post(client, alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    client.force_login(bob.user)
    assert client.get(reverse("matching:accept", args=[task.pk])).status_code == 405
    assert client.get(reverse("matching:decline", args=[task.pk])).status_code == 405


def test_it_checks_ownership(client, alice, mallory) -> None:  # noqa: ANN001
    """Someone who is not a volunteer cannot open, accept or decline a task."""
    task = make_open_request(alice)
    client.force_login(mallory)
    assert client.get(reverse("matching:task", args=[task.pk])).status_code == 404
    assert client.post(reverse("matching:accept", args=[task.pk])).status_code == 404
    assert client.post(reverse("matching:decline", args=[task.pk])).status_code == 404
    assert not Match.objects.exists() and not Decline.objects.exists()
