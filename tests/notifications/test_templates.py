"""Every event's email renders in every language, with a subject, a text and an HTML part."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import translation

from notifications.events import DIGEST_TEMPLATE_DIR, EVENTS
from notifications.services import render_templates

AGREED = datetime.datetime(2026, 12, 3, 10, 30, tzinfo=datetime.UTC)
TITLE = "Bob's <b>clinic</b> visit"

# One example context per event: exactly the keys the registry documents.
SAMPLES: dict[str, dict] = {
    "request_received": {"title": TITLE, "category": "Healthcare"},
    "new_task": {
        "title": TITLE,
        "category": "Healthcare",
        "area": "Tokyo, Shinjuku",
        "time_window": "Weekday daytime",
    },
    "volunteer_accepted": {"volunteer_name": "Bob", "title": TITLE},
    "match_approved": {
        "role": "resident",
        "title": TITLE,
        "other_name": "Bob",
        "contact_lines": ["Phone: 090-0000-0000", "LINE: bob"],
        "agreed_time": AGREED,
    },
    "match_rejected": {"role": "volunteer", "title": TITLE},
    "match_withdrawn": {"role": "resident", "title": TITLE},
    "request_cancelled": {"role": "volunteer", "title": TITLE},
    "match_reconfirm": {"title": TITLE, "changes": ["category", "good times"]},
    "match_no_longer_fits": {
        "title": TITLE,
        "reason": "This task is at times when you are not available.",
    },
    "agreed_time_changed": {
        "role": "resident",
        "title": TITLE,
        "other_name": "Bob",
        "agreed_time": AGREED,
        "length": "2 hours",
    },
    "reminder_day_before": {
        "role": "volunteer",
        "title": TITLE,
        "other_name": "Alice",
        "agreed_time": AGREED,
    },
    "feedback_request": {"role": "resident", "title": TITLE, "other_name": "Bob"},
    "feedback_reminder": {"role": "volunteer", "title": TITLE, "other_name": "Alice"},
    "ofp_started": {"role": "resident", "other_name": "Bob", "contact_lines": ["LINE: bob"]},
    "ofp_checkin_due": {"role": "volunteer", "other_name": "Alice", "month_number": 2},
    "volunteer_approved": {},
    "volunteer_rejected": {"reason": "We need volunteers who live in Tokyo for now."},
    "safety_flag": {"reference": "Match #12, feedback #3"},
}
COMMON = {"recipient_name": "Alice", "link": "https://otonari.example/ne/x/", "site_url": "x"}
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def strict_templates(settings):  # noqa: ANN001, ANN201
    """Undefined variables show up as INVALID instead of silently rendering as ""."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "string_if_invalid": "INVALID[%s]"},
        }
    ]


def test_the_samples_document_every_event() -> None:
    assert set(SAMPLES) == set(EVENTS)
    for code, event in EVENTS.items():
        assert set(SAMPLES[code]) == set(event.context), code


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", sorted(EVENTS))
def test_each_event_renders_in_each_language(strict_templates, event: str, language: str) -> None:  # noqa: ANN001
    with translation.override(language):
        rendered = render_templates(EVENTS[event].template_dir, {**SAMPLES[event], **COMMON})

    assert rendered.subject and "\n" not in rendered.subject
    assert "Alice" in rendered.text and "Alice" in rendered.html
    assert f'<html lang="{language}">' in rendered.html
    assert COMMON["link"] in rendered.text and f'href="{COMMON["link"]}"' in rendered.html
    for part in (rendered.subject, rendered.text, rendered.html):
        assert "INVALID" not in part and "{%" not in part and "{{" not in part
    # Text is never HTML-escaped; HTML always is.
    assert "&#x27;" not in rendered.text and "&lt;" not in rendered.text
    assert "<b>clinic</b>" not in rendered.html
    if "title" in SAMPLES[event]:
        assert "Bob's <b>clinic</b> visit" in rendered.text
        assert "Bob&#x27;s &lt;b&gt;clinic&lt;/b&gt; visit" in rendered.html
    if "agreed_time" in SAMPLES[event]:
        assert "2026" in rendered.text
    if "contact_lines" in SAMPLES[event]:
        assert "- LINE: bob" in rendered.text and "<li>LINE: bob</li>" in rendered.html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_digest_renders_in_each_language(strict_templates, language: str) -> None:  # noqa: ANN001
    items = [
        {"subject": "Task one", "link": "https://otonari.example/en/1/"},
        {"subject": "Task two", "link": "https://otonari.example/en/2/"},
    ]
    with translation.override(language):
        rendered = render_templates(DIGEST_TEMPLATE_DIR, {**COMMON, "items": items, "count": 2})

    assert rendered.subject and "INVALID" not in rendered.html + rendered.text
    assert "- Task two\n  https://otonari.example/en/2/" in rendered.text
    assert '<a href="https://otonari.example/en/1/">Task one</a>' in rendered.html


def test_two_sided_events_speak_to_each_side() -> None:
    context = {**SAMPLES["match_withdrawn"], **COMMON}
    with translation.override("en"):
        to_resident = render_templates("notifications/match_withdrawn", context)
        to_volunteer = render_templates(
            "notifications/match_withdrawn", {**context, "role": "volunteer"}
        )

    assert "look for another volunteer" in to_resident.text
    assert "You do not need to go" in to_volunteer.text


def test_new_task_shows_no_resident_data_even_if_a_caller_passes_it(
    strict_templates,  # noqa: ANN001
) -> None:
    leaked = {
        "resident": "Alice Gurung",
        "resident_name": "Alice Gurung",
        "email": "alice@example.com",
        "phone": "090-1111-2222",
        "description": "My son needs a vaccination",
        "address": "1-2-3 Shinjuku",
    }
    with translation.override("en"):
        rendered = render_templates(
            "notifications/new_task", {**SAMPLES["new_task"], **COMMON, **leaked}
        )

    for part in (rendered.subject, rendered.text, rendered.html):
        for value in leaked.values():
            assert value not in part
    assert "Tokyo, Shinjuku" in rendered.text and "Weekday daytime" in rendered.text


def test_rendering_follows_the_active_language() -> None:
    # Our catalogues may not be compiled yet; Django's own date formats show the switch.
    context = {**SAMPLES["match_approved"], **COMMON}
    with translation.override("en"):
        english = render_templates("notifications/match_approved", context)
    with translation.override("ja"):
        japanese = render_templates("notifications/match_approved", context)

    assert "Dec. 3, 2026" in english.text
    assert "2026年12月3日" in japanese.text
