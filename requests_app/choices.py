"""Choices shared by requests and volunteer profiles: languages, modes, availability, prefectures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .taxonomy import PREFECTURES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person (meet or go together)")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online (video or chat)")


class Availability(models.TextChoices):
    WEEKDAY_DAYTIME = "weekday_daytime", _("Weekdays, daytime")
    WEEKDAY_EVENING = "weekday_evening", _("Weekdays, evening")
    WEEKEND = "weekend", _("Weekends")


# Languages a resident or volunteer can use. Japanese, English and Nepali first (the site's
# languages), then languages often spoken by residents of Japan.
LANGUAGE_CHOICES: list[tuple[str, StrOrPromise]] = [
    ("ja", _("Japanese")),
    ("en", _("English")),
    ("ne", _("Nepali")),
    ("zh", _("Chinese")),
    ("ko", _("Korean")),
    ("vi", _("Vietnamese")),
    ("tl", _("Filipino (Tagalog)")),
    ("pt", _("Portuguese")),
    ("es", _("Spanish")),
    ("id", _("Indonesian")),
    ("my", _("Burmese")),
    ("hi", _("Hindi")),
    ("si", _("Sinhala")),
    ("bn", _("Bengali")),
    ("th", _("Thai")),
]
LANGUAGE_CODES = [code for code, _label in LANGUAGE_CHOICES]


def language_name(code: str) -> str:
    return str(dict(LANGUAGE_CHOICES).get(code, code))


def _prefecture_label(code: str, ja: str, ne: str) -> str:
    # With translations off (makemigrations), the romanised code keeps migrations stable.
    language = (get_language() or "en").split("-")[0]
    return {"ja": ja, "ne": ne}.get(language, code)


prefecture_label = lazy(_prefecture_label, str)

# Prefecture names come from the taxonomy in all three languages, not from the .po files.
PREFECTURE_CHOICES: list[tuple[str, str]] = [
    (code, prefecture_label(code, ja, ne)) for code, ja, ne in PREFECTURES
]


def prefecture_name(code: str) -> str:
    return str(dict(PREFECTURE_CHOICES).get(code, code))
