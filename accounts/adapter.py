"""allauth hooks: remember the language a person signed up in; keep people's names marked as
their own text in allauth's messages; read the client's address through our proxies; keep the
second factor of staff who must have one."""

from __future__ import annotations

import html
import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.utils import user_display
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from otonari.net import client_ip

from .mfa import mfa_required

# allauth messages that name the person: the name is what they typed, not our UI text.
NAMING_MESSAGES = {"account/messages/logged_in.txt"}


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: Any) -> str:
        # allauth's rate limits key on this: the same address our own limits use.
        ip = client_ip(request)
        if not ip:
            return super().get_client_ip(request)
        return ip

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and _just_signed_in(context.request):
            # Setting up the app on a first sign-in (staff must): the password typed a moment
            # ago confirms it, as allauth's re-authentication would, without asking twice.
            return False
        return required

    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def add_message(
        self,
        request: Any,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        user = (message_context or {}).get("user")
        if message is None and message_template in NAMING_MESSAGES and user is not None:
            # “Signed in as Bob”: wrap the name so it keeps its own script and direction and is
            # not taken for untranslated text. The sentence is escaped, then the name inserted.
            name = user_display(user)
            rendered = render_to_string(message_template, message_context, request)
            text = html.unescape(rendered.strip())  # as allauth does: the .txt is autoescaped
            wrapped = format_html('<bdi class="user-text">{}</bdi>', name)
            message = mark_safe(escape(text).replace(escape(name), wrapped, 1))  # noqa: S308
        super().add_message(request, level, message_template, message_context, extra_tags, message)


def _just_signed_in(request: Any) -> bool:
    """Whether this session signed in (password or code) within allauth's re-authentication
    window."""
    if request is None or not request.user.is_authenticated:
        return False
    window = account_settings.REAUTHENTICATION_TIMEOUT
    return any(
        record.get("method") in ("password", "code") and time.time() - record["at"] < window
        for record in get_authentication_records(request, request.user)
    )


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Staff keep their app; a lost phone is handled by another staff member in the admin.
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
