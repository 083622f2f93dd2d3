"""Staff sign in with a second factor (allauth.mfa: an authenticator app and recovery codes): who
must, and whether this session has passed it."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

# The user whose second factor this session has seen: set when they enter a code at sign-in,
# on re-authentication or when they activate their app. A new sign-in starts a new session.
SESSION_KEY = "otonari_mfa_user"
# `make run`'s demo staff account: exempt on a DEBUG site only.
DEMO_STAFF_EMAIL = "staff@demo.otonari.example"


def mfa_required(user: Any) -> bool:
    """Whether ``user`` must pass a second factor to use the site as signed in."""
    if not user.is_authenticated or not (user.is_staff or user.is_superuser):
        return False
    if settings.DEBUG and (
        not settings.MFA_REQUIRED_FOR_STAFF or user.email.lower() == DEMO_STAFF_EMAIL
    ):
        return False
    return True


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(session: SessionBase, user: Any) -> bool:
    return session.get(SESSION_KEY) == str(user.pk)


def mark_session_mfa(session: SessionBase, user: Any) -> None:
    session[SESSION_KEY] = str(user.pk)


def on_authenticator_used(request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A code (app or recovery code) was accepted at sign-in or re-authentication."""
    mark_session_mfa(request.session, user)


def on_authenticator_added(request: HttpRequest, user: Any, authenticator: Any, **kw: Any) -> None:
    """Activating the app takes a valid code from it: that is the second factor too."""
    if authenticator.type == Authenticator.Type.TOTP:
        mark_session_mfa(request.session, user)
