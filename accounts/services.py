"""Writes to a person's account settings."""

from __future__ import annotations

import logging

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction

from .models import User

logger = logging.getLogger(__name__)


def user_set_language(*, user: User, language: str) -> None:
    """Keep the language a signed-in person chose; it is used for their emails too."""
    if language not in dict(settings.LANGUAGES) or user.preferred_language == language:
        return
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def user_reset_mfa(*, user: User, by: User) -> int:
    """Remove a person's second factor (app and recovery codes), e.g. after a lost phone. Staff
    set it up again at their next sign-in. Returns how many authenticators were removed."""
    with transaction.atomic():
        removed, _ = Authenticator.objects.filter(user=user).delete()
    logger.info("second factor reset for user %s by user %s", user.pk, by.pk)
    return removed
