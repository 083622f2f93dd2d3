"""The registry of notification events: who gets each one, its templates and its context."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Every template also receives these, filled in by `notify`:
#   recipient_name  the recipient's public name
#   link            absolute URL (SITE_URL + path in the recipient's language), or ""
#   site_url        SITE_URL
COMMON_CONTEXT = ("recipient_name", "link", "site_url")

# Two-sided events get `role` = "resident" or "volunteer" to pick the right "what next" text.
ROLES = ("resident", "volunteer")


@dataclass(frozen=True)
class Event:
    code: str
    label: Promise
    audience: str  # who receives it; documentation for callers and staff
    context: tuple[str, ...]  # keys the caller passes (besides COMMON_CONTEXT)
    email: bool = True  # emailed by default; `notify(email=False)` keeps it in-app only
    digestible: bool = False  # may be collected into the daily digest instead

    @property
    def template_dir(self) -> str:
        return f"notifications/{self.code}"


EVENTS: dict[str, Event] = {
    event.code: event
    for event in (
        Event(
            "request_received",
            _("Request received"),
            "resident",
            ("title", "category"),
        ),
        Event(
            # No resident PII: only what the board shows to any approved volunteer.
            "new_task",
            _("New task that fits you"),
            "approved volunteers ranked high for the request",
            ("title", "category", "area", "time_window"),
            digestible=True,
        ),
        Event(
            "volunteer_accepted",
            _("Volunteer accepted a request"),
            "staff",
            ("volunteer_name", "title"),
        ),
        Event(
            "match_approved",
            _("Match approved"),
            "resident and volunteer",
            ("role", "title", "other_name", "contact_lines", "agreed_time"),
        ),
        Event(
            "match_rejected",
            _("Match not approved"),
            "the affected side",
            ("role", "title"),
        ),
        Event(
            "match_withdrawn",
            _("Match withdrawn"),
            "the affected side",
            ("role", "title"),
        ),
        Event(
            "request_cancelled",
            _("Request cancelled"),
            "the affected side",
            ("role", "title"),
        ),
        Event(
            "match_reconfirm",
            _("Request changed: please confirm"),
            "the volunteer of a pending match",
            ("title", "changes"),
        ),
        Event(
            "match_no_longer_fits",
            _("Request changed: match withdrawn"),
            "the volunteer of a pending match",
            ("title", "reason"),
        ),
        Event(
            "agreed_time_changed",
            _("Agreed time changed"),
            "resident and volunteer",
            ("role", "title", "other_name", "agreed_time", "length"),
        ),
        Event(
            "reminder_day_before",
            _("Reminder for tomorrow"),
            "resident and volunteer",
            ("role", "title", "other_name", "agreed_time"),
        ),
        Event(
            "feedback_request",
            _("Feedback request"),
            "resident and volunteer",
            ("role", "title", "other_name"),
        ),
        Event(
            "feedback_reminder",
            _("Feedback reminder"),
            "resident and volunteer",
            ("role", "title", "other_name"),
        ),
        Event(
            "ofp_started",
            _("Family Friend pair started"),
            "resident and volunteer",
            ("role", "other_name", "contact_lines"),
        ),
        Event(
            "ofp_checkin_due",
            _("Monthly check-in due"),
            "resident and volunteer",
            ("role", "other_name", "month_number"),
        ),
        Event(
            "volunteer_approved",
            _("Volunteer application approved"),
            "volunteer",
            (),
        ),
        Event(
            "volunteer_rejected",
            _("Volunteer application not approved"),
            "volunteer",
            ("reason",),
        ),
        Event(
            "safety_flag",
            _("Safety flag"),
            "staff",
            ("reference",),
        ),
    )
}

EVENT_CHOICES = [(event.code, event.label) for event in EVENTS.values()]

# Not an event (it creates no row): the daily email that collects digest notifications.
DIGEST_TEMPLATE_DIR = "notifications/digest"
