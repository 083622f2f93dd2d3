"""Template filter ``yen``: ``{{ amount|yen }}`` in the active language."""

from __future__ import annotations

from django import template

from donations.money import format_yen

register = template.Library()


@register.filter
def yen(amount: int | None) -> str:
    if amount is None or amount == "":
        return ""
    return format_yen(amount)
