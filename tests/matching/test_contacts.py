"""Contacts by one rule: matching.contacts decides what each side sees, everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from matching.contacts import STAFF, contact_lines, contacts_for
from matching.models import Match, MatchStatus, Role
from matching.services import match_approve
from notifications.models import Notification
from tests.factories import make_user
from tests.matching.helpers import approval
from tests.volunteers.factories import make_match, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pat(db):  # noqa: ANN001, ANN201
    """A volunteer who gave only a phone: her account email must never reach a resident."""
    user = make_user("pat.account@example.com", display_name="Pat", preferred_language="en")
    return make_volunteer(user, contact_email="", contact_phone="080-7777-6666")


def _approved(resident, volunteer, carol) -> Match:  # noqa: ANN001
    match = make_match(resident, volunteer)
    return match_approve(match=match, by=carol, **approval())


def test_before_approval_nobody_sees_contacts(alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.ACCEPTED)
    match.resident_phone = "070-2222-3333"
    assert contact_lines(match, Role.RESIDENT) == []
    assert contact_lines(match, Role.VOLUNTEER) == []
    assert contact_lines(match, None) == []


def test_after_approval_each_side_sees_only_chosen_contacts(alice, bob, carol) -> None:  # noqa: ANN001
    match = _approved(alice, bob, carol)
    match.resident_phone = "070-2222-3333"
    seen_by_resident = [(line.kind, line.value) for line in contact_lines(match, Role.RESIDENT)]
    assert seen_by_resident == [("phone", "090-1234-5678"), ("email", "bob.contact@example.com")]
    seen_by_volunteer = [(line.kind, line.value) for line in contact_lines(match, Role.VOLUNTEER)]
    assert seen_by_volunteer == [("phone", "070-2222-3333")]  # never alice@example.com


def test_a_phone_only_volunteer_shows_only_the_phone(alice, pat, carol) -> None:  # noqa: ANN001
    match = _approved(alice, pat, carol)
    assert [line.value for line in contact_lines(match, Role.RESIDENT)] == ["080-7777-6666"]


def test_staff_see_account_emails_marked_as_such(alice, pat, carol) -> None:  # noqa: ANN001
    match = make_match(alice, pat)
    volunteer = contacts_for(match, Role.VOLUNTEER, viewer=STAFF)
    assert ("pat.account@example.com", True) in [(line.value, line.account) for line in volunteer]
    resident = contacts_for(match, Role.RESIDENT, viewer=STAFF)
    assert [(line.value, line.account) for line in resident] == [("alice@example.com", True)]


def test_the_approval_email_never_carries_a_phone_only_volunteers_account_email(
    alice, pat, carol
) -> None:  # noqa: ANN001
    _approved(alice, pat, carol)
    notice = Notification.objects.get(event="match_approved", recipient=alice)
    assert "080-7777-6666" in notice.body_text and "080-7777-6666" in notice.body_html
    for body in (notice.subject, notice.body_text, notice.body_html):
        assert "pat.account@example.com" not in body
    to_volunteer = Notification.objects.get(event="match_approved", recipient=pat.user)
    for body in (to_volunteer.body_text, to_volunteer.body_html):
        assert "alice@example.com" not in body


def test_the_match_page_and_the_residents_view_never_show_the_account_email(
    client, alice, pat, carol
) -> None:  # noqa: ANN001
    match = _approved(alice, pat, carol)
    client.force_login(alice)
    for url in (
        match.get_absolute_url(),
        reverse("requests:detail", args=[match.request_id]),
        reverse("requests:mine"),
    ):
        page = client.get(url).content.decode()
        assert "pat.account@example.com" not in page, url
    assert "080-7777-6666" in client.get(match.get_absolute_url()).content.decode()
    client.force_login(pat.user)
    with translation.override("en"):
        page = client.get(match.get_absolute_url()).content.decode()
    assert "alice@example.com" not in page
    assert "has not given a phone number" in page


def test_the_admin_shows_contacts_through_the_rule(admin_client, alice, pat) -> None:  # noqa: ANN001
    match = make_match(alice, pat)
    page = admin_client.get(reverse("admin:matching_match_change", args=[match.pk]))
    assert "080-7777-6666" in page.content.decode()
    assert "pat.account@example.com" in page.content.decode()  # staff may see it


# Templates that show a person their OWN contact details (their volunteer profile).
OWN_DATA_TEMPLATES = {"volunteers/templates/volunteers/profile.html"}
CONTACT_FIELD = re.compile(
    # A form's own input (form.contact_phone) is the person typing their own contact: allowed.
    r"(?<!form)\.(contact_email|contact_phone|resident_phone)\b|(resident|user|recipient)\.email\b"
)


def test_templates_do_not_read_contact_fields_directly() -> None:
    base = Path(settings.BASE_DIR)
    offenders = []
    for template in base.glob("**/templates/**/*.*"):
        relative = template.relative_to(base).as_posix()
        if relative.startswith((".venv/", "node_modules/", "staticfiles/", "build/")):
            continue
        if relative in OWN_DATA_TEMPLATES or template.suffix not in (".html", ".txt"):
            continue
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if CONTACT_FIELD.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "use matching.contacts (other_side_contacts / staff_contacts)"
