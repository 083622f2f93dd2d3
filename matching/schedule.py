"""The service window: the days and hours (Japan time) in which approved help takes place.

``settings.SERVICE_WINDOW`` configures it; staff agree a start and a length inside it before they
approve a match, and reminders follow from that agreed time.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class ServiceWindow:
    """When approved help may take place: ``settings.SERVICE_WINDOW``, in Japan time."""

    days: tuple[int, ...]  # Python weekdays, 0 = Monday
    start: datetime.time
    end: datetime.time
    max_minutes: int
    zone: zoneinfo.ZoneInfo

    @classmethod
    def from_settings(cls) -> ServiceWindow:  # read on each use: tests override the setting
        config = getattr(settings, "SERVICE_WINDOW", {})
        return cls(
            days=tuple(sorted(config.get("days", (0, 1, 2, 3, 4, 5)))),
            start=datetime.time.fromisoformat(config.get("start", "08:30")),
            end=datetime.time.fromisoformat(config.get("end", "18:00")),
            max_minutes=int(config.get("max_minutes", 180)),
            zone=zoneinfo.ZoneInfo(config.get("timezone", "Asia/Tokyo")),
        )

    def length_choices(self, step: int = 30) -> list[int]:
        return list(range(step, self.max_minutes + 1, step))

    def days_text(self) -> str:
        days = self.days
        if len(days) > 2 and list(days) == list(range(days[0], days[-1] + 1)):
            return str(
                _("%(first)s to %(last)s")
                % {"first": WEEKDAYS[days[0]], "last": WEEKDAYS[days[-1]]}
            )
        return ", ".join(str(WEEKDAYS[day]) for day in days)

    def hours_text(self) -> str:
        return f"{time_format(self.start, 'G:i')}–{time_format(self.end, 'G:i')}"

    def describe(self) -> str:
        """“Monday to Saturday, 8:30–18:00 Japan time, at most 3 hours”, in the active language."""
        return str(
            _("%(days)s, %(hours)s Japan time, at most %(length)s")
            % {
                "days": self.days_text(),
                "hours": self.hours_text(),
                "length": length_text(self.max_minutes),
            }
        )

    def problem(self, start: datetime.datetime, minutes: int) -> str | None:
        """Why this start and length do not fit the window (translated), or None."""
        if minutes <= 0 or minutes > self.max_minutes:
            return str(
                _("The help can last at most %(length)s.")
                % {"length": length_text(self.max_minutes)}
            )
        local = start.astimezone(self.zone)
        if local.weekday() not in self.days:
            return str(
                _("Help takes place %(days)s only. Choose another day.")
                % {"days": self.days_text()}
            )
        end = local + datetime.timedelta(minutes=minutes)
        if local.time() < self.start or end.date() != local.date() or end.time() > self.end:
            return str(
                _(
                    "Choose a time from %(start)s to %(end)s Japan time: the help must start and "
                    "end within these hours."
                )
                % {"start": time_format(self.start, "G:i"), "end": time_format(self.end, "G:i")}
            )
        return None


def length_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def service_window() -> ServiceWindow:
    return ServiceWindow.from_settings()
