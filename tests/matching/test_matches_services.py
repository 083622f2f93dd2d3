"""Match services: every legal and illegal move, and what each named service does to the request."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from matching.models import (
    MATCH_TRANSITIONS,
    Decline,
    Feedback,
    Match,
    MatchStatus,
)
from matching.services import (
    FeedbackData,
    MatchError,
    TaskTakenError,
    match_accept,
    match_accept_proposal,
    match_approve,
    match_cancel_for_request,
    match_confirm_completion,
    match_propose,
    match_reject,
    match_set_resident_phone,
    match_transition,
    match_withdraw,
)
from requests_app.models import RequestStatus
from requests_app.services import request_cancel
from tests.matching.helpers import approval, service_time
from tests.volunteers.factories import make_match, make_open_request, make_volunteer
from volunteers.models import VolunteerStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> None:
    """These tests read the domain errors' (translated) messages in English."""
    translation.activate("en")


LEGAL = [(a, b) for a, targets in MATCH_TRANSITIONS.items() for b in targets]
ILLEGAL = [(a, b) for a in MatchStatus for b in MatchStatus if b not in MATCH_TRANSITIONS[a]]
HAPPENED = FeedbackData(happened=True, helpful=5, comment="Thank you", wants_to_continue=True)


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_every_legal_move_is_recorded(alice, bob, carol, current, target) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=current)
    match_transition(match=match, to=target, by=carol, note="checked")
    match.refresh_from_db()
    assert match.status == target
    event = match.events.last()
    assert (event.from_status, event.to_status, event.by, event.note) == (
        current,
        target,
        carol,
        "checked",
    )


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_illegal_move_is_refused(alice, bob, carol, current, target) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=current)
    with pytest.raises(MatchError):
        match_transition(match=match, to=target, by=carol)
    match.refresh_from_db()
    assert match.status == current
    assert not match.events.exists()


# --- accept ---------------------------------------------------------------------------------


def test_a_volunteer_accepts_a_task(alice, bob) -> None:  # noqa: ANN001
    help_request = make_open_request(alice)
    when = timezone.now() + datetime.timedelta(days=3)
    match = match_accept(
        help_request=help_request, volunteer=bob, agreed_time=when, note="Happy to"
    )
    assert match.status == MatchStatus.ACCEPTED
    assert match.agreed_time == when
    assert match.events.get().by == bob.user
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.MATCHING  # until staff approve


def test_it_rejects_second_acceptance(alice, bob) -> None:  # noqa: ANN001
    help_request = make_open_request(alice)
    match_accept(help_request=help_request, volunteer=bob)
    other = make_volunteer(email="dan@example.com")
    with pytest.raises(TaskTakenError):
        match_accept(help_request=help_request, volunteer=other)
    assert Match.objects.count() == 1


def test_a_request_not_yet_open_cannot_be_accepted(alice, bob) -> None:  # noqa: ANN001
    from tests.factories import make_request

    with pytest.raises(MatchError):
        match_accept(help_request=make_request(alice), volunteer=bob)


@pytest.mark.parametrize(
    "status", [VolunteerStatus.APPLIED, VolunteerStatus.PAUSED, VolunteerStatus.REJECTED]
)
def test_only_active_volunteers_accept(alice, status) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=status)
    with pytest.raises(MatchError):
        match_accept(help_request=make_open_request(alice), volunteer=volunteer)
    assert not Match.objects.exists()


def test_capacity_is_respected(alice) -> None:  # noqa: ANN001
    volunteer = make_volunteer(capacity=1)
    match_accept(help_request=make_open_request(alice), volunteer=volunteer)
    with pytest.raises(MatchError, match="as many tasks"):
        match_accept(help_request=make_open_request(alice), volunteer=volunteer)
    assert Match.objects.count() == 1


def test_a_declined_task_cannot_be_accepted(alice, bob) -> None:  # noqa: ANN001
    help_request = make_open_request(alice)
    Decline.objects.create(request=help_request, volunteer=bob)
    with pytest.raises(MatchError):
        match_accept(help_request=help_request, volunteer=bob)


def test_an_unfit_task_cannot_be_accepted(alice, bob) -> None:  # noqa: ANN001
    help_request = make_open_request(alice, prefecture="Osaka", municipality="Kita")
    with pytest.raises(MatchError, match="another prefecture"):
        match_accept(help_request=help_request, volunteer=bob)


# --- staff ----------------------------------------------------------------------------------


def test_approval_matches_the_request(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    when = service_time(days=2, hour=14)
    match_approve(match=match, by=carol, agreed_time=when, agreed_minutes=90)
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert (match.agreed_time, match.agreed_minutes) == (when, 90)
    assert match.approved_at is not None
    assert match.request.status == RequestStatus.MATCHED
    assert match.request.status_changes.last().by == carol


def test_only_staff_approve(alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    with pytest.raises(MatchError):
        match_approve(match=match, by=bob.user)
    with pytest.raises(MatchError):
        match_approve(match=match, by=alice)


def test_rejecting_keeps_the_request_on_the_board(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    match_reject(match=match, by=carol, reason="Not a good fit")
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED
    assert match.events.last().note == "Not a good fit"
    assert match.request.status == RequestStatus.MATCHING


def test_rejecting_an_approved_match_puts_the_request_back(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    match_approve(match=match, by=carol, **approval())
    match_reject(match=match, by=carol, reason="Safety concern")
    match.request.refresh_from_db()
    assert match.request.status == RequestStatus.MATCHING


def test_a_rejection_needs_a_reason(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    with pytest.raises(MatchError):
        match_reject(match=match, by=carol, reason=" ")


def test_staff_propose_and_the_volunteer_accepts(alice, bob, carol) -> None:  # noqa: ANN001
    help_request = make_open_request(alice)
    match = match_propose(help_request=help_request, volunteer=bob, by=carol)
    assert match.status == MatchStatus.PROPOSED
    with pytest.raises(MatchError):
        match_accept_proposal(match=match, by=carol)
    match_accept_proposal(match=match, by=bob.user)
    assert match.status == MatchStatus.ACCEPTED
    assert [e.to_status for e in match.events.all()] == ["proposed", "accepted"]


def test_a_proposal_blocks_other_acceptances(alice, bob, carol) -> None:  # noqa: ANN001
    help_request = make_open_request(alice)
    match_propose(help_request=help_request, volunteer=bob, by=carol)
    with pytest.raises(TaskTakenError):
        match_accept(help_request=help_request, volunteer=make_volunteer(email="d@example.com"))
    with pytest.raises(TaskTakenError):
        match_propose(
            help_request=help_request, volunteer=make_volunteer(email="e@example.com"), by=carol
        )


def test_staff_cannot_propose_to_an_unfit_volunteer(alice, carol) -> None:  # noqa: ANN001
    volunteer = make_volunteer(languages=["ko"])
    with pytest.raises(MatchError, match="language"):
        match_propose(help_request=make_open_request(alice), volunteer=volunteer, by=carol)


# --- the sides ------------------------------------------------------------------------------


def test_withdrawing_before_the_help_reopens_the_request(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    match_approve(match=match, by=carol, **approval())
    match_withdraw(match=match, by=bob.user, reason="I am ill")
    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN
    assert match.request.status == RequestStatus.MATCHING
    assert Decline.objects.filter(request=match.request, volunteer=bob).exists()


def test_others_cannot_withdraw(alice, bob, mallory) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    for person in (alice, mallory):
        with pytest.raises(MatchError):
            match_withdraw(match=match, by=person)


def test_cancelling_the_request_cancels_its_match(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    match_approve(match=match, by=carol, **approval())
    request_cancel(help_request=match.request, by=alice, note="Solved it myself")
    match.refresh_from_db()
    assert match.status == MatchStatus.CANCELLED
    assert match.request.status == RequestStatus.CANCELLED
    assert match.events.last().by == alice


def test_cancelling_a_pending_match_through_the_request(alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.PROPOSED)
    cancelled = match_cancel_for_request(help_request=match.request, by=alice)
    assert [m.pk for m in cancelled] == [match.pk]
    match.refresh_from_db()
    assert match.status == MatchStatus.CANCELLED


def test_the_resident_adds_a_phone_after_approval(alice, bob, carol, mallory) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    with pytest.raises(MatchError):
        match_set_resident_phone(match=match, by=alice, phone="070-1234-5678")
    match_approve(match=match, by=carol, **approval())
    with pytest.raises(MatchError):
        match_set_resident_phone(match=match, by=mallory, phone="070-1234-5678")
    match_set_resident_phone(match=match, by=alice, phone="070-1234-5678")
    match.refresh_from_db()
    assert match.resident_phone == "070-1234-5678"


# --- completion -----------------------------------------------------------------------------


def test_both_confirm_and_the_match_and_request_complete(alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match_confirm_completion(match=match, by=alice, data=HAPPENED)
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    match_confirm_completion(match=match, by=bob.user, data=HAPPENED)
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED
    assert match.completed_at is not None
    assert match.request.status == RequestStatus.COMPLETED
    assert set(match.feedback.values_list("role", flat=True)) == {"resident", "volunteer"}


def test_one_side_saying_it_did_not_happen_keeps_it_open_for_staff(alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match_confirm_completion(match=match, by=alice, data=FeedbackData(happened=False))
    match_confirm_completion(match=match, by=bob.user, data=HAPPENED)
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert match.feedback.get(role="resident").helpful is None


def test_each_side_answers_once(alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match_confirm_completion(match=match, by=alice, data=FeedbackData(happened=False))
    with pytest.raises(MatchError):
        match_confirm_completion(match=match, by=alice, data=HAPPENED)
    assert Feedback.objects.count() == 1


def test_outsiders_and_unapproved_matches_cannot_be_confirmed(alice, bob, mallory) -> None:  # noqa: ANN001
    approved = make_match(alice, bob, status=MatchStatus.APPROVED)
    with pytest.raises(MatchError):
        match_confirm_completion(match=approved, by=mallory, data=HAPPENED)
    pending = make_match(alice, bob)
    with pytest.raises(MatchError):
        match_confirm_completion(match=pending, by=alice, data=HAPPENED)


def test_an_unsafe_flag_alerts_staff_at_once(alice, bob, carol) -> None:  # noqa: ANN001
    from notifications.models import Notification

    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match_confirm_completion(
        match=match, by=alice, data=FeedbackData(happened=True, helpful=1, unsafe=True)
    )
    [alert] = Notification.objects.filter(event="safety_flag")
    assert alert.recipient == carol
    assert f"#{match.pk}" in alert.body_text
    assert "Alice" not in alert.body_text and "alice@" not in alert.body_text
    assert "/admin/matching/feedback/" in alert.link


def test_no_alert_without_an_unsafe_flag(alice, bob, carol) -> None:  # noqa: ANN001
    from notifications.models import Notification

    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match_confirm_completion(match=match, by=alice, data=HAPPENED)
    assert not Notification.objects.filter(event="safety_flag").exists()


def test_the_error_message_is_translated(alice, bob, carol) -> None:  # noqa: ANN001
    from django.utils import translation

    match = make_match(alice, bob, status=MatchStatus.COMPLETED)
    with translation.override("en"), pytest.raises(MatchError) as error:
        match_transition(match=match, to=MatchStatus.APPROVED, by=carol)
    assert "cannot become" in str(error.value)
