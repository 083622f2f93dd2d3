"""Converters from database rows to the ranking's plain profiles, so there is one hard-filter rule."""

from __future__ import annotations

from matching.ranking import RequestProfile, VolunteerProfile
from requests_app.models import HelpRequest
from volunteers.models import Volunteer


def request_profile(help_request: HelpRequest) -> RequestProfile:
    """Needs ``category`` selected and ``topics`` prefetched to stay query-free in loops."""
    return RequestProfile(
        id=str(help_request.pk),
        category=help_request.category.code,
        topics=tuple(topic.code for topic in help_request.topics.all()),
        languages=tuple(help_request.languages),
        prefecture=help_request.prefecture,
        municipality=help_request.municipality,
        mode=help_request.mode,
        availability=tuple(help_request.availability),
        title=help_request.title,
        description=help_request.description,
    )


def volunteer_profile(volunteer: Volunteer, *, open_tasks: int) -> VolunteerProfile:
    """Needs ``categories`` and ``topics`` prefetched to stay query-free in loops."""
    return VolunteerProfile(
        id=str(volunteer.pk),
        languages=tuple(volunteer.languages),
        prefecture=volunteer.prefecture,
        municipality=volunteer.municipality,
        categories=tuple(category.code for category in volunteer.categories.all()),
        topics=tuple(topic.code for topic in volunteer.topics.all()),
        modes=tuple(volunteer.modes),
        availability=tuple(volunteer.availability),
        bio=volunteer.bio,
        approved=volunteer.is_approved,
        paused=volunteer.is_paused,
        open_tasks=open_tasks,
        capacity=volunteer.capacity,
    )
