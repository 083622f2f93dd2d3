"""The address a request comes from, as far as our own proxies vouch for it: the one key of every
per-address limit (allauth's login limits go through it via the account adapter)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str | None) -> str | None:
    """An IP address in canonical form, or None (ports and IPv6 brackets dropped)."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address.

    With ``TRUSTED_CLIENT_IP_HEADER`` set, the header our proxy writes. Else, behind
    ``TRUSTED_PROXY_COUNT`` proxies, the X-Forwarded-For entry that the outermost of them
    appended: each proxy appends the address it saw, so entries further left were written by the
    client and are ignored. Without proxies (or when a request did not pass through them) the
    peer's own address.
    """
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    count = int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0)
    found = None
    if header:
        found = _clean(request.headers.get(header))
    elif count > 0:
        entries = [e for e in request.headers.get("X-Forwarded-For", "").split(",") if e.strip()]
        if entries:
            # Fewer entries than proxies: the request entered behind the outer ones, and the
            # leftmost entry is still one our own proxy wrote.
            found = _clean(entries[-count] if len(entries) >= count else entries[0])
    return found or _clean(request.META.get("REMOTE_ADDR")) or ""
