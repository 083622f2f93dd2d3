"""The bell's unread count, counted only when a template asks for it."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from .selectors import unread_count_for_user


class UnreadNotifications:
    """Lazy: no query unless `.count` is read, none for anonymous visitors, one COUNT at most."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def count(self) -> int:
        user = getattr(self._request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return unread_count_for_user(user)  # type: ignore[arg-type]


def unread_count(request: HttpRequest) -> dict[str, UnreadNotifications]:
    return {"unread_notifications": UnreadNotifications(request)}
