"""Writes to a person's account settings."""

from __future__ import annotations

from django.conf import settings

from .models import User


def user_set_language(*, user: User, language: str) -> None:
    """Keep the language a signed-in person chose; it is used for their emails too."""
    if language not in dict(settings.LANGUAGES) or user.preferred_language == language:
        return
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
