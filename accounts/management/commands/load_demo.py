"""Load demo people and requests for `make run`. Safe to run again: nothing is duplicated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings

from accounts.mfa import DEMO_STAFF_EMAIL
from accounts.models import User
from donations.demo import load_demo as load_donations_demo
from otonari.text import detect_language
from requests_app.models import Category, HelpRequest, RequestStatus, Topic
from requests_app.services import RequestData, request_create, request_transition
from volunteers.demo import load_volunteers

DATA = Path(__file__).resolve().parents[2] / "demo_data.json"
PASSWORD = "otonari-demo-2026"  # noqa: S105 - printed for the local demo only

STAFF = {
    "email": DEMO_STAFF_EMAIL,
    "display_name": "Staff Sato",
    "preferred_language": "ja",
}
RESIDENTS = {
    "ne": {
        "email": "sita@demo.otonari.example",
        "display_name": "Sita",
        "preferred_language": "ne",
    },
    "en": {
        "email": "maria@demo.otonari.example",
        "display_name": "Maria",
        "preferred_language": "en",
    },
    "ja": {"email": "lin@demo.otonari.example", "display_name": "Lin", "preferred_language": "ja"},
}
REQUESTS_PER_LANGUAGE = 4


def ensure_user(*, email: str, staff: bool = False, **fields: Any) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=PASSWORD, is_staff=staff, is_superuser=staff, **fields
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load_requests(residents: dict[str, User], staff: User, rows: list[dict[str, Any]]) -> int:
    categories = {c.code: c for c in Category.objects.all()}
    topics = {t.code: t for t in Topic.objects.all()}
    taken: dict[str, int] = {}
    created = 0
    for row in rows:
        language = detect_language(row["title"] + row["description"])
        if taken.get(language, 0) >= REQUESTS_PER_LANGUAGE:
            continue
        taken[language] = taken.get(language, 0) + 1
        resident = residents[language]
        if HelpRequest.objects.filter(resident=resident, title=row["title"][:120]).exists():
            continue
        help_request = request_create(
            resident=resident,
            data=RequestData(
                category=categories[row["category"]],
                topics=[topics[code] for code in row["topics"]],
                title=row["title"][:120],
                description=row["description"][:2000],
                languages=row["languages"],
                prefecture=row["prefecture"],
                municipality=row["municipality"],
                mode=row["mode"],
                availability=row["availability"],
            ),
        )
        # Most demo requests are already open to volunteers; the first of each language waits for staff.
        if taken[language] > 1:
            request_transition(help_request=help_request, to=RequestStatus.MATCHING, by=staff)
        created += 1
    return created


class Command(BaseCommand):
    help = "Load demo users and help requests (idempotent) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        data = json.loads(DATA.read_text(encoding="utf-8"))
        # The demo's own notifications (dozens) stay in the in-app lists instead of the console.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            staff = ensure_user(staff=True, **STAFF)
            residents = {lang: ensure_user(**fields) for lang, fields in RESIDENTS.items()}
            volunteers = load_volunteers(data["volunteers"], staff=staff, password=PASSWORD)
            created = load_requests(residents, staff, data["requests"])
            load_donations_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new requests)."))
        self.stdout.write(f"Logins (password for all: {PASSWORD}):")
        self.stdout.write(f"  staff (admin at /ja/admin/): {STAFF['email']}")
        if settings.DEBUG:
            self.stdout.write("    (no second factor for this demo account while DEBUG=1)")
        for language, fields in RESIDENTS.items():
            self.stdout.write(f"  resident ({language}): {fields['email']}")
        self.stdout.write(
            f"  volunteer (task board at /ja/matches/board/): {volunteers[0].user.email} "
            f"(and {len(volunteers) - 1} more approved volunteers)"
        )
        self.stdout.write("  campaign page: /ja/support/")
