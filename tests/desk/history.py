"""Build requests, matches, feedback and OFP pairs with a history at chosen times (Japan time).

The desk only reads, so these write rows directly: the lifecycle services are tested elsewhere,
and they stamp every move with “now”, which the numbers' tests must control.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from accounts.models import User
from matching.models import Feedback, Match, MatchEvent, OFPEvent, OFPPair, Role
from requests_app.models import HelpRequest, StatusChange
from tests.factories import make_request
from volunteers.models import Volunteer, VolunteerStatusChange

JST = ZoneInfo("Asia/Tokyo")


def jst(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JST)


def request_with(
    resident: User, received: datetime.datetime, *moves: Any, **overrides: Any
) -> HelpRequest:
    """A request received at ``received`` that then moved ``(from, to, when)``, in order."""
    help_request = make_request(resident, **overrides)
    HelpRequest.objects.filter(pk=help_request.pk).update(created_at=received)
    StatusChange.objects.filter(request=help_request).update(at=received)
    status = "submitted"
    for from_status, to_status, when in moves:
        change = StatusChange.objects.create(
            request=help_request, from_status=from_status, to_status=to_status
        )
        StatusChange.objects.filter(pk=change.pk).update(at=when)
        status = to_status
    HelpRequest.objects.filter(pk=help_request.pk).update(status=status)
    help_request.refresh_from_db()
    return help_request


def match_with(
    help_request: HelpRequest, volunteer: Volunteer, *moves: Any, **fields: Any
) -> Match:
    """A match of ``help_request`` that moved ``(from, to, when)``; its status is the last move."""
    created = moves[0][2]
    match = Match.objects.create(
        request=help_request, volunteer=volunteer, status=moves[-1][1], **fields
    )
    Match.objects.filter(pk=match.pk).update(created_at=created)
    for from_status, to_status, when in moves:
        event = MatchEvent.objects.create(match=match, from_status=from_status, to_status=to_status)
        MatchEvent.objects.filter(pk=event.pk).update(at=when)
        if to_status == "approved":
            Match.objects.filter(pk=match.pk).update(approved_at=when)
    match.refresh_from_db()
    return match


def feedback_on(match: Match, role: str, when: datetime.datetime, **fields: Any) -> Feedback:
    author = match.request.resident if role == Role.RESIDENT else match.volunteer.user
    values = {"happened": True, "helpful": 4, **fields}
    feedback = Feedback.objects.create(match=match, role=role, author=author, **values)
    Feedback.objects.filter(pk=feedback.pk).update(created_at=when)
    feedback.refresh_from_db()
    return feedback


def pair_with(match: Match, *moves: Any, **fields: Any) -> OFPPair:
    pair = OFPPair.objects.create(match=match, status=moves[-1][1], **fields)
    for from_status, to_status, when in moves:
        event = OFPEvent.objects.create(pair=pair, from_status=from_status, to_status=to_status)
        OFPEvent.objects.filter(pk=event.pk).update(at=when)
    return pair


def volunteer_moves(volunteer: Volunteer, *moves: Any) -> None:
    """Replace the volunteer's history by ``(from, to, when)`` moves."""
    VolunteerStatusChange.objects.filter(volunteer=volunteer).delete()
    for from_status, to_status, when in moves:
        change = VolunteerStatusChange.objects.create(
            volunteer=volunteer, from_status=from_status, to_status=to_status
        )
        VolunteerStatusChange.objects.filter(pk=change.pk).update(at=when)
