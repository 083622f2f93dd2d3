"""Reads with rules: the task board, a person's matches and pairs, and staff's candidate list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from matching.ranking import IN_PERSON, is_feasible
from requests_app.models import HelpRequest, RequestStatus
from volunteers.models import Volunteer

from .models import (
    ACTIVE_STATUSES,
    CONTACT_STATUSES,
    OPEN_TASK_STATUSES,
    Decline,
    Match,
    OFPPair,
)
from .profiles import request_profile, volunteer_profile
from .ranking_services import board_scores, stored_candidates


def open_task_count(volunteer: Volunteer) -> int:
    return Match.objects.filter(volunteer=volunteer, status__in=OPEN_TASK_STATUSES).count()


def _board_queryset(volunteer: Volunteer) -> QuerySet[HelpRequest]:
    """A cheap database pre-filter; ``is_feasible`` has the final word on every row."""
    active_match = Match.objects.filter(request=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    declined = Decline.objects.filter(request=OuterRef("pk"), volunteer=volunteer)
    return (
        HelpRequest.objects.filter(
            status=RequestStatus.MATCHING,
            category__in=[category.pk for category in volunteer.categories.all()],
            mode__in=list(volunteer.modes),
        )
        .filter(~Q(mode=IN_PERSON) | Q(prefecture=volunteer.prefecture))
        .exclude(Exists(active_match))
        .exclude(Exists(declined))
        .with_attachment_flag()
        .select_related("category")
        .prefetch_related("topics")
    )


def order_board(volunteer: Volunteer, tasks: list[HelpRequest]) -> list[HelpRequest]:
    """The one place that decides the board's order: the tasks this volunteer fits best first
    (their stored ranking score), then tasks not ranked yet, oldest first."""
    scores = board_scores(volunteer, [task.pk for task in tasks])
    return sorted(
        tasks,
        key=lambda task: (task.pk not in scores, -scores.get(task.pk, 0.0), task.created_at),
    )


def board_for_volunteer(
    volunteer: Volunteer, *, open_tasks: int | None = None
) -> list[HelpRequest]:
    """Tasks this volunteer may see and accept, best first. Empty unless they can take a task."""
    if open_tasks is None:
        open_tasks = open_task_count(volunteer)
    profile = volunteer_profile(volunteer, open_tasks=open_tasks)
    if not profile.approved or profile.paused or profile.open_tasks >= profile.capacity:
        return []
    tasks = [
        task for task in _board_queryset(volunteer) if is_feasible(request_profile(task), profile)
    ]
    return order_board(volunteer, tasks)


def get_board_task(volunteer: Volunteer, pk: int) -> HelpRequest:
    """One task of the volunteer's board, or 404 (not open, not theirs to see, or declined)."""
    task = _board_queryset(volunteer).filter(pk=pk).first()
    profile = volunteer_profile(volunteer, open_tasks=open_task_count(volunteer))
    if task is None or not is_feasible(request_profile(task), profile):
        raise Http404
    return task


def _match_queryset() -> QuerySet[Match]:
    return Match.objects.select_related(
        "request__category", "request__resident", "volunteer__user"
    ).prefetch_related("request__topics")


def _visible_to(user: User) -> Q:
    # A resident learns about a match only once staff approved it.
    return Q(volunteer__user=user) | Q(request__resident=user, status__in=CONTACT_STATUSES)


def get_match_for_user(user: User, pk: int) -> Match:
    """A match the person is a side of, or 404 for anybody else (no hint that it exists)."""
    return get_object_or_404(_match_queryset().filter(_visible_to(user)), pk=pk)


def matches_for_user(user: User) -> QuerySet[Match]:
    return _match_queryset().filter(_visible_to(user)).order_by("-created_at", "-id")


def shown_match_for_request(help_request: HelpRequest) -> Match | None:
    """The approved (or completed) match a resident sees on their request page."""
    return (
        Match.objects.select_related("volunteer__user")
        .filter(request=help_request, status__in=CONTACT_STATUSES)
        .order_by("-created_at")
        .first()
    )


def get_pair_for_user(user: User, pk: int) -> OFPPair:
    return get_object_or_404(
        OFPPair.objects.select_related("match__request__resident", "match__volunteer__user").filter(
            Q(match__request__resident=user) | Q(match__volunteer__user=user)
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class CandidateRow:
    volunteer: Volunteer
    reasons: list[str] = field(default_factory=list)
    open_tasks: int = 0
    score: float | None = None
    position: int = 0
    failed: tuple[str, ...] = ()  # hard filters the volunteer fails today (ranking.FILTER_*)
    declined: bool = False  # they said this request is not for them
    holds_match: bool = False  # theirs is the request's active match
    ranked_at: datetime.datetime | None = None

    @property
    def fits(self) -> bool:
        """Nothing of their own stands in the way of proposing the request to them."""
        return not self.failed and not self.declined and not self.holds_match


def candidates_for_request(help_request: HelpRequest) -> list[CandidateRow]:
    """The stored ranking of a request, best first, with the reasons the ranker used (in the staff
    member's language): every stored candidate, also after someone accepted, so staff can compare
    and propose again; each marked with what stands in the way today. Never ranks (the worker
    stores the ranking), in a fixed number of queries."""
    declined = set(
        Decline.objects.filter(request=help_request).values_list("volunteer_id", flat=True)
    )
    holders = set(
        Match.objects.filter(request=help_request, status__in=ACTIVE_STATUSES).values_list(
            "volunteer_id", flat=True
        )
    )
    return [
        CandidateRow(
            volunteer=row.volunteer,
            reasons=row.reasons,
            open_tasks=row.open_tasks,
            score=row.score,
            position=row.position,
            failed=row.failed,
            declined=row.volunteer.pk in declined,
            holds_match=row.volunteer.pk in holders,
            ranked_at=row.ranked_at,
        )
        for row in stored_candidates(help_request)
    ]
