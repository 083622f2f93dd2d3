"""The work queue on the admin home: each count, its link, its age, the empty states, the queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from desk.selectors import queue_counts
from matching.models import Feedback, MatchStatus, OFPCheckIn, OFPCheckInAnswer, Role
from notifications.models import Notification
from tests.desk.history import feedback_on, match_with, pair_with, request_with
from tests.factories import make_request, make_user
from tests.volunteers.factories import make_volunteer
from volunteers.models import VolunteerStatus

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def counts() -> dict[str, int]:
    return {found.queue.key: found.count for found in queue_counts()}


def nonzero() -> dict[str, int]:
    return {key: n for key, n in counts().items() if n}


def days_ago(n: float) -> datetime.datetime:
    return timezone.now() - n * DAY


def opened(resident, *, days: float, **overrides):  # noqa: ANN001, ANN202
    """A request opened for matching ``days`` ago."""
    return request_with(
        resident,
        days_ago(days + 1),
        ("submitted", "matching", days_ago(days)),
        **overrides,
    )


def approved(resident, volunteer, *, agreed_days_ago: float | None):  # noqa: ANN001, ANN202
    help_request = request_with(
        resident,
        days_ago(21),
        ("submitted", "matching", days_ago(20)),
        ("matching", "matched", days_ago(18)),
    )
    agreed = None if agreed_days_ago is None else days_ago(agreed_days_ago)
    return match_with(
        help_request,
        volunteer,
        ("", "accepted", days_ago(19)),
        ("accepted", "approved", days_ago(18)),
        agreed_time=agreed,
    )


def completed_match(resident, volunteer):  # noqa: ANN001, ANN202
    match = approved(resident, volunteer, agreed_days_ago=10)
    match.status = MatchStatus.COMPLETED
    match.save(update_fields=["status"])
    return match


# --- one test per queue: fixtures that make exactly that count non-zero -------------------------


def test_it_counts_requests_not_yet_opened(alice) -> None:  # noqa: ANN001
    make_request(alice)
    opened(alice, days=0.5)
    assert nonzero() == {"requests_not_opened": 1}


def test_it_counts_open_requests_nobody_accepted_for_days(alice, bob, settings) -> None:  # noqa: ANN001
    settings.DESK_UNACCEPTED_AFTER_DAYS = 3
    opened(alice, days=4)  # waiting too long
    opened(alice, days=2)  # not yet
    taken = opened(alice, days=5)  # a volunteer accepted it: staff must approve instead
    match_with(taken, bob, ("", "proposed", days_ago(4)), ("proposed", "rejected", days_ago(3)))
    other = opened(alice, days=6)
    match_with(other, bob, ("", "accepted", days_ago(1)))
    assert counts()["requests_unaccepted"] == 2  # the one waiting 4 days and the rejected proposal
    settings.DESK_UNACCEPTED_AFTER_DAYS = 5
    assert counts()["requests_unaccepted"] == 1


def test_it_counts_accepted_matches_waiting_for_approval(alice, bob) -> None:  # noqa: ANN001
    match_with(opened(alice, days=2), bob, ("", "accepted", days_ago(1)))
    match_with(opened(alice, days=2), bob, ("", "proposed", days_ago(1)))
    assert nonzero() == {"matches_awaiting_approval": 1}


def test_it_counts_approved_matches_without_an_agreed_time(alice, bob) -> None:  # noqa: ANN001
    approved(alice, bob, agreed_days_ago=None)
    approved(alice, bob, agreed_days_ago=-2)  # agreed, in two days
    assert nonzero() == {"matches_without_time": 1}


def test_it_counts_matches_whose_feedback_is_overdue(alice, bob, settings) -> None:  # noqa: ANN001
    settings.DESK_FEEDBACK_OVERDUE_DAYS = 7
    one_side = approved(alice, bob, agreed_days_ago=8)
    feedback_on(one_side, Role.RESIDENT, days_ago(7))
    approved(alice, bob, agreed_days_ago=9)  # nobody answered
    both = approved(alice, bob, agreed_days_ago=10)  # both answered: it did not happen
    feedback_on(both, Role.RESIDENT, days_ago(9), happened=False, helpful=None)
    feedback_on(both, Role.VOLUNTEER, days_ago(9), happened=False, helpful=None)
    approved(alice, bob, agreed_days_ago=3)  # not overdue yet
    assert nonzero() == {"feedback_overdue": 2}


def test_it_counts_unsafe_flags_not_yet_reviewed(alice, bob, carol) -> None:  # noqa: ANN001
    match = completed_match(alice, bob)
    feedback_on(match, Role.RESIDENT, days_ago(2), unsafe=True)
    reviewed = feedback_on(match, Role.VOLUNTEER, days_ago(2), unsafe=True)
    Feedback.objects.filter(pk=reviewed.pk).update(
        reviewed_at=timezone.now(), reviewed_by=carol, review_note="Called both."
    )
    assert nonzero() == {"unsafe_unreviewed": 1}


def test_it_counts_volunteer_applications_waiting(bob) -> None:  # noqa: ANN001
    make_volunteer(status=VolunteerStatus.APPLIED)
    make_volunteer(status=VolunteerStatus.REJECTED)
    assert nonzero() == {"volunteer_applications": 1}


def test_it_counts_ofp_pairs_waiting_for_consent(alice, bob) -> None:  # noqa: ANN001
    pair_with(
        completed_match(alice, bob),
        ("", "requested", days_ago(3)),
        ("requested", "awaiting_consent", days_ago(2)),
        start_date=timezone.localdate(),
    )
    pair_with(completed_match(alice, bob), ("", "requested", days_ago(1)))
    assert nonzero() == {"ofp_awaiting_consent": 1}


def test_it_counts_ofp_pairs_with_a_missed_check_in(alice, bob, settings) -> None:  # noqa: ANN001
    settings.DESK_CHECKIN_OVERDUE_DAYS = 7
    today = timezone.localdate()
    now = timezone.now()
    consented = {"resident_consent_at": now, "volunteer_consent_at": now}
    late, fine = (
        pair_with(
            completed_match(alice, bob),
            ("awaiting_consent", "active", days_ago(40)),
            start_date=today - 40 * DAY,
            end_date=today + 140 * DAY,
            **consented,
        )
        for _ in range(2)
    )
    missed = OFPCheckIn.objects.create(pair=late, number=1, due_date=today - 10 * DAY)
    OFPCheckInAnswer.objects.create(checkin=missed, role=Role.RESIDENT, rating=4)
    answered = OFPCheckIn.objects.create(pair=fine, number=1, due_date=today - 10 * DAY)
    for role in (Role.RESIDENT, Role.VOLUNTEER):
        OFPCheckInAnswer.objects.create(checkin=answered, role=role, rating=5)
    OFPCheckIn.objects.create(pair=fine, number=2, due_date=today - 3 * DAY)  # within the grace
    found = {f.queue.key: f for f in queue_counts()}
    assert nonzero() == {"ofp_missed_checkin": 1}
    assert timezone.localtime(found["ofp_missed_checkin"].oldest).date() == today - 10 * DAY


def test_it_counts_failed_notifications(alice) -> None:  # noqa: ANN001
    Notification.objects.filter(recipient=alice).delete()
    for status, key in (("failed", "a"), ("sent", "b"), ("pending", "c")):
        Notification.objects.create(
            event="request_received",
            recipient=alice,
            key=key,
            language="ne",
            subject="s",
            body_text="t",
            body_html="h",
            status=status,
        )
    assert nonzero() == {"notifications_failed": 1}


# --- the admin home ---------------------------------------------------------------------------


def _queue_section(html: str) -> str:
    return html[html.index('class="module desk-queue"') : html.index("</section>")]


def test_the_admin_home_says_when_nothing_is_waiting(client, carol) -> None:  # noqa: ANN001
    client.force_login(carol)
    html = _queue_section(client.get("/ja/admin/").content.decode())
    assert "いまスタッフを待っているものはありません" in html
    assert html.count('class="desk-clear"') == 10
    assert "desk-waiting" not in html


def test_the_admin_home_links_each_count_to_its_list_oldest_first(
    client, carol, alice, bob
) -> None:  # noqa: ANN001
    older = match_with(opened(alice, days=5), bob, ("", "accepted", days_ago(4)))
    newer = match_with(opened(alice, days=2), bob, ("", "accepted", days_ago(1)))
    client.force_login(carol)
    html = _queue_section(client.get("/ja/admin/").content.decode())
    row = re.search(r'data-queue="matches_awaiting_approval">(.*?)</tr>', html, re.S).group(1)
    assert ">2</a>" in row
    assert "4日" in row  # the oldest has waited four days
    url = re.search(r'href="([^"]+)"', row).group(1).replace("&amp;", "&")
    assert url.startswith(reverse("admin:matching_match_changelist") + "?queue=")
    listing = client.get(url).content.decode()
    positions = [listing.index(f"/matching/match/{m.pk}/change/") for m in (older, newer)]
    assert positions == sorted(positions), "the oldest match comes first"
    assert listing.count("/change/") >= 2


def test_the_queue_filter_keeps_only_the_queue_rows(client, carol, alice, bob) -> None:  # noqa: ANN001
    waiting = match_with(opened(alice, days=5), bob, ("", "accepted", days_ago(4)))
    done = approved(alice, bob, agreed_days_ago=-1)
    client.force_login(carol)
    url = reverse("admin:matching_match_changelist") + "?queue=matches_awaiting_approval"
    listing = client.get(url).content.decode()
    assert f"/matching/match/{waiting.pk}/change/" in listing
    assert f"/matching/match/{done.pk}/change/" not in listing


def test_staff_see_the_queues_of_the_lists_they_may_view(client, alice) -> None:  # noqa: ANN001
    dan = make_user("dan@example.com", is_staff=True, display_name="Dan")
    dan.user_permissions.add(Permission.objects.get(codename="view_volunteer"))
    make_volunteer(status=VolunteerStatus.APPLIED)
    make_request(alice)
    client.force_login(dan)
    html = _queue_section(client.get("/ja/admin/").content.decode())
    assert re.findall(r'data-queue="(\w+)"', html) == ["volunteer_applications"]
    assert "desk:dashboard" not in html and "/desk/numbers/" not in html  # no permission


def _fill_every_queue(alice, bob, n: int) -> None:  # noqa: ANN001
    for _ in range(n):
        make_request(alice)
        opened(alice, days=9)
        match_with(opened(alice, days=5), bob, ("", "accepted", days_ago(4)))
        approved(alice, bob, agreed_days_ago=None)
        approved(alice, bob, agreed_days_ago=12)
        feedback_on(completed_match(alice, bob), Role.RESIDENT, days_ago(2), unsafe=True)
        make_volunteer(status=VolunteerStatus.APPLIED)
        pair_with(
            completed_match(alice, bob),
            ("requested", "awaiting_consent", days_ago(2)),
            start_date=timezone.localdate(),
        )
        Notification.objects.create(
            event="request_received",
            recipient=alice,
            key=f"failed:{Notification.objects.count()}",
            language="ne",
            subject="s",
            body_text="t",
            body_html="h",
            status="failed",
        )


def test_the_admin_home_makes_the_same_number_of_queries_however_long_the_queues(
    client,  # noqa: ANN001
    carol,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    django_assert_num_queries,  # noqa: ANN001
) -> None:
    client.force_login(carol)
    _fill_every_queue(alice, bob, 1)
    # Session, user; the report: savepoint, SET LOCAL, one query per table (6), release;
    # and Django's recent-actions box.
    with django_assert_num_queries(12):
        first = client.get("/ja/admin/")
    assert first.status_code == 200
    _fill_every_queue(alice, bob, 3)
    with django_assert_num_queries(12):
        client.get("/ja/admin/")
    expected = {
        "requests_not_opened": 4,
        "requests_unaccepted": 4,
        "matches_awaiting_approval": 4,
        "matches_without_time": 4,
        "feedback_overdue": 4,
        "unsafe_unreviewed": 4,
        "volunteer_applications": 4,
        "ofp_awaiting_consent": 4,
        "notifications_failed": 4,
    }
    assert {k: v for k, v in counts().items() if k in expected} == expected
