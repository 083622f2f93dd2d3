"""Times inside the default service window (Monday–Saturday, 8:30–18:00 Japan time)."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.utils import timezone

JAPAN = zoneinfo.ZoneInfo("Asia/Tokyo")


def service_time(days: int = 3, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """``days`` from today (moved to Monday if that is a Sunday), at hour:minute Japan time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    if day.weekday() == 6:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=JAPAN)


def approval(**overrides: Any) -> dict[str, Any]:
    """The agreed time and length ``match_approve`` needs: an hour, three days ahead at 10:00."""
    return {"agreed_time": service_time(), "agreed_minutes": 60, **overrides}
