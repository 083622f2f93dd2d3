"""Writes to a person's account settings, and the consents they give to the privacy notice."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from .models import Consent, ConsentKind, User

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


def consent_version() -> str:
    """The version of the privacy notice in force: consents to an older one are asked again."""
    return str(settings.PRIVACY_NOTICE_VERSION)


def consent_needed(user: User, *, kinds: Iterable[str] | None = None) -> set[str]:
    """The kinds of consent (of `kinds`, else all) the person has not given to the current
    notice, or has withdrawn."""
    wanted = set(kinds) if kinds is not None else set(ConsentKind.values)
    given = set(
        Consent.objects.filter(
            user=user, kind__in=wanted, version=consent_version(), withdrawn_at__isnull=True
        ).values_list("kind", flat=True)
    )
    return wanted - given


def consent_record(*, user: User, kinds: Iterable[str], language: str = "") -> list[Consent]:
    """Record that the person agreed now, to the current notice, in the language they read it
    in. Append-only: a consent already given to this version is not written twice."""
    kinds = set(kinds)
    unknown = kinds - set(ConsentKind.values)
    if unknown:
        raise ValueError(f"unknown consent kinds: {sorted(unknown)}")
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with transaction.atomic():
        missing = consent_needed(user, kinds=kinds)
        now = timezone.now()
        return Consent.objects.bulk_create(
            Consent(
                user=user, kind=kind, version=consent_version(), language=language, given_at=now
            )
            for kind in sorted(missing)
        )
