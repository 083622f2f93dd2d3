"""allauth hooks: remember the language a person signed up in; keep people's names marked as
their own text in allauth's messages."""

from __future__ import annotations

import html
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_display
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

# allauth messages that name the person: the name is what they typed, not our UI text.
NAMING_MESSAGES = {"account/messages/logged_in.txt"}


class AccountAdapter(DefaultAccountAdapter):
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
