"""Every write to matches and OFP pairs: accept, propose, approve, reject, withdraw, complete, pair.

Lock order, to stay free of deadlocks: volunteer row, then request row, then match row.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
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

logger = logging.getLogger(__name__)


class MatchError(Exception):
    """A rule about matches was broken; the message is translated and safe to show."""


class TaskTakenError(MatchError):
    """Somebody else's acceptance won: the request already has an active match."""


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


def _require_feasible(help_request: HelpRequest, volunteer: Volunteer) -> None:
    open_tasks = Match.objects.filter(volunteer=volunteer, status__in=OPEN_TASK_STATUSES).count()
    failed = ranking.failed_filters(
        request_profile(help_request), volunteer_profile(volunteer, open_tasks=open_tasks)
    )
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


def _load_request(pk: int) -> HelpRequest:
    return HelpRequest.objects.select_related("category").prefetch_related("topics").get(pk=pk)


def _reopen_request(help_request: HelpRequest, by: User | None, note: str) -> None:
    """A match that was approved is gone: the request goes back to the board."""
    if help_request.status == RequestStatus.MATCHED:
        request_transition(help_request=help_request, to=RequestStatus.MATCHING, by=by, note=note)


def _sync(match: Match, locked: Match) -> Match:
    for name in ("status", "agreed_time", "approved_at", "completed_at", "updated_at"):
        setattr(match, name, getattr(locked, name))
    return locked


# --- the state machine -------------------------------------------------------------------------


def match_transition(
    *,
    match: Match,
    to: MatchStatus | str,
    by: User | None,
    note: str = "",
    agreed_time: datetime.datetime | None = None,
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

    The partial unique constraint ``one_active_match_per_request`` decides the race: every
    other acceptance gets TaskTakenError, never a server error.
    """
    with transaction.atomic():
        locked_volunteer = _lock_volunteer(volunteer)
        task = _load_request(help_request.pk)
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
        # The insert waited for any cancellation holding the request: look again.
        if not HelpRequest.objects.filter(pk=task.pk, status=RequestStatus.MATCHING).exists():
            raise MatchError(_("This task is no longer open."))
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
        task = _load_request(help_request.pk)
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
        if match.status == MatchStatus.PROPOSED:
            _require_feasible(_load_request(match.request_id), locked_volunteer)
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
    note: str = "",
) -> Match:
    """Staff approve: the request is matched and both sides see each other's contact details."""
    _require_staff(by)
    with transaction.atomic():
        match = match_transition(
            match=match, to=MatchStatus.APPROVED, by=by, note=note, agreed_time=agreed_time
        )
        try:
            request_transition(
                help_request=match.request, to=RequestStatus.MATCHED, by=by, note=note
            )
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


def match_set_agreed_time(*, match: Match, by: User, agreed_time: datetime.datetime) -> Match:
    _require_staff(by)
    with transaction.atomic():
        locked = Match.objects.select_for_update().get(pk=match.pk)
        if locked.status not in ACTIVE_STATUSES:
            raise MatchError(_("The time of a finished match cannot change."))
        locked.agreed_time = agreed_time
        locked.save(update_fields=["agreed_time", "updated_at"])
        MatchEvent.objects.create(
            match=locked,
            from_status=locked.status,
            to_status=locked.status,
            by=by,
            note=f"agreed time: {agreed_time.isoformat()}",
        )
    return _sync(match, locked)


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
