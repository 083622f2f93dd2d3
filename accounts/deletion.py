"""Deleting an account: personal data is removed or anonymised at once; what must stay, stays.

What stays, and why (the "My data" page says the same to the person):
- donation records (amount, date, donor name and email as given), because accounting law
  requires keeping them (7 years);
- the requests and matches as anonymised rows (category, area, languages, dates, states,
  ratings), for the programme's statistics; their text, contacts and files are erased;
- the account row itself, anonymised and unable to sign in, so those rows keep a owner id that
  points to nobody.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Consent, User

logger = logging.getLogger(__name__)

# What deletion does to each model that holds rows about a person (a test checks that every
# model with a foreign-key path to the user is listed here).
EFFECTS: dict[str, str] = {
    "accounts.User": "anonymised: email, names, password; inactive",
    "accounts.Consent": "deleted",
    "account.EmailAddress": "deleted",
    "account.EmailConfirmation": "deleted (with the email address)",
    "mfa.Authenticator": "deleted",
    "admin.LogEntry": "kept: staff's own audit trail of admin changes",
    "requests_app.HelpRequest": "anonymised: text, contact phone, dates erased; open ones cancelled",
    "requests_app.StatusChange": "notes erased; moves kept for statistics",
    "requests_app.Attachment": "deleted with the files",
    "volunteers.Volunteer": "anonymised: bio, contacts, municipality; status rejected",
    "volunteers.VolunteerStatusChange": "notes erased",
    "matching.Match": "open ones cancelled or withdrawn; resident phone erased",
    "matching.MatchEvent": "notes erased",
    "matching.Decline": "reasons erased",
    "matching.RankedCandidate": "deleted for the person's requests (reasons quote texts)",
    "matching.RankingJob": "kept: holds no text",
    "matching.Feedback": "comments erased; ratings kept for statistics",
    "matching.OFPPair": "running pairs ended; reason erased for the resident's pairs",
    "matching.OFPEvent": "notes erased",
    "matching.OFPCheckIn": "kept: due dates only",
    "matching.OFPCheckInAnswer": "comments erased; ratings kept",
    "donations.Donation": "kept: accounting law (seven years)",
    "donations.SupportMessage": "kept: linked only to the staff member who approved it",
    "notifications.Notification": "deleted",
    "accesslog.AccessLog": "kept: append-only record of staff access, holds no personal data",
}

CONFIRM_WORD = _("DELETE")
ACCOUNT_DELETED = _("The other person deleted their account.")


def _withdraw_as_resident(user: User) -> None:
    """Open requests are cancelled: the volunteer of a pending or approved match is told."""
    from requests_app.models import HelpRequest
    from requests_app.services import request_cancel

    for help_request in HelpRequest.objects.filter(resident=user).open():
        request_cancel(help_request=help_request, by=user, note="")


def _withdraw_as_volunteer(user: User) -> None:
    """Open matches are withdrawn (the resident is told, the request goes back to the board)."""
    from matching.models import ACTIVE_STATUSES, Match
    from matching.services import match_withdraw
    from volunteers.models import Volunteer, VolunteerStatus
    from volunteers.services import volunteer_transition

    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is None:
        return
    for match in Match.objects.filter(volunteer=volunteer, status__in=ACTIVE_STATUSES):
        match_withdraw(match=match, by=user, reason="")
    if volunteer.status != VolunteerStatus.REJECTED:
        # Off the board and out of the ranking for good; no status means "deleted", and
        # "rejected" is the one no volunteer leaves without staff.
        volunteer_transition(volunteer=volunteer, to=VolunteerStatus.REJECTED, by=None, note="")
    Volunteer.objects.filter(pk=volunteer.pk).update(
        municipality="",
        bio="",
        contact_phone="",
        contact_email="",
        notify_new_tasks=False,
        daily_digest=False,
    )
    volunteer.status_changes.exclude(note="").update(note="")
    volunteer.declines.exclude(reason="").update(reason="")


def _end_pairs(user: User) -> None:
    """A Family Friend pair cannot go on without one of its two people: the other is told."""
    from django.db.models import Q

    from matching.models import OFPPair, OFPStatus
    from matching.services import ofp_end_early, ofp_transition

    mine = Q(match__request__resident=user) | Q(match__volunteer__user=user)
    for pair in OFPPair.objects.filter(mine).select_related("match__request", "match__volunteer"):
        if pair.status == OFPStatus.REQUESTED:
            ofp_transition(pair=pair, to=OFPStatus.DECLINED, by=None)
        elif pair.status in (OFPStatus.AWAITING_CONSENT, OFPStatus.ACTIVE):
            ofp_end_early(pair=pair, by=user, reason=str(ACCOUNT_DELETED))


def account_delete(*, user: User) -> User:
    """Remove or anonymise everything personal about ``user``; see the module docstring."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from matching.models import Feedback, MatchEvent, OFPCheckInAnswer, OFPEvent
    from notifications.models import Notification
    from requests_app.models import HelpRequest
    from requests_app.retention import request_erase

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _end_pairs(user)
        _withdraw_as_resident(user)
        _withdraw_as_volunteer(user)
        for help_request in HelpRequest.objects.filter(resident=user):
            request_erase(help_request=help_request)
        # What the person wrote about matches and pairs they were the volunteer of.
        Feedback.objects.filter(author=user).exclude(comment="").update(comment="")
        OFPCheckInAnswer.objects.filter(author=user).exclude(comment="").update(comment="")
        OFPEvent.objects.filter(by=user).exclude(note="").update(note="")
        MatchEvent.objects.filter(by=user).exclude(note="").update(note="")
        Notification.objects.filter(recipient=user).delete()
        Consent.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.email = f"deleted-{user.pk}@deleted.invalid"
        user.first_name = user.last_name = user.display_name = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()  # also ends every session (its hash no longer matches)
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    logger.info("account %s deleted", user.pk)
    return user
