"""The work queue's rules, in one place: which rows of which table need staff now.

Each queue is a condition on one model. The admin home counts them (``selectors.work_queue``)
and the admin change lists filter by them (``filters.WorkQueueFilter``), so the number on the
home page and the rows behind its link are always the same rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from matching.models import Feedback, Match, MatchStatus, OFPCheckIn, OFPPair, OFPStatus, Role
from notifications.models import Notification
from notifications.models import Status as NotificationStatus
from requests_app.models import HelpRequest, RequestStatus, StatusChange
from volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Queue:
    key: str
    model: type[models.Model]
    label: StrOrPromise
    empty: StrOrPromise
    # Cheap, indexed part of the rule: the rows the count reads at all.
    base: Q
    # The whole rule, given the time now (some queues wait a number of days).
    condition: Callable[[datetime.datetime], Q]
    # The field (or annotation) whose smallest value is the oldest item's time.
    age: str
    # The change list column that sorts the linked list oldest first.
    sort_by: str
    # Values the condition needs that are not columns, given the time now.
    annotations: Callable[[datetime.datetime], dict[str, Any]] = field(default=lambda now: {})

    def title(self) -> str:
        return queue_label(self)

    def filter(self, queryset: models.QuerySet, now: datetime.datetime) -> models.QuerySet:
        annotated = queryset.filter(self.base).annotate(**self.annotations(now))
        return annotated.filter(self.condition(now))


def _days(name: str) -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, name))


def _unaccepted_values(now: datetime.datetime) -> dict[str, Any]:
    """When the request was last opened for matching (a withdrawal reopens it), and whether a
    volunteer has taken it. (Subqueries are annotations, so the count's filters can use them.)"""
    last_opened = (
        StatusChange.objects.filter(request=OuterRef("pk"), to_status=RequestStatus.MATCHING)
        .order_by("-at")
        .values("at")[:1]
    )
    taken = Match.objects.filter(
        request=OuterRef("pk"), status__in=[MatchStatus.ACCEPTED, MatchStatus.APPROVED]
    )
    return {"opened_at": Subquery(last_opened), "is_taken": Exists(taken)}


def _unaccepted(now: datetime.datetime) -> Q:
    return Q(opened_at__lt=now - _days("DESK_UNACCEPTED_AFTER_DAYS"), is_taken=False)


def _answers(now: datetime.datetime) -> dict[str, Any]:
    def answered(role: str) -> Exists:
        return Exists(Feedback.objects.filter(match=OuterRef("pk"), role=role))

    return {
        "resident_answered": answered(Role.RESIDENT),
        "volunteer_answered": answered(Role.VOLUNTEER),
    }


def _feedback_overdue(now: datetime.datetime) -> Q:
    cutoff = now - _days("DESK_FEEDBACK_OVERDUE_DAYS")
    return Q(agreed_time__lt=cutoff) & ~Q(resident_answered=True, volunteer_answered=True)


def _missed_checkin(now: datetime.datetime) -> dict[str, Any]:
    """The earliest check-in of the pair that is past due (after a grace period, in Japan time)
    and that not both people have answered."""
    cutoff = timezone.localdate(now) - _days("DESK_CHECKIN_OVERDUE_DAYS")
    missed = (
        OFPCheckIn.objects.filter(pair=OuterRef("pk"), due_date__lt=cutoff)
        .annotate(answer_count=Count("answers"))
        .filter(answer_count__lt=2)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    return {"missed_due": Subquery(missed)}


QUEUES: tuple[Queue, ...] = (
    Queue(
        key="requests_not_opened",
        model=HelpRequest,
        label=_("Requests received but not yet opened for matching"),
        empty=_("Every request received has been opened for matching."),
        base=Q(status=RequestStatus.SUBMITTED),
        condition=lambda now: Q(),
        age="created_at",
        sort_by="created_at",
    ),
    Queue(
        key="requests_unaccepted",
        model=HelpRequest,
        label=ngettext_lazy(
            "Open requests nobody has accepted for %(days)d day or more",
            "Open requests nobody has accepted for %(days)d days or more",
            "days",
        ),
        empty=_("No open request has waited that long for a volunteer."),
        base=Q(status=RequestStatus.MATCHING),
        condition=_unaccepted,
        age="opened_at",
        sort_by="created_at",
        annotations=_unaccepted_values,
    ),
    Queue(
        key="matches_awaiting_approval",
        model=Match,
        label=_("Accepted matches waiting for approval"),
        empty=_("No accepted match is waiting for approval."),
        base=Q(status=MatchStatus.ACCEPTED),
        condition=lambda now: Q(),
        age="created_at",
        sort_by="created_at",
    ),
    Queue(
        key="matches_without_time",
        model=Match,
        label=_("Approved matches without an agreed time"),
        empty=_("Every approved match has an agreed time."),
        base=Q(status=MatchStatus.APPROVED, agreed_time__isnull=True),
        condition=lambda now: Q(),
        age="approved_at",
        sort_by="created_at",
    ),
    Queue(
        key="feedback_overdue",
        model=Match,
        label=ngettext_lazy(
            "Matches whose feedback is overdue (%(days)d day or more after the agreed time)",
            "Matches whose feedback is overdue (%(days)d days or more after the agreed time)",
            "days",
        ),
        empty=_("No feedback is overdue."),
        base=Q(status=MatchStatus.APPROVED, agreed_time__isnull=False),
        condition=_feedback_overdue,
        age="agreed_time",
        sort_by="agreed_time",
        annotations=_answers,
    ),
    Queue(
        key="unsafe_unreviewed",
        model=Feedback,
        label=_("Unsafe flags not yet reviewed"),
        empty=_("Every unsafe flag has been reviewed."),
        base=Q(unsafe=True, reviewed_at__isnull=True),
        condition=lambda now: Q(),
        age="created_at",
        sort_by="created_at",
    ),
    Queue(
        key="volunteer_applications",
        model=Volunteer,
        label=_("Volunteer applications waiting for a decision"),
        empty=_("No volunteer application is waiting."),
        base=Q(status=VolunteerStatus.APPLIED),
        condition=lambda now: Q(),
        age="created_at",
        sort_by="created_at",
    ),
    Queue(
        key="ofp_awaiting_consent",
        model=OFPPair,
        label=_("OFP pairs waiting for both people to agree"),
        empty=_("No OFP pair is waiting for consent."),
        base=Q(status=OFPStatus.AWAITING_CONSENT),
        condition=lambda now: Q(),
        age="created_at",
        sort_by="id",
    ),
    Queue(
        key="ofp_missed_checkin",
        model=OFPPair,
        label=ngettext_lazy(
            "OFP pairs with a check-in missed by %(days)d day or more",
            "OFP pairs with a check-in missed by %(days)d days or more",
            "days",
        ),
        empty=_("No OFP pair has missed a check-in."),
        base=Q(status=OFPStatus.ACTIVE),
        condition=lambda now: Q(missed_due__isnull=False),
        age="missed_due",
        sort_by="id",
        annotations=_missed_checkin,
    ),
    Queue(
        key="notifications_failed",
        model=Notification,
        label=_("Emails that could not be sent"),
        empty=_("No email has failed."),
        base=Q(status=NotificationStatus.FAILED),
        condition=lambda now: Q(),
        age="created_at",
        sort_by="created_at",
    ),
)
QUEUES_BY_KEY = {queue.key: queue for queue in QUEUES}

# The setting each “%(days)d” label reads.
LABEL_DAYS = {
    "requests_unaccepted": "DESK_UNACCEPTED_AFTER_DAYS",
    "feedback_overdue": "DESK_FEEDBACK_OVERDUE_DAYS",
    "ofp_missed_checkin": "DESK_CHECKIN_OVERDUE_DAYS",
}


def queue_label(queue: Queue) -> str:
    setting = LABEL_DAYS.get(queue.key)
    if setting is None:
        return str(queue.label)
    # A lazy plural picks its form from the number given here.
    return str(queue.label % {"days": getattr(settings, setting)})
