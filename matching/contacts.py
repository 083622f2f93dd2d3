"""Who sees whose contact details: the one rule used by the match page, every email and the admin.

Each side of a match shows the other only the contacts it chose to give, and only once staff
approved the match (``Match.contacts_visible``):

- the volunteer: the phone and the contact email of their volunteer profile (never their
  account email unless they typed it as the contact email);
- the resident: the phone they gave for this match, or the one given with the request. Their
  account email is never shown: there is no opt-in for it, so a resident who wants to be written
  to gives a phone (a volunteer always gives at least one contact, so the resident can write
  first).

Staff see every line of both sides, account emails included: they hold the data anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext_lazy as _

from .models import Role

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from .models import Match

STAFF = "staff"
Viewer = Literal["resident", "volunteer", "staff"]
Kind = Literal["phone", "email"]

_LABELS: dict[str, _StrPromise] = {
    "phone": _("Phone"),
    "email": _("Email"),
    "account_email": _("Account email"),
}


@dataclass(frozen=True)
class ContactLine:
    kind: Kind
    value: str
    # Only staff ever get a line flagged as the account email.
    account: bool = False

    @property
    def label(self) -> str:
        return str(_LABELS["account_email" if self.account else self.kind])

    @property
    def href(self) -> str:
        return f"{'tel' if self.kind == 'phone' else 'mailto'}:{self.value}"

    def __str__(self) -> str:
        # The form the emails use: "Phone: 090-…"; rendered in the recipient's language.
        return f"{self.label}: {self.value}"


def _volunteer_lines(match: Match, *, for_staff: bool) -> list[ContactLine]:
    volunteer = match.volunteer
    lines: list[ContactLine] = []
    if volunteer.contact_phone:
        lines.append(ContactLine("phone", volunteer.contact_phone))
    if volunteer.contact_email:
        lines.append(ContactLine("email", volunteer.contact_email))
    if for_staff and volunteer.user.email.lower() != volunteer.contact_email.lower():
        lines.append(ContactLine("email", volunteer.user.email, account=True))
    return lines


def _resident_lines(match: Match, *, for_staff: bool) -> list[ContactLine]:
    help_request = match.request
    phones = [match.resident_phone, help_request.contact_phone]
    lines: list[ContactLine] = []
    for phone in phones:
        if phone and all(line.value != phone for line in lines):
            lines.append(ContactLine("phone", phone))
    if for_staff:
        lines.append(ContactLine("email", help_request.resident.email, account=True))
    return lines


def contacts_for(match: Match, side: str, *, viewer: str) -> list[ContactLine]:
    """The contact lines of ``side`` (a ``Role``) that ``viewer`` (a role or "staff") may see."""
    if viewer == STAFF:
        for_staff = True
    elif viewer == side:
        for_staff = False  # what the other side sees of you
    elif match.contacts_visible:
        for_staff = False
    else:
        return []
    if side == Role.VOLUNTEER:
        return _volunteer_lines(match, for_staff=for_staff)
    if side == Role.RESIDENT:
        return _resident_lines(match, for_staff=for_staff)
    raise ValueError(f"unknown side {side!r}")


def other_side(role: str) -> str:
    return Role.VOLUNTEER if role == Role.RESIDENT else Role.RESIDENT


def contact_lines(match: Match, viewer_role: str | None) -> list[ContactLine]:
    """What one side of the match sees of the other; nothing for anyone else."""
    if viewer_role not in (Role.RESIDENT, Role.VOLUNTEER):
        return []
    return contacts_for(match, other_side(viewer_role), viewer=viewer_role)
