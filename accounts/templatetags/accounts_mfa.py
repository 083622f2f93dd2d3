"""Where a person goes once their second factor is set up."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.middleware import NEXT_SESSION_KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def mfa_continue_url(context: dict[str, Any]) -> str:
    """The page that sent them to set it up, else the staff pages (staff) or the 2FA page."""
    request = context["request"]
    wanted = request.session.get(NEXT_SESSION_KEY, "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return reverse("admin:index" if request.user.is_staff else "mfa_index")
