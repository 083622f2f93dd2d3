"""Template helpers for match pages and the resident's request page."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from requests_app.choices import language_name
from requests_app.models import HelpRequest

from ..models import Match
from ..selectors import shown_match_for_request

register = template.Library()


@register.filter
def language_names(codes: Iterable[str]) -> str:
    return ", ".join(language_name(code) for code in codes or ())


@register.simple_tag
def shown_match(help_request: HelpRequest) -> Match | None:
    """The approved match a resident may see on their request page, or None."""
    return shown_match_for_request(help_request)
