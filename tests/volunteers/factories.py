"""Factories for volunteers and matches: explicit defaults a reader can see, overridable per test."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from matching.models import Match, MatchStatus
from requests_app.models import Category, HelpRequest, RequestStatus, Topic
from requests_app.services import request_transition
from tests.factories import make_request, make_user
from volunteers.models import Volunteer, VolunteerStatus, VolunteerStatusChange
from volunteers.services import VolunteerData, volunteer_register


def volunteer_data(**overrides: Any) -> VolunteerData:
    """A volunteer who fits the default request of tests.factories (healthcare, Shinjuku, ne)."""
    categories = overrides.pop("categories", None) or [Category.objects.get(code="healthcare")]
    topics = overrides.pop("topics", None)
    if topics is None:
        topics = [Topic.objects.get(code="vaccination")]
    values: dict[str, Any] = {
        "display_name": "Bob",
        "languages": ["ja", "ne", "en"],
        "prefecture": "Tokyo",
        "municipality": "Shinjuku",
        "categories": categories,
        "topics": topics,
        "modes": ["in_person", "phone", "online"],
        "availability": ["weekday_daytime", "weekend"],
        "bio": "I went with friends to clinics many times.",
        "capacity": 2,
        "contact_phone": "090-1234-5678",
        "contact_email": "bob.contact@example.com",
    }
    values.update(overrides)
    return VolunteerData(**values)


def make_volunteer(
    user: User | None = None,
    *,
    email: str | None = None,
    status: str = VolunteerStatus.APPROVED,
    **overrides: Any,
) -> Volunteer:
    if user is None:
        user = make_user(email or f"volunteer{User.objects.count()}@example.com")
    overrides.setdefault("display_name", user.display_name or user.email.split("@")[0])
    volunteer = volunteer_register(user=user, data=volunteer_data(**overrides))
    if status != VolunteerStatus.APPLIED:
        Volunteer.objects.filter(pk=volunteer.pk).update(status=status)
        VolunteerStatusChange.objects.create(
            volunteer=volunteer, from_status=VolunteerStatus.APPLIED, to_status=status
        )
        volunteer.status = status
    return volunteer


def make_open_request(resident: User, **overrides: Any) -> HelpRequest:
    """A request staff opened for matching: it is on the task board."""
    help_request = make_request(resident, **overrides)
    return request_transition(help_request=help_request, to=RequestStatus.MATCHING, by=None)


def make_match(
    resident: User, volunteer: Volunteer, *, status: str = MatchStatus.ACCEPTED, **overrides: Any
) -> Match:
    """A match in any state, made directly (the services are tested on their own)."""
    help_request = make_open_request(resident, **overrides)
    if status in (MatchStatus.APPROVED, MatchStatus.COMPLETED):
        request_transition(help_request=help_request, to=RequestStatus.MATCHED, by=None)
    if status == MatchStatus.COMPLETED:
        request_transition(help_request=help_request, to=RequestStatus.COMPLETED, by=None)
    return Match.objects.create(request=help_request, volunteer=volunteer, status=status)


def _layout_queries() -> int:
    """Queries the shared layout makes on every page (the notification bell, once the lead adds it)."""
    from pathlib import Path

    from django.conf import settings

    layout = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    return int("notifications/_bell.html" in layout)


LAYOUT_QUERIES = _layout_queries()
