"""Who is told what, in their own language, when matches, pairs, volunteers and tasks change."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from matching import events
from matching.models import MatchStatus, OFPCheckIn, OFPPair, OFPStatus
from matching.ranking_services import ranking_run
from matching.services import (
    FeedbackData,
    match_accept,
    match_approve,
    match_confirm_completion,
    match_reject,
    match_withdraw,
)
from notifications.models import Notification
from requests_app.services import request_cancel
from tests.factories import make_user
from tests.matching.helpers import approval
from tests.volunteers.factories import make_match, make_open_request, make_volunteer
from volunteers.models import VolunteerStatus
from volunteers.services import volunteer_approve, volunteer_reject

pytestmark = pytest.mark.django_db


def sent(event: str, **filters: object) -> list[Notification]:
    return list(Notification.objects.filter(event=event, **filters).select_related("recipient"))


def test_staff_hear_when_a_volunteer_accepts(alice, bob, carol) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    match_accept(help_request=task, volunteer=bob)
    [notice] = sent("volunteer_accepted")
    assert notice.recipient == carol
    assert "/admin/requests_app/helprequest/" in notice.link


def test_approval_tells_both_sides_how_to_reach_each_other_in_their_language(
    alice, bob, carol
) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.ACCEPTED)
    match.agreed_time = timezone.now() + datetime.timedelta(days=3)
    match.save()
    from requests_app.models import HelpRequest, RequestStatus

    HelpRequest.objects.filter(pk=match.request_id).update(status=RequestStatus.MATCHING)
    match_approve(match=match, by=carol, **approval())
    resident_notice = Notification.objects.get(event="match_approved", recipient=alice)
    volunteer_notice = Notification.objects.get(event="match_approved", recipient=bob.user)
    assert (
        resident_notice.language == "ne"
        and volunteer_notice.language == bob.user.preferred_language
    )
    assert "090-1234-5678" in resident_notice.body_text  # the volunteer's phone
    assert "Alice" in volunteer_notice.body_text  # the resident's name, after approval only
    assert alice.email not in volunteer_notice.body_text  # never their account email
    assert resident_notice.link.startswith("/ne/")


def test_a_new_task_notice_carries_no_personal_data_of_the_resident(alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    ranking_run(request_id=task.pk)
    [notice] = sent("new_task", recipient=bob.user)
    for private in (alice.email, alice.display_name, "Alice"):
        assert private not in notice.body_text and private not in notice.body_html
    assert task.municipality in notice.body_text


def test_new_task_respects_opt_out_cap_and_digest(alice) -> None:  # noqa: ANN001
    quiet = make_volunteer(email="quiet@example.com", notify_new_tasks=False)
    digest = make_volunteer(email="digest@example.com", daily_digest=True)
    capped = make_volunteer(email="capped@example.com", max_task_emails_per_day=1)
    for n in range(2):
        ranking_run(request_id=make_open_request(alice, title=f"Clinic visit number {n}").pk)
    assert not sent("new_task", recipient=quiet.user)
    assert {n.channel for n in sent("new_task", recipient=digest.user)} == {"digest"}
    channels = sorted(n.channel for n in sent("new_task", recipient=capped.user))
    assert channels == ["email", "in_app"]  # the second of the day stays in-app


def test_each_volunteer_hears_of_a_task_once_however_often_it_is_ranked(alice, bob) -> None:  # noqa: ANN001
    from matching.ranking_services import ranking_schedule

    task = make_open_request(alice)
    ranking_run(request_id=task.pk)
    ranking_schedule(request_id=task.pk)
    ranking_run(request_id=task.pk)
    assert len(sent("new_task", recipient=bob.user)) == 1


def test_a_submitted_request_is_not_announced_until_staff_open_it(alice, bob) -> None:  # noqa: ANN001
    from tests.factories import make_request

    task = make_request(alice)
    ranking_run(request_id=task.pk)
    assert not sent("new_task")


def test_rejection_tells_the_volunteer(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.ACCEPTED)
    match_reject(match=match, by=carol, reason="Too far for this request")
    assert [n.recipient for n in sent("match_rejected")] == [bob.user]


def test_a_withdrawal_after_approval_tells_the_resident(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match.approved_at = timezone.now()
    match.save()
    match_withdraw(match=match, by=bob.user, reason="I am ill")
    assert [n.recipient for n in sent("match_withdrawn")] == [alice]


def test_cancelling_tells_the_volunteer(alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.ACCEPTED)
    request_cancel(help_request=match.request, by=alice)
    assert [n.recipient for n in sent("request_cancelled")] == [bob.user]


def test_an_unsafe_flag_reaches_staff_at_once(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match_confirm_completion(
        match=match, by=alice, data=FeedbackData(happened=True, helpful=2, unsafe=True)
    )
    [notice] = sent("safety_flag")
    assert notice.recipient == carol
    assert alice.email not in notice.body_text


def test_volunteers_hear_the_decision_on_their_application(carol) -> None:  # noqa: ANN001
    yes = make_volunteer(email="yes@example.com", status=VolunteerStatus.APPLIED)
    no = make_volunteer(email="no@example.com", status=VolunteerStatus.APPLIED)
    volunteer_approve(volunteer=yes, by=carol)
    volunteer_reject(volunteer=no, by=carol, reason="We need a phone interview first.")
    assert [n.recipient for n in sent("volunteer_approved")] == [yes.user]
    [rejected] = sent("volunteer_rejected")
    assert rejected.recipient == no.user and "phone interview" in rejected.body_text


def _approved_at(alice, bob, when: datetime.datetime):  # noqa: ANN001, ANN202
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match.agreed_time = when
    match.save()
    return match


def test_the_day_before_both_sides_are_reminded_once(alice, bob) -> None:  # noqa: ANN001
    today = timezone.localdate()
    tomorrow_10 = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(10))
    )
    _approved_at(alice, bob, tomorrow_10)
    _approved_at(alice, bob, tomorrow_10 + datetime.timedelta(days=1))  # not yet
    assert events.reminders_day_before(today=today) == 2
    events.reminders_day_before(today=today)
    assert sorted(n.recipient.email for n in sent("reminder_day_before")) == sorted(
        [alice.email, bob.user.email]
    )


def test_feedback_is_asked_after_the_help_and_reminded_once(alice, bob) -> None:  # noqa: ANN001
    now = timezone.now()
    match = _approved_at(alice, bob, now - datetime.timedelta(hours=5))
    events.feedback_requests(now=now)
    assert len(sent("feedback_request")) == 2
    match_confirm_completion(match=match, by=bob.user, data=FeedbackData(happened=True, helpful=5))
    later = now + datetime.timedelta(days=4)
    events.feedback_requests(now=later)
    events.feedback_requests(now=later)
    assert [n.recipient for n in sent("feedback_reminder")] == [alice]


def test_check_ins_are_announced_to_the_sides_yet_to_answer(alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.COMPLETED)
    today = timezone.localdate()
    pair = OFPPair.objects.create(
        match=match,
        status=OFPStatus.ACTIVE,
        start_date=today,
        end_date=today + datetime.timedelta(days=183),
        resident_consent_at=timezone.now(),
        volunteer_consent_at=timezone.now(),
    )
    OFPCheckIn.objects.create(pair=pair, number=1, due_date=today)
    OFPCheckIn.objects.create(pair=pair, number=2, due_date=today + datetime.timedelta(days=30))
    assert events.checkins_due(today=today) == 2
    assert {n.recipient for n in sent("ofp_checkin_due")} == {alice, bob.user}


def test_an_acceptance_succeeds_with_no_staff_to_tell(alice, bob) -> None:  # noqa: ANN001
    """Staff notices go to existing staff; with none, nothing is sent and nothing fails."""
    task = make_open_request(alice)
    match_accept(help_request=task, volunteer=bob)
    assert not sent("volunteer_accepted")


def test_notices_render_in_the_recipients_language(alice, bob, carol) -> None:  # noqa: ANN001
    ja_volunteer = make_volunteer(make_user("hana@example.com", preferred_language="ja"))
    match = make_match(alice, ja_volunteer, status=MatchStatus.ACCEPTED)
    match_reject(match=match, by=carol, reason="Staff decided otherwise")
    [notice] = sent("match_rejected")
    assert notice.language == "ja"
    assert notice.link.startswith("/ja/")
