"""Volunteer pages: become a volunteer, my profile, edit, pause/resume."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from requests_app.models import Category, Topic
from volunteers.models import Volunteer, VolunteerStatus

pytestmark = pytest.mark.django_db


def profile_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "Mal",
        "languages": ["ja", "en"],
        "prefecture": "Tokyo",
        "municipality": "Nakano",
        "categories": [str(Category.objects.get(code="living").pk)],
        "topics": [str(Topic.objects.get(code="bank_account").pk)],
        "modes": ["in_person", "online"],
        "availability": ["weekend"],
        "bio": "I helped friends open bank accounts.",
        "capacity": "3",
        "contact_phone": "080-1111-2222",
        "contact_email": "",
        "notify_new_tasks": "on",
        "max_task_emails_per_day": "3",
    }
    data.update(overrides)
    return data


def test_anonymous_people_are_sent_to_login(client) -> None:  # noqa: ANN001
    for name in ("volunteers:profile", "volunteers:register", "volunteers:edit"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    response = client.post(reverse("volunteers:pause"))
    assert reverse("account_login") in response["Location"]


def test_the_profile_page_sends_newcomers_to_registration(client, mallory) -> None:  # noqa: ANN001
    client.force_login(mallory)
    response = client.get(reverse("volunteers:profile"))
    assert response["Location"] == reverse("volunteers:register")


def test_it_registers_a_volunteer(client, mallory) -> None:  # noqa: ANN001
    client.force_login(mallory)
    page = client.get(reverse("volunteers:register"))
    assert page.status_code == 200
    response = client.post(reverse("volunteers:register"), profile_form())
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=mallory)
    assert volunteer.status == VolunteerStatus.APPLIED
    assert volunteer.languages == ["ja", "en"]
    assert volunteer.capacity == 3
    assert volunteer.contact_phone == "080-1111-2222"
    assert [t.code for t in volunteer.topics.all()] == ["bank_account"]


INVALID = {
    "no language": ({"languages": []}, "languages"),
    "unknown language": ({"languages": ["xx"]}, "languages"),
    "no prefecture": ({"prefecture": ""}, "prefecture"),
    "no municipality": ({"municipality": " "}, "municipality"),
    "no category": ({"categories": []}, "categories"),
    "topic of another category": ({"topics": [None]}, "topics"),
    "no mode": ({"modes": []}, "modes"),
    "no availability": ({"availability": []}, "availability"),
    "capacity too small": ({"capacity": "0"}, "capacity"),
    "capacity too large": ({"capacity": "11"}, "capacity"),
    "bad phone": ({"contact_phone": "call me"}, "contact_phone"),
    "bad email": ({"contact_email": "not-an-email"}, "contact_email"),
    "no contact at all": ({"contact_phone": "", "contact_email": ""}, "contact_email"),
    "too many emails": ({"max_task_emails_per_day": "99"}, "max_task_emails_per_day"),
}


@pytest.mark.parametrize("case", INVALID.keys())
def test_it_rejects_each_invalid_field_and_saves_nothing(client, mallory, case) -> None:  # noqa: ANN001
    overrides, field = INVALID[case]
    if overrides.get("topics") == [None]:
        overrides = {"topics": [str(Topic.objects.get(code="pension").pk)]}
    client.force_login(mallory)
    response = client.post(reverse("volunteers:register"), profile_form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Volunteer.objects.exists()


def test_the_profile_shows_status_and_pause_button(client, bob) -> None:  # noqa: ANN001
    client.force_login(bob.user)
    response = client.get(reverse("volunteers:profile"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("volunteers:pause") in html
    assert "090-1234-5678" in html


def test_a_volunteer_edits_the_profile(client, bob) -> None:  # noqa: ANN001
    client.force_login(bob.user)
    assert client.get(reverse("volunteers:edit")).status_code == 200
    response = client.post(reverse("volunteers:edit"), profile_form(display_name="Bobby"))
    assert response.status_code == 302
    bob.refresh_from_db()
    bob.user.refresh_from_db()
    assert bob.municipality == "Nakano"
    assert bob.user.display_name == "Bobby"
    assert bob.status == VolunteerStatus.APPROVED


def test_a_bad_edit_saves_nothing(client, bob) -> None:  # noqa: ANN001
    client.force_login(bob.user)
    response = client.post(reverse("volunteers:edit"), profile_form(capacity="0"))
    assert response.status_code == 200
    bob.refresh_from_db()
    assert bob.municipality == "Shinjuku"


def test_registering_twice_goes_to_the_profile(client, bob) -> None:  # noqa: ANN001
    client.force_login(bob.user)
    response = client.get(reverse("volunteers:register"))
    assert response["Location"] == reverse("volunteers:profile")


def test_pause_and_resume(client, bob) -> None:  # noqa: ANN001
    client.force_login(bob.user)
    client.post(reverse("volunteers:pause"))
    bob.refresh_from_db()
    assert bob.status == VolunteerStatus.PAUSED
    client.post(reverse("volunteers:resume"))
    bob.refresh_from_db()
    assert bob.status == VolunteerStatus.APPROVED


def test_pause_needs_post(client, bob) -> None:  # noqa: ANN001
    client.force_login(bob.user)
    assert client.get(reverse("volunteers:pause")).status_code == 405


def test_it_checks_ownership(client, bob, mallory) -> None:  # noqa: ANN001
    """The profile pages only ever show the signed-in person's own profile."""
    client.force_login(mallory)
    for name in ("volunteers:profile", "volunteers:edit"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("volunteers:register")
    client.post(reverse("volunteers:pause"))
    bob.refresh_from_db()
    assert bob.status == VolunteerStatus.APPROVED


@pytest.mark.parametrize("language", ["ja", "en", "ne"])
def test_the_registration_page_renders_in_each_language(client, mallory, language) -> None:  # noqa: ANN001
    client.force_login(mallory)
    response = client.get(f"/{language}/volunteer/register/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
