"""Reads with rules about volunteers."""

from __future__ import annotations

from accounts.models import User

from .models import Volunteer


def volunteer_for_user(user: User) -> Volunteer | None:
    """The signed-in person's own volunteer profile, or None if they have not applied."""
    if not user.is_authenticated:
        return None
    return (
        Volunteer.objects.select_related("user")
        .prefetch_related("categories", "topics")
        .filter(user=user)
        .first()
    )
