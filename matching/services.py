"""Every write to matches and OFP pairs: accept, propose, approve, reject, withdraw, complete, pair.

Lock order, to stay free of deadlocks: volunteer row, then request row, then match row. A service
may skip a level (a cancellation locks no volunteer) but never takes them in another order, and a
service called inside another's transaction only takes rows at or below those already held.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching import ranking
from otonari.text import clean_text
from requests_app.models import HelpRequest, RequestStatus
from requests_app.services import RequestError, request_transition
from volunteers.models import Volunteer

from . import events
from .models import (
    ACTIVE_STATUSES,
    CONTACT_STATUSES,
    MATCH_TRANSITIONS,
    OFP_MONTHS,
    OFP_TRANSITIONS,
    OPEN_TASK_STATUSES,
    Decline,
    Feedback,
    Match,
    MatchEvent,
    MatchStatus,
    OFPCheckIn,
    OFPCheckInAnswer,
    OFPEvent,
    OFPPair,
    OFPStatus,
    Role,
)
from .profiles import request_profile, volunteer_profile
from .schedule import service_window

logger = logging.getLogger(__name__)


class MatchError(Exception):
    """A rule about matches was broken; the message is translated and safe to show."""


class TaskTakenError(MatchError):
    """Somebody else's acceptance won: the request already has an active match."""


class AgreedTimeError(MatchError):
    """The agreed time is missing or outside the service window (a form shows it on the field)."""


class OFPError(Exception):
    """A rule about OFP pairs was broken; the message is translated and safe to show."""


FILTER_MESSAGES = {
    ranking.FILTER_CATEGORY: _("This task is not in the kinds of help you offer."),
    ranking.FILTER_LANGUAGE: _("You do not share a language with this resident."),
    ranking.FILTER_MODE: _("This task needs a way of helping that you did not choose."),
    ranking.FILTER_PREFECTURE: _("This task is in person, in another prefecture."),
    ranking.FILTER_AVAILABILITY: _("This task is at times when you are not available."),
    ranking.FILTER_APPROVED: _("Only volunteers approved by staff can take tasks."),
    ranking.FILTER_PAUSED: _("You are paused. Resume to take tasks."),
    ranking.FILTER_CAPACITY: _("You already have as many tasks as you said you can take."),
}

# The same hard filters, as staff read them when an approval is refused.
APPROVAL_FILTER_MESSAGES = {
    ranking.FILTER_CATEGORY: _(
        "Cannot approve: the volunteer does not offer help in the request's category."
    ),
    ranking.FILTER_LANGUAGE: _(
        "Cannot approve: the volunteer shares no language with the resident any more."
    ),
    ranking.FILTER_MODE: _(
        "Cannot approve: the request now needs a way of helping the volunteer did not choose."
    ),
    ranking.FILTER_PREFECTURE: _(
        "Cannot approve: the request is in person in a prefecture the volunteer does not cover."
    ),
    ranking.FILTER_AVAILABILITY: _(
        "Cannot approve: the request's times do not match the volunteer's availability."
    ),
    ranking.FILTER_APPROVED: _("Cannot approve: the volunteer is not approved."),
    ranking.FILTER_PAUSED: _("Cannot approve: the volunteer is paused."),
    ranking.FILTER_CAPACITY: _("Cannot approve: the volunteer has no room for another task."),
}


def announce(event: str, **objects: object) -> None:
    """Tell the people concerned (``matching.events``), inside the caller's transaction: the
    notification rows commit with the change and are emailed after commit. Events nobody is
    emailed about (e.g. ``ofp_ended``) show on the pair's page only."""
    handler = events.HANDLERS.get(event)
    if handler is not None:
        handler(*objects.values())


# --- helpers -----------------------------------------------------------------------------------


def _require_staff(by: User) -> None:
    if not by.is_staff:
        raise MatchError(_("Only staff can do this."))


def _failed_filters(
    help_request: HelpRequest, volunteer: Volunteer, *, holding: Match | None = None
) -> tuple[str, ...]:
    """The hard filters (``ranking.failed_filters``, the one rule) this volunteer fails for this
    request. ``holding``: the match being checked, which does not count against capacity."""
    open_tasks = Match.objects.filter(volunteer=volunteer, status__in=OPEN_TASK_STATUSES)
    if holding is not None:
        open_tasks = open_tasks.exclude(pk=holding.pk)
    return ranking.failed_filters(
        request_profile(help_request), volunteer_profile(volunteer, open_tasks=open_tasks.count())
    )


def _require_feasible(help_request: HelpRequest, volunteer: Volunteer) -> None:
    failed = _failed_filters(help_request, volunteer)
    if failed:
        raise MatchError(FILTER_MESSAGES[failed[0]])


def _lock_volunteer(volunteer: Volunteer) -> Volunteer:
    """Capacity is checked under this lock, so two acceptances by one volunteer queue up.

    NO KEY UPDATE: it does not block rows that merely point at the volunteer (a new Decline).
    """
    return (
        Volunteer.objects.select_for_update(no_key=True)
        .prefetch_related("categories", "topics")
        .get(pk=volunteer.pk)
    )


def _lock_request(pk: int) -> HelpRequest:
    """The request row, locked (only that row: ``of`` keeps the category unlocked), fresh."""
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("category")
        .prefetch_related("topics")
        .get(pk=pk)
    )


def _reopen_request(help_request: HelpRequest, by: User | None, note: str) -> None:
    """A match that was approved is gone: the request goes back to the board."""
    if help_request.status == RequestStatus.MATCHED:
        request_transition(help_request=help_request, to=RequestStatus.MATCHING, by=by, note=note)


def _sync(match: Match, locked: Match) -> Match:
    for name in (
        "status",
        "agreed_time",
        "agreed_minutes",
        "approved_at",
        "completed_at",
        "updated_at",
    ):
        setattr(match, name, getattr(locked, name))
    return locked


# --- the service window -----------------------------------------------------------------------


def check_service_window(start: datetime.datetime | None, minutes: int | None) -> None:
    """Raise AgreedTimeError unless a start and a length are given and fit the service window."""
    if start is None or minutes is None:
        raise AgreedTimeError(
            _("Enter the agreed date, time and length: a match is approved only with them.")
        )
    problem = service_window().problem(start, minutes)
    if problem:
        raise AgreedTimeError(problem)


# --- the state machine -------------------------------------------------------------------------


def match_transition(
    *,
    match: Match,
    to: MatchStatus | str,
    by: User | None,
    note: str = "",
    agreed_time: datetime.datetime | None = None,
    agreed_minutes: int | None = None,
) -> Match:
    """Move a match to another status, or raise MatchError if the lifecycle forbids it.

    The request row and then the match row are locked so two moves cannot both pass the check.
    """
    target = MatchStatus(to)
    with transaction.atomic():
        HelpRequest.objects.select_for_update().filter(pk=match.request_id).first()
        locked = Match.objects.select_for_update().get(pk=match.pk)
        current = MatchStatus(locked.status)
        if target not in MATCH_TRANSITIONS[current]:
            raise MatchError(
                _("A match that is “%(current)s” cannot become “%(target)s”.")
                % {"current": current.label, "target": target.label}
            )
        locked.status = target
        if agreed_time is not None:
            locked.agreed_time = agreed_time
        if agreed_minutes is not None:
            locked.agreed_minutes = agreed_minutes
        if target == MatchStatus.APPROVED:
            locked.approved_at = timezone.now()
        if target == MatchStatus.COMPLETED:
            locked.completed_at = timezone.now()
        locked.save()
        MatchEvent.objects.create(
            match=locked, from_status=current, to_status=target, by=by, note=note[:500]
        )
    return _sync(match, locked)


# --- volunteers take tasks ---------------------------------------------------------------------


def match_accept(
    *,
    help_request: HelpRequest,
    volunteer: Volunteer,
    agreed_time: datetime.datetime | None = None,
    note: str = "",
) -> Match:
    """A volunteer takes a task from the board. Exactly one acceptance per request wins.

    The request row is locked (after the volunteer's) before its status is read, so a
    cancellation in progress is waited for and then seen: a cancelled request never gets an
    active match. The partial unique constraint ``one_active_match_per_request`` still guards
    the insert; every losing acceptance gets TaskTakenError, never a server error.
    """
    with transaction.atomic():
        locked_volunteer = _lock_volunteer(volunteer)
        task = _lock_request(help_request.pk)
        if task.status != RequestStatus.MATCHING:
            raise MatchError(_("This task is no longer open."))
        if Decline.objects.filter(request=task, volunteer=locked_volunteer).exists():
            raise MatchError(_("You said this task is not for you."))
        _require_feasible(task, locked_volunteer)
        if Match.objects.filter(request=task, status__in=ACTIVE_STATUSES).exists():
            raise TaskTakenError(_("Someone already took this task."))
        try:
            with transaction.atomic():
                match = Match.objects.create(
                    request=task,
                    volunteer=locked_volunteer,
                    status=MatchStatus.ACCEPTED,
                    agreed_time=agreed_time,
                )
        except IntegrityError:
            raise TaskTakenError(_("Someone already took this task.")) from None
        MatchEvent.objects.create(
            match=match,
            from_status="",
            to_status=MatchStatus.ACCEPTED,
            by=locked_volunteer.user,
            note=clean_text(note)[:500],
        )
        announce("volunteer_accepted", match=match)
    return match


def task_decline(*, help_request: HelpRequest, volunteer: Volunteer, reason: str = "") -> Decline:
    """“Not for me”: the task leaves this volunteer's board; the reason is kept for staff."""
    with transaction.atomic():
        decline, created = Decline.objects.get_or_create(
            request=help_request,
            volunteer=volunteer,
            defaults={"reason": clean_text(reason, multiline=False)[:300]},
        )
    return decline


def match_propose(
    *, help_request: HelpRequest, volunteer: Volunteer, by: User, note: str = ""
) -> Match:
    """Staff ask one volunteer to take a request; the volunteer accepts or declines."""
    _require_staff(by)
    with transaction.atomic():
        locked_volunteer = _lock_volunteer(volunteer)
        task = _lock_request(help_request.pk)
        if task.status != RequestStatus.MATCHING:
            raise MatchError(_("Only a request that is looking for a volunteer can be proposed."))
        _require_feasible(task, locked_volunteer)
        try:
            with transaction.atomic():
                match = Match.objects.create(
                    request=task, volunteer=locked_volunteer, status=MatchStatus.PROPOSED
                )
        except IntegrityError:
            raise TaskTakenError(_("This request already has a volunteer.")) from None
        MatchEvent.objects.create(
            match=match, from_status="", to_status=MatchStatus.PROPOSED, by=by, note=note[:500]
        )
        announce("match_proposed", match=match)
    return match


def match_accept_proposal(
    *, match: Match, by: User, agreed_time: datetime.datetime | None = None
) -> Match:
    if match.volunteer.user_id != by.pk:
        raise MatchError(_("Only the volunteer it was proposed to can accept it."))
    with transaction.atomic():
        locked_volunteer = _lock_volunteer(match.volunteer)
        task = _lock_request(match.request_id)
        if match.status == MatchStatus.PROPOSED:
            _require_feasible(task, locked_volunteer)
        match = match_transition(
            match=match, to=MatchStatus.ACCEPTED, by=by, agreed_time=agreed_time
        )
        announce("volunteer_accepted", match=match)
    return match


# --- staff decide ------------------------------------------------------------------------------


def match_approve(
    *,
    match: Match,
    by: User,
    agreed_time: datetime.datetime | None = None,
    agreed_minutes: int | None = None,
    note: str = "",
) -> Match:
    """Staff approve: the request is matched and both sides see each other's contact details.

    Only with an agreed time inside the service window (reminders follow from it), and only if
    the volunteer still passes the hard filters: the request may have changed since they
    accepted. Both are checked under the volunteer and request locks, so an edit of the request
    either happens before (and is seen) or waits and finds the request matched.
    """
    _require_staff(by)
    check_service_window(agreed_time, agreed_minutes)
    with transaction.atomic():
        volunteer = _lock_volunteer(match.volunteer)
        task = _lock_request(match.request_id)
        # Read under the request lock: an edit of the request has finished or has not begun.
        match.refresh_from_db(fields=["status"])
        if match.status == MatchStatus.RECONFIRM:
            raise MatchError(
                _(
                    "Cannot approve: the resident changed the request, and the volunteer has not "
                    "confirmed the new details yet."
                )
            )
        failed = _failed_filters(task, volunteer, holding=match)
        if failed:
            raise MatchError(APPROVAL_FILTER_MESSAGES[failed[0]])
        match = match_transition(
            match=match,
            to=MatchStatus.APPROVED,
            by=by,
            note=note,
            agreed_time=agreed_time,
            agreed_minutes=agreed_minutes,
        )
        match.request = task
        try:
            request_transition(help_request=task, to=RequestStatus.MATCHED, by=by, note=note)
        except RequestError as error:
            raise MatchError(str(error)) from None
        announce("match_approved", match=match)
    return match


def match_reject(*, match: Match, by: User, reason: str) -> Match:
    """Staff say no; the request stays on (or goes back to) the board."""
    _require_staff(by)
    reason = clean_text(reason)
    if not reason:
        raise MatchError(_("Give a reason for the rejection."))
    with transaction.atomic():
        match = match_transition(match=match, to=MatchStatus.REJECTED, by=by, note=reason)
        _reopen_request(match.request, by, reason)
        announce("match_rejected", match=match)
    return match


def match_set_agreed_time(
    *, match: Match, by: User, agreed_time: datetime.datetime, agreed_minutes: int
) -> Match:
    """Staff move the agreed time of an approved match; both sides are told in their language,
    and the reminders follow the new time (they are computed from it)."""
    _require_staff(by)
    check_service_window(agreed_time, agreed_minutes)
    with transaction.atomic():
        _lock_request(match.request_id)
        locked = Match.objects.select_for_update().get(pk=match.pk)
        if locked.status != MatchStatus.APPROVED:
            raise MatchError(_("Only the time of an approved match can be changed."))
        if (locked.agreed_time, locked.agreed_minutes) == (agreed_time, agreed_minutes):
            return _sync(match, locked)
        locked.agreed_time = agreed_time
        locked.agreed_minutes = agreed_minutes
        locked.save(update_fields=["agreed_time", "agreed_minutes", "updated_at"])
        event = MatchEvent.objects.create(
            match=locked,
            from_status=locked.status,
            to_status=locked.status,
            by=by,
            note=f"agreed time: {agreed_time.isoformat()}, {agreed_minutes} min",
        )
        announce("agreed_time_changed", match=locked, change=event)
    return _sync(match, locked)


# --- the request changed after a volunteer accepted --------------------------------------------


def match_request_changed(
    *, help_request: HelpRequest, by: User, changed: Iterable[str]
) -> Match | None:
    """The resident changed ``changed`` fields of a request that has a pending match.

    Called by ``request_update`` inside its transaction, with the request row locked (so an
    approval cannot slip between the edit and this check). Returns the match it moved, if any.

    We chose “back to the volunteer” over “withdrawn” whenever the volunteer still fits: they
    said yes to a task a minute ago and most edits (a time, a topic, a clearer description) do
    not change their answer, so withdrawing would throw away a willing volunteer and send the
    resident back to the queue. But their yes was to the old task, so staff may not approve it
    until the volunteer has read the new details and confirmed (RECONFIRM). When the volunteer
    no longer passes the hard filters, asking them is pointless: the match is withdrawn with the
    failed filter as its reason, the volunteer is told why, and the request (still looking for
    a volunteer) is ranked again by the edit. A proposal the volunteer has not answered yet
    stays as it is if they still fit: they will read the new details when they answer.
    """
    changed = sorted(changed)
    if not changed:
        return None
    with transaction.atomic():
        pending = (
            Match.objects.select_for_update(of=("self",))
            .select_related("volunteer__user")
            .filter(
                request=help_request,
                status__in=(MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.RECONFIRM),
            )
            .first()
        )
        if pending is None:
            return None
        task = (
            HelpRequest.objects.select_related("category", "resident")
            .prefetch_related("topics")
            .get(pk=help_request.pk)
        )
        pending.request = task
        volunteer = (
            Volunteer.objects.prefetch_related("categories", "topics")
            .select_related("user")
            .get(pk=pending.volunteer_id)
        )
        failed = _failed_filters(task, volunteer, holding=pending)
        if failed:
            with translation.override(settings.LANGUAGE_CODE):  # the audit trail is for staff
                note = str(APPROVAL_FILTER_MESSAGES[failed[0]])
            match = match_transition(match=pending, to=MatchStatus.WITHDRAWN, by=by, note=note)
            announce("match_no_longer_fits", match=match, reason=FILTER_MESSAGES[failed[0]])
            return match
        if pending.status == MatchStatus.PROPOSED:
            return None
        note = "request changed: " + ", ".join(changed)
        if pending.status == MatchStatus.RECONFIRM:  # changed again before they answered
            event = MatchEvent.objects.create(
                match=pending,
                from_status=pending.status,
                to_status=pending.status,
                by=by,
                note=note,
            )
            match = pending
        else:
            match = match_transition(match=pending, to=MatchStatus.RECONFIRM, by=by, note=note)
            event = match.events.order_by("-pk")[0]
        announce("match_reconfirm", match=match, change=event, changed=changed)
    return match


def match_reconfirm(*, match: Match, by: User) -> Match:
    """The volunteer read the changed request and still says yes: it waits for staff again."""
    if match.volunteer.user_id != by.pk:
        raise MatchError(_("Only the volunteer of this match can confirm it."))
    with transaction.atomic():
        volunteer = _lock_volunteer(match.volunteer)
        task = _lock_request(match.request_id)
        # Read under the request lock: a further edit may have withdrawn it meanwhile.
        match.refresh_from_db(fields=["status"])
        if match.status != MatchStatus.RECONFIRM:
            raise MatchError(_("This match is not waiting for your confirmation."))
        failed = _failed_filters(task, volunteer, holding=match)
        if failed:
            raise MatchError(FILTER_MESSAGES[failed[0]])
        match = match_transition(match=match, to=MatchStatus.ACCEPTED, by=by, note="reconfirmed")
        match.request = task
        event = match.events.order_by("-pk")[0]
        announce("volunteer_reconfirmed", match=match, change=event)
    return match


# --- the two sides -----------------------------------------------------------------------------


def match_withdraw(*, match: Match, by: User, reason: str = "") -> Match:
    """The volunteer (or staff) steps back before the help; the request goes back to matching."""
    if match.volunteer.user_id != by.pk and not by.is_staff:
        raise MatchError(_("Only the volunteer can withdraw."))
    reason = clean_text(reason)
    with transaction.atomic():
        match = match_transition(match=match, to=MatchStatus.WITHDRAWN, by=by, note=reason)
        _reopen_request(match.request, by, reason)
        if match.volunteer.user_id == by.pk:
            # Withdrawn tasks leave the volunteer's board, like declined ones.
            task_decline(help_request=match.request, volunteer=match.volunteer, reason=reason)
        announce("match_withdrawn", match=match)
    return match


def match_cancel_for_request(
    *, help_request: HelpRequest, by: User | None, note: str = ""
) -> list[Match]:
    """The request is being cancelled: every pending or approved match of it is cancelled."""
    cancelled = []
    with transaction.atomic():
        for pending in Match.objects.filter(
            request=help_request, status__in=ACTIVE_STATUSES
        ).select_related("volunteer__user", "request"):
            done = match_transition(match=pending, to=MatchStatus.CANCELLED, by=by, note=note)
            announce("request_cancelled", match=done)
            cancelled.append(done)
    return cancelled


def match_set_resident_phone(*, match: Match, by: User, phone: str) -> Match:
    """The resident may add a phone number for the volunteer once the match is approved."""
    if match.request.resident_id != by.pk:
        raise MatchError(_("Only the resident can change this."))
    with transaction.atomic():
        locked = Match.objects.select_for_update().get(pk=match.pk)
        if locked.status not in CONTACT_STATUSES:
            raise MatchError(_("You can add a phone number once the match is approved."))
        locked.resident_phone = clean_text(phone, multiline=False)
        locked.full_clean(
            exclude=[f.name for f in Match._meta.fields if f.name != "resident_phone"]
        )
        locked.save(update_fields=["resident_phone", "updated_at"])
    match.resident_phone = locked.resident_phone
    return locked


@dataclass(frozen=True)
class FeedbackData:
    happened: bool
    helpful: int | None = None
    comment: str = ""
    unsafe: bool = False
    wants_to_continue: bool = False


def alert_staff_unsafe(feedback: Feedback) -> None:
    """Tell staff at once that someone flagged a match as unsafe. The message holds no personal
    data: only the match number and the link to the admin page."""
    events.safety_flag(feedback)


def match_confirm_completion(*, match: Match, by: User, data: FeedbackData) -> Feedback:
    """One side says whether the help happened and how it went. When both say it happened,
    the match and the request are completed."""
    role = match.role_of(by)
    if role is None:
        raise MatchError(_("Only the two people of this match can answer."))
    if data.happened and data.helpful is None:
        raise MatchError(_("Say how helpful it was, from 1 to 5."))
    with transaction.atomic():
        HelpRequest.objects.select_for_update().filter(pk=match.request_id).first()
        locked = Match.objects.select_for_update().get(pk=match.pk)
        if locked.status != MatchStatus.APPROVED:
            raise MatchError(_("You can answer only for an approved match."))
        try:
            with transaction.atomic():
                feedback = Feedback.objects.create(
                    match=locked,
                    role=role,
                    author=by,
                    happened=data.happened,
                    helpful=data.helpful if data.happened else None,
                    comment=clean_text(data.comment)[:2000],
                    unsafe=data.unsafe,
                    wants_to_continue=data.wants_to_continue and data.happened,
                )
        except IntegrityError:
            raise MatchError(_("You have already answered for this match.")) from None
        if feedback.unsafe:
            alert_staff_unsafe(feedback)
        sides = list(Feedback.objects.filter(match=locked).values_list("happened", flat=True))
        if len(sides) == 2 and all(sides):
            match_transition(match=match, to=MatchStatus.COMPLETED, by=by)
            request_transition(help_request=match.request, to=RequestStatus.COMPLETED, by=by)
    return feedback


# --- OFP pairs ---------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def both_want_to_continue(match: Match) -> bool:
    answers = list(match.feedback.all())
    return len(answers) == 2 and all(a.happened and a.wants_to_continue for a in answers)


def ofp_transition(
    *, pair: OFPPair, to: OFPStatus | str, by: User | None, note: str = ""
) -> OFPPair:
    target = OFPStatus(to)
    with transaction.atomic():
        locked = OFPPair.objects.select_for_update().get(pk=pair.pk)
        current = OFPStatus(locked.status)
        if target not in OFP_TRANSITIONS[current]:
            raise OFPError(
                _("A pair that is “%(current)s” cannot become “%(target)s”.")
                % {"current": current.label, "target": target.label}
            )
        if target == OFPStatus.ACTIVE and not (
            locked.resident_consent_at and locked.volunteer_consent_at
        ):
            raise OFPError(_("A pair starts only when both people have agreed."))
        locked.status = target
        if target == OFPStatus.ENDED_EARLY:
            locked.end_reason = note[:500]
        locked.save()
        OFPEvent.objects.create(
            pair=locked, from_status=current, to_status=target, by=by, note=note[:500]
        )
    pair.status = locked.status
    pair.end_reason = locked.end_reason
    return locked


def _require_convertible(match: Match) -> None:
    if match.status != MatchStatus.COMPLETED:
        raise OFPError(_("Only a completed match can become a Family Friend pair."))
    if not both_want_to_continue(match):
        raise OFPError(_("Both people must say they would like to continue."))


def ofp_request(*, match: Match, by: User) -> OFPPair:
    """The resident asks to continue as a pair; staff then approve it (``ofp_convert``)."""
    if match.request.resident_id != by.pk:
        raise OFPError(_("Only the resident can ask for this."))
    _require_convertible(match)
    with transaction.atomic():
        try:
            with transaction.atomic():
                pair = OFPPair.objects.create(match=match, status=OFPStatus.REQUESTED)
        except IntegrityError:
            raise OFPError(_("You have already asked for this.")) from None
        OFPEvent.objects.create(pair=pair, from_status="", to_status=pair.status, by=by)
        announce("ofp_requested", pair=pair)
    return pair


def ofp_convert(*, match: Match, by: User, start_date: datetime.date, rhythm: str = "") -> OFPPair:
    """Staff turn a match into a six-month pair; it becomes active once both agree."""
    if not by.is_staff:
        raise OFPError(_("Only staff can do this."))
    _require_convertible(match)
    with transaction.atomic():
        pair = OFPPair.objects.select_for_update().filter(match=match).first()
        if pair is None:
            pair = OFPPair.objects.create(match=match, status=OFPStatus.REQUESTED)
            OFPEvent.objects.create(pair=pair, from_status="", to_status=pair.status, by=by)
        pair.start_date = start_date
        pair.end_date = add_months(start_date, OFP_MONTHS)
        pair.rhythm = clean_text(rhythm, multiline=False)[:200]
        pair.save(update_fields=["start_date", "end_date", "rhythm", "updated_at"])
        pair = ofp_transition(pair=pair, to=OFPStatus.AWAITING_CONSENT, by=by)
        announce("ofp_consent_needed", pair=pair)
    return pair


def ofp_decline(*, pair: OFPPair, by: User, reason: str) -> OFPPair:
    if not by.is_staff:
        raise OFPError(_("Only staff can do this."))
    return ofp_transition(pair=pair, to=OFPStatus.DECLINED, by=by, note=clean_text(reason))


def _role_in_pair(pair: OFPPair, by: User) -> Role:
    role = pair.match.role_of(by)
    if role is None:
        raise OFPError(_("Only the two people of this pair can do this."))
    return role


def ofp_consent(*, pair: OFPPair, by: User) -> OFPPair:
    """One side's explicit consent. With both, the pair starts and the check-ins are planned."""
    role = _role_in_pair(pair, by)
    with transaction.atomic():
        locked = OFPPair.objects.select_for_update().get(pk=pair.pk)
        if locked.status != OFPStatus.AWAITING_CONSENT:
            raise OFPError(_("This pair is not waiting for agreement."))
        field = "resident_consent_at" if role == Role.RESIDENT else "volunteer_consent_at"
        if getattr(locked, field) is None:
            setattr(locked, field, timezone.now())
            locked.save(update_fields=[field, "updated_at"])
            OFPEvent.objects.create(
                pair=locked,
                from_status=locked.status,
                to_status=locked.status,
                by=by,
                note=f"consent: {role}",
            )
        if locked.resident_consent_at and locked.volunteer_consent_at:
            locked = ofp_transition(pair=locked, to=OFPStatus.ACTIVE, by=by)
            _plan_checkins(locked)
            announce("ofp_started", pair=locked)
    pair.status = locked.status
    pair.resident_consent_at = locked.resident_consent_at
    pair.volunteer_consent_at = locked.volunteer_consent_at
    return locked


def _plan_checkins(pair: OFPPair) -> Iterable[OFPCheckIn]:
    """One check-in a month, the last one being the closing survey on the end date."""
    start = pair.start_date
    if start is None:  # ofp_convert sets the dates before anyone can consent
        raise OFPError(_("The pair has no start date yet."))
    checkins = [
        OFPCheckIn(
            pair=pair,
            number=n,
            due_date=add_months(start, n),
            is_closing=n == OFP_MONTHS,
        )
        for n in range(1, OFP_MONTHS + 1)
    ]
    return OFPCheckIn.objects.bulk_create(checkins)


def ofp_checkin_answer(
    *, checkin: OFPCheckIn, by: User, rating: int, comment: str = ""
) -> OFPCheckInAnswer:
    """One side answers a monthly check-in. Both answers to the closing survey complete the pair."""
    pair = checkin.pair
    role = _role_in_pair(pair, by)
    if not 1 <= rating <= 5:
        raise OFPError(_("Choose a number from 1 to 5."))
    with transaction.atomic():
        locked = OFPPair.objects.select_for_update().get(pk=pair.pk)
        if locked.status != OFPStatus.ACTIVE:
            raise OFPError(_("Check-ins are answered while the pair is active."))
        try:
            with transaction.atomic():
                answer = OFPCheckInAnswer.objects.create(
                    checkin=checkin,
                    role=role,
                    author=by,
                    rating=rating,
                    comment=clean_text(comment)[:2000],
                )
        except IntegrityError:
            raise OFPError(_("You have already answered this check-in.")) from None
        if checkin.is_closing and checkin.answers.count() == 2:
            ofp_transition(pair=locked, to=OFPStatus.COMPLETED, by=by, note="closing survey")
    return answer


def ofp_end_early(*, pair: OFPPair, by: User, reason: str) -> OFPPair:
    if pair.match.role_of(by) is None and not by.is_staff:
        raise OFPError(_("Only the two people of this pair or staff can end it."))
    reason = clean_text(reason)
    if not reason:
        raise OFPError(_("Tell us why the pair ends early."))
    with transaction.atomic():
        pair = ofp_transition(pair=pair, to=OFPStatus.ENDED_EARLY, by=by, note=reason)
        announce("ofp_ended", pair=pair)
    return pair


def ofp_complete(*, pair: OFPPair, by: User, note: str = "") -> OFPPair:
    if not by.is_staff:
        raise OFPError(_("Only staff can do this."))
    return ofp_transition(pair=pair, to=OFPStatus.COMPLETED, by=by, note=note)


# --- staff review of unsafe flags ----------------------------------------------------------------


def feedback_mark_reviewed(*, feedback: Feedback, by: User, note: str) -> Feedback:
    """Staff looked into an unsafe flag: who, when and what they did. Marking it again updates
    the note and the time (a second look is worth recording too)."""
    _require_staff(by)
    note = clean_text(note)
    if not note:
        raise MatchError(_("Say what you checked or did."))
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if not locked.unsafe:
            raise MatchError(_("Only feedback flagged unsafe needs a review."))
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = by
        locked.review_note = note[:500]
        locked.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    feedback.reviewed_at, feedback.reviewed_by = locked.reviewed_at, by
    feedback.review_note = locked.review_note
    return locked
