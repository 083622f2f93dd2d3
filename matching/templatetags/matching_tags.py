"""Template helpers for match pages and the resident's request page."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from requests_app.choices import language_name
from requests_app.models import HelpRequest

from ..contacts import STAFF, ContactLine, contact_lines, contacts_for
from ..models import Match
from ..selectors import shown_match_for_request

register = template.Library()


@register.filter
def language_names(codes: Iterable[str]) -> str:
    return ", ".join(language_name(code) for code in codes or ())


@register.filter
def user_text(value: object) -> SafeString:
    """A person's own words (a name) inside a translated sentence: marked as theirs, so it keeps
    its script and direction and is not mistaken for untranslated text."""
    return format_html('<bdi class="user-text">{}</bdi>', value)


@register.simple_tag
def shown_match(help_request: HelpRequest) -> Match | None:
    """The approved match a resident may see on their request page, or None."""
    return shown_match_for_request(help_request)


@register.simple_tag
def other_side_contacts(match: Match, viewer_role: str | None) -> list[ContactLine]:
    """What ``viewer_role`` may see of the other side of ``match`` (matching.contacts decides)."""
    return contact_lines(match, viewer_role)


@register.simple_tag
def staff_contacts(match: Match, side: str) -> list[ContactLine]:
    """Every contact line of one side, for staff pages."""
    return contacts_for(match, side, viewer=STAFF)
