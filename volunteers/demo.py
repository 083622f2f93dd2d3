"""Demo volunteers for `make run`, from the matching evaluation set. Safe to run again."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress

from accounts.models import User
from requests_app.models import Category, Topic

from .models import Volunteer, VolunteerStatus
from .services import VolunteerData, volunteer_approve, volunteer_register

# Display names for the demo (the evaluation set has ids only).
NAMES = [
    "Kenji",
    "Yuko",
    "Haruto",
    "Aiko",
    "Takeshi",
    "Mei",
    "Sota",
    "Naomi",
    "Daiki",
    "Emi",
    "Ren",
    "Sakura",
    "Kaito",
    "Hana",
    "Yuto",
    "Rin",
    "Sho",
    "Miyu",
    "Riku",
    "Nanami",
]


def load_volunteers(rows: list[dict[str, Any]], *, staff: User, password: str) -> list[Volunteer]:
    categories = {c.code: c for c in Category.objects.all()}
    topics = {t.code: t for t in Topic.objects.all()}
    volunteers = []
    for index, row in enumerate(rows):
        name = NAMES[index % len(NAMES)] + (
            "" if index < len(NAMES) else f" {index // len(NAMES) + 1}"
        )
        email = f"{name.lower().replace(' ', '')}@volunteers.demo.otonari.example"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=password, preferred_language="ja"
        )
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        volunteer = Volunteer.objects.filter(user=user).first()
        if volunteer is None:
            volunteer = volunteer_register(
                user=user,
                data=VolunteerData(
                    display_name=name,
                    languages=row["languages"],
                    prefecture=row["prefecture"],
                    municipality=row["municipality"],
                    categories=[categories[code] for code in row["categories"]],
                    topics=[topics[code] for code in row["topics"]],
                    modes=row["modes"],
                    availability=row["availability"],
                    bio=row["bio"],
                    capacity=2,
                    contact_phone=f"090-0000-{index:04d}",
                    contact_email=email,
                ),
            )
        if volunteer.status == VolunteerStatus.APPLIED:
            volunteer_approve(volunteer=volunteer, by=staff, note="demo")
        volunteers.append(volunteer)
    return volunteers
