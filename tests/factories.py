"""Small factory functions: explicit defaults a reader can see, overridable per test."""

from __future__ import annotations

import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from requests_app.models import Category, HelpRequest, Topic
from requests_app.services import RequestData, request_create

PASSWORD = "correct horse battery staple"  # noqa: S105


def url_in(language: str, name: str, *args: Any, **kwargs: Any) -> str:
    """The URL of a named page in one language (/ja/…, /en/…, /ne/…)."""
    with translation.override(language):
        return reverse(name, args=args or None, kwargs=kwargs or None)


def make_user(email: str, *, verified: bool = True, **extra: Any) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def request_data(**overrides: Any) -> RequestData:
    category = overrides.pop("category", None) or Category.objects.get(code="healthcare")
    topics = overrides.pop("topics", None) or [Topic.objects.get(code="vaccination")]
    values: dict[str, Any] = {
        "category": category,
        "topics": topics,
        "title": "खोपको लागि साथ चाहियो",
        "description": "मेरो छोरालाई खोप लगाउन क्लिनिक जानुपर्छ। जापानी भाषा बुझ्दिन।",
        "languages": ["ne", "en"],
        "prefecture": "Tokyo",
        "municipality": "Shinjuku",
        "mode": "in_person",
        "availability": ["weekday_daytime"],
        "preferred_dates": [],
    }
    values.update(overrides)
    return RequestData(**values)


def make_request(resident: User, **overrides: Any) -> HelpRequest:
    return request_create(resident=resident, data=request_data(**overrides))


def form_data(**overrides: Any) -> dict[str, Any]:
    """POST data of a valid help-request form (healthcare / vaccination, in Nepali)."""
    healthcare = Category.objects.get(code="healthcare")
    data: dict[str, Any] = {
        "category": str(healthcare.pk),
        "topics": [str(Topic.objects.get(code="vaccination").pk)],
        "title": "खोपको लागि साथ चाहियो",
        "description": "मेरो छोरालाई खोप लगाउन क्लिनिक जानुपर्छ। जापानी भाषा बुझ्दिन।",
        "first_language": "ne",
        "other_languages": ["en"],
        "prefecture": "Tokyo",
        "municipality": "Shinjuku",
        "mode": "in_person",
        "availability": ["weekday_daytime", "weekend"],
        "date_1": (datetime.date.today() + datetime.timedelta(days=7)).isoformat(),  # noqa: DTZ011
        "date_2": "",
        # Asked only while missing (the first request, a new privacy notice); ignored otherwise.
        "consent_privacy_notice": "on",
        "consent_sensitive_info": "on",
        "consent_share_with_volunteer": "on",
    }
    data.update(overrides)
    return data
