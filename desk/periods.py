"""Reporting periods in Japan time: this month, this fiscal year (April to March), or custom."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

JAPAN = ZoneInfo(settings.TIME_ZONE)
FISCAL_YEAR_FIRST_MONTH = 4  # April


@dataclass(frozen=True)
class Period:
    """``[start, end)`` as aware datetimes at midnight Japan time."""

    start: datetime.datetime
    end: datetime.datetime

    @property
    def first_day(self) -> datetime.date:
        return self.start.date()

    @property
    def last_day(self) -> datetime.date:
        return (self.end - datetime.timedelta(days=1)).date()

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, in order."""
        month = self.first_day.replace(day=1)
        months = []
        while month <= self.last_day:
            months.append(month)
            month = _next_month(month)
        return months


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=JAPAN)


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def between(first_day: datetime.date, last_day: datetime.date) -> Period:
    """From the start of ``first_day`` to the end of ``last_day`` (both included)."""
    return Period(_midnight(first_day), _midnight(last_day + datetime.timedelta(days=1)))


def month_of(day: datetime.date) -> Period:
    first = day.replace(day=1)
    return Period(_midnight(first), _midnight(_next_month(first)))


def fiscal_year_start(day: datetime.date) -> int:
    """The calendar year in which the fiscal year holding ``day`` began (April 2026 → 2026,
    March 2027 → 2026)."""
    return day.year if day.month >= FISCAL_YEAR_FIRST_MONTH else day.year - 1


def fiscal_year_of(day: datetime.date) -> Period:
    year = fiscal_year_start(day)
    return Period(
        _midnight(datetime.date(year, FISCAL_YEAR_FIRST_MONTH, 1)),
        _midnight(datetime.date(year + 1, FISCAL_YEAR_FIRST_MONTH, 1)),
    )
