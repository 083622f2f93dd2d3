"""Who is told what when a match, a pair or a task changes: the matching side of notifications.

Each function builds the context of a ``notifications`` event for each recipient and calls
``notify`` inside the caller's transaction, so the notification commits with the change (and is
emailed after commit). Values that depend on the language are lazy: ``notify`` renders them in
the recipient's language. No resident personal data goes to a volunteer before approval.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy

from notifications.selectors import emails_since
from notifications.services import notify, notify_staff
from requests_app.choices import Availability, prefecture_name
from requests_app.models import HelpRequest

from .contacts import ContactLine, contact_lines
from .models import (
    Feedback,
    Match,
    MatchEvent,
    MatchStatus,
    OFPCheckIn,
    OFPPair,
    OFPStatus,
    Role,
)
from .schedule import length_text

NEW_TASK_RECIPIENTS = 5  # the best-ranked volunteers told about a new task


def _lazy(function: Callable[[], str]) -> str:
    return lazy(function, str)()


def _category(help_request: HelpRequest) -> str:
    return _lazy(lambda: help_request.category.name)


def _area(help_request: HelpRequest) -> str:
    # The municipality is a romanised place name, not personal data; never the address.
    return _lazy(lambda: f"{help_request.municipality}, {prefecture_name(help_request.prefecture)}")


def _time_window(help_request: HelpRequest) -> str:
    labels = dict(Availability.choices)
    return _lazy(lambda: ", ".join(str(labels.get(c, c)) for c in help_request.availability))


def _both_sides(match: Match) -> list[tuple[str, Any, str, list[ContactLine]]]:
    """(role, recipient, the other's name, the other's contact lines) for each side."""
    volunteer_user = match.volunteer.user
    resident = match.request.resident
    return [
        (
            Role.RESIDENT,
            resident,
            match.volunteer.display_name,
            contact_lines(match, Role.RESIDENT),
        ),
        (
            Role.VOLUNTEER,
            volunteer_user,
            resident.public_name,
            contact_lines(match, Role.VOLUNTEER),
        ),
    ]


# --- match events -------------------------------------------------------------------------------


def volunteer_accepted(match: Match) -> None:
    """Staff who may approve the match are asked to decide on it."""
    notify_staff(
        perm="matching.approve_match",
        event="volunteer_accepted",
        key=f"match:{match.pk}:accepted",
        context={"volunteer_name": match.volunteer.display_name, "title": match.request.title},
        link=reverse("admin:requests_app_helprequest_change", args=[match.request_id]),
    )


def match_proposed(match: Match) -> None:
    """Staff asked one volunteer: they hear about it like a new task that fits them."""
    help_request = match.request
    notify(
        event="new_task",
        recipient=match.volunteer.user,
        key=f"request:{help_request.pk}",
        context={
            "title": help_request.title,
            "category": _category(help_request),
            "area": _area(help_request),
            "time_window": _time_window(help_request),
        },
        link=match.get_absolute_url(),
    )


def match_approved(match: Match) -> None:
    for role, recipient, other_name, contacts in _both_sides(match):
        notify(
            event="match_approved",
            recipient=recipient,
            key=f"match:{match.pk}",
            context={
                "role": role,
                "title": match.request.title,
                "other_name": other_name,
                "contact_lines": contacts,
                "agreed_time": match.agreed_time,
            },
            link=match.get_absolute_url(),
        )


def match_rejected(match: Match) -> None:
    """Staff said no: the volunteer is told; the resident's request simply stays open."""
    notify(
        event="match_rejected",
        recipient=match.volunteer.user,
        key=f"match:{match.pk}",
        context={"role": Role.VOLUNTEER, "title": match.request.title},
        link=reverse("matching:board"),
    )


def match_withdrawn(match: Match) -> None:
    """The volunteer stepped back: the resident is told, if they had been told of the match."""
    if match.approved_at is None:
        return
    notify(
        event="match_withdrawn",
        recipient=match.request.resident,
        key=f"match:{match.pk}",
        context={"role": Role.RESIDENT, "title": match.request.title},
        link=match.request.get_absolute_url(),
    )


def request_cancelled(match: Match) -> None:
    notify(
        event="request_cancelled",
        recipient=match.volunteer.user,
        key=f"match:{match.pk}",
        context={"role": Role.VOLUNTEER, "title": match.request.title},
        link=reverse("matching:board"),
    )


def agreed_time_changed(match: Match, change: MatchEvent) -> None:
    """Staff moved the agreed time: both sides hear the new one (each change is its own event)."""
    minutes = match.agreed_minutes or 0
    for role, recipient, other_name, _contacts in _both_sides(match):
        notify(
            event="agreed_time_changed",
            recipient=recipient,
            key=f"match:{match.pk}:time:{change.pk}",
            context={
                "role": role,
                "title": match.request.title,
                "other_name": other_name,
                "agreed_time": match.agreed_time,
                "length": _lazy(partial(length_text, minutes)),
            },
            link=match.get_absolute_url(),
        )


def _field_label(name: str) -> str:
    field = HelpRequest._meta.get_field(name)
    return _lazy(lambda: str(getattr(field, "verbose_name", name)))


def match_reconfirm(match: Match, change: MatchEvent, changed: list[str]) -> None:
    """The resident changed the request after the volunteer said yes: please look again."""
    notify(
        event="match_reconfirm",
        recipient=match.volunteer.user,
        key=f"match:{match.pk}:reconfirm:{change.pk}",
        context={"title": match.request.title, "changes": [_field_label(n) for n in changed]},
        link=match.get_absolute_url(),
    )


def match_no_longer_fits(match: Match, reason: str) -> None:
    """The resident's change means the volunteer no longer fits: the match is withdrawn."""
    notify(
        event="match_no_longer_fits",
        recipient=match.volunteer.user,
        key=f"match:{match.pk}",
        context={"title": match.request.title, "reason": reason},
        link=reverse("matching:board"),
    )


def volunteer_reconfirmed(match: Match, change: MatchEvent) -> None:
    """Staff hear it like a new acceptance: the match waits for their approval again."""
    notify_staff(
        perm="matching.approve_match",
        event="volunteer_accepted",
        key=f"match:{match.pk}:reconfirmed:{change.pk}",
        context={"volunteer_name": match.volunteer.display_name, "title": match.request.title},
        link=reverse("admin:requests_app_helprequest_change", args=[match.request_id]),
    )


def safety_flag(feedback: Feedback) -> None:
    """Staff who may read the flagged feedback (the link opens it) are alerted."""
    notify_staff(
        perm="matching.view_feedback",
        event="safety_flag",
        key=f"feedback:{feedback.pk}",
        context={"reference": f"#{feedback.match_id}"},
        link=reverse("admin:matching_feedback_change", args=[feedback.pk]),
    )


def ofp_started(pair: OFPPair) -> None:
    for role, recipient, other_name, contacts in _both_sides(pair.match):
        notify(
            event="ofp_started",
            recipient=recipient,
            key=f"pair:{pair.pk}",
            context={"role": role, "other_name": other_name, "contact_lines": contacts},
            link=pair.get_absolute_url(),
        )


HANDLERS: dict[str, Callable[..., None]] = {
    "volunteer_accepted": lambda match: volunteer_accepted(match),
    "match_proposed": lambda match: match_proposed(match),
    "match_approved": lambda match: match_approved(match),
    "match_rejected": lambda match: match_rejected(match),
    "match_withdrawn": lambda match: match_withdrawn(match),
    "request_cancelled": lambda match: request_cancelled(match),
    "agreed_time_changed": agreed_time_changed,
    "match_reconfirm": match_reconfirm,
    "match_no_longer_fits": match_no_longer_fits,
    "volunteer_reconfirmed": volunteer_reconfirmed,
    "ofp_started": lambda pair: ofp_started(pair),
}


# --- new tasks ------------------------------------------------------------------------------------


def new_task_announce(help_request: HelpRequest, volunteer_ids: list[int]) -> int:
    """Tell the best-ranked volunteers about a request open for matching, each once, within
    their own choices: opted out → nothing; digest → collected for the daily email; otherwise
    at most ``max_task_emails_per_day`` emails a day, then in-app only."""
    from volunteers.models import Volunteer  # volunteers imports matching's ranking

    since = timezone.now() - datetime.timedelta(days=1)
    told = 0
    volunteers = Volunteer.objects.select_related("user").in_bulk(volunteer_ids)
    for volunteer_id in volunteer_ids[:NEW_TASK_RECIPIENTS]:
        volunteer = volunteers.get(volunteer_id)
        if volunteer is None or not volunteer.notify_new_tasks:
            continue
        digest = volunteer.daily_digest
        email = digest or (
            emails_since(volunteer.user, event="new_task", since=since)
            < volunteer.max_task_emails_per_day
        )
        notify(
            event="new_task",
            recipient=volunteer.user,
            key=f"request:{help_request.pk}",
            context={
                "title": help_request.title,
                "category": _category(help_request),
                "area": _area(help_request),
                "time_window": _time_window(help_request),
            },
            link=reverse("matching:board"),
            email=email,
            digest=digest,
        )
        told += 1
    return told


# --- reminders (beat) -----------------------------------------------------------------------------


def reminders_day_before(*, today: datetime.date) -> int:
    """Both sides of every approved match whose agreed date is tomorrow (Japan time)."""
    tomorrow = today + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    matches = Match.objects.filter(
        status=MatchStatus.APPROVED,
        agreed_time__gte=start,
        agreed_time__lt=start + datetime.timedelta(days=1),
    ).select_related("request__resident", "volunteer__user")
    count = 0
    for match in matches:
        for role, recipient, other_name, _contacts in _both_sides(match):
            notify(
                event="reminder_day_before",
                recipient=recipient,
                key=f"match:{match.pk}:{tomorrow.isoformat()}",
                context={
                    "role": role,
                    "title": match.request.title,
                    "other_name": other_name,
                    "agreed_time": match.agreed_time,
                },
                link=match.get_absolute_url(),
            )
            count += 1
    return count


FEEDBACK_REMINDER_AFTER = datetime.timedelta(days=3)


def feedback_requests(*, now: datetime.datetime) -> int:
    """After the agreed time: ask each side that has not answered; remind once 3 days later."""
    matches = (
        Match.objects.filter(status=MatchStatus.APPROVED, agreed_time__lt=now)
        .select_related("request__resident", "volunteer__user")
        .prefetch_related("feedback")
    )
    count = 0
    for match in matches:
        answered = {feedback.role for feedback in match.feedback.all()}
        for role, recipient, other_name, _contacts in _both_sides(match):
            if role in answered:
                continue
            context = {"role": role, "title": match.request.title, "other_name": other_name}
            asked = notify(
                event="feedback_request",
                recipient=recipient,
                key=f"match:{match.pk}",
                context=context,
                link=match.get_absolute_url(),
            )
            count += 1
            if now - asked.created_at >= FEEDBACK_REMINDER_AFTER:
                notify(
                    event="feedback_reminder",
                    recipient=recipient,
                    key=f"match:{match.pk}",
                    context=context,
                    link=match.get_absolute_url(),
                )
    return count


def checkins_due(*, today: datetime.date) -> int:
    """Each monthly check-in of an active pair, on its due date, to the sides yet to answer."""
    checkins = (
        OFPCheckIn.objects.filter(due_date__lte=today, pair__status=OFPStatus.ACTIVE)
        .select_related("pair__match__request__resident", "pair__match__volunteer__user")
        .prefetch_related("answers")
    )
    count = 0
    for checkin in checkins:
        answered = {answer.role for answer in checkin.answers.all()}
        for role, recipient, other_name, _contacts in _both_sides(checkin.pair.match):
            if role in answered:
                continue
            notify(
                event="ofp_checkin_due",
                recipient=recipient,
                key=f"checkin:{checkin.pk}",
                context={"role": role, "other_name": other_name, "month_number": checkin.number},
                link=checkin.pair.get_absolute_url(),
            )
            count += 1
    return count
