"""The "My data" page: one JSON file with everything about the person, their files as a ZIP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse

from accounts.my_data import covered_models, export_json
from accounts.services import consent_record
from matching.models import MatchStatus
from requests_app.models import Attachment, AttachmentKind, HelpRequest, private_storage
from tests.factories import make_request
from tests.volunteers.factories import make_match

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% alice's letter\n%%EOF\n"


def make_attachment(help_request: HelpRequest, content: bytes = PDF) -> Attachment:
    name = private_storage().save("letters/test.pdf", ContentFile(content))
    return Attachment.objects.create(
        request=help_request,
        kind=AttachmentKind.PDF,
        file=name,
        content_type="application/pdf",
        original_name="city-hall letter.pdf",
        size=len(content),
        pages=1,
    )


def _paths_to_user() -> set[str]:
    """Every model with a chain of foreign keys / one-to-ones that ends at the user model."""
    user_model = get_user_model()
    reaching = {user_model}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in reaching:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.ForeignKey) and field.related_model in reaching:
                    reaching.add(model)
                    changed = True
                    break
    return {model._meta.label for model in reaching}


def test_the_export_covers_every_model_that_points_to_a_user() -> None:
    missing = _paths_to_user() - covered_models()
    assert missing == set(), f"add these to accounts.my_data._user_q: {sorted(missing)}"


def test_the_export_holds_the_persons_records_and_no_secret(alice, bob, mallory) -> None:  # noqa: ANN001
    consent_record(user=alice, kinds=["privacy_notice"], language="ne")
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    make_attachment(match.request)
    make_request(mallory, title="Mallory's own request")
    document = json.loads(export_json(alice))
    records = document["records"]
    assert records["accounts.User"][0]["email"] == "alice@example.com"
    assert "password" not in records["accounts.User"][0]
    assert [c["kind"] for c in records["accounts.Consent"]] == ["privacy_notice"]
    assert [r["id"] for r in records["requests_app.HelpRequest"]] == [match.request_id]
    assert records["requests_app.StatusChange"]
    assert records["requests_app.Attachment"][0]["original_name"] == "city-hall letter.pdf"
    assert [m["id"] for m in records["matching.Match"]] == [match.pk]
    assert "Mallory's own request" not in json.dumps(document, ensure_ascii=False)
    assert all(label in records for label in ("volunteers.Volunteer", "donations.Donation"))


def test_the_volunteer_export_has_the_profile_and_not_the_residents_phone(alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match.resident_phone = "070-2222-3333"
    match.save()
    assert "070-2222-3333" in export_json(alice).decode()
    records = json.loads(export_json(bob.user))["records"]
    assert [m["id"] for m in records["matching.Match"]] == [match.pk]
    assert "070-2222-3333" not in json.dumps(records["matching.Match"])
    [profile] = records["volunteers.Volunteer"]
    assert profile["contact_email"] == "bob.contact@example.com"
    assert records["volunteers.VolunteerStatusChange"]


def test_the_page_and_downloads(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    make_attachment(help_request)
    client.force_login(alice)
    page = client.get(reverse("accounts:my_data"))
    assert page.status_code == 200
    assert reverse("accounts:my_data_attachments") in page.content.decode()
    download = client.get(reverse("accounts:my_data_export"))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store"
    assert json.loads(download.content)["records"]["requests_app.HelpRequest"]
    files = client.get(reverse("accounts:my_data_attachments"))
    archive = zipfile.ZipFile(io.BytesIO(files.content))
    [name] = archive.namelist()
    assert name == f"request-{help_request.pk}/city-hall letter.pdf"
    assert archive.read(name) == PDF


def test_the_zip_holds_only_the_persons_files(client, alice, mallory) -> None:  # noqa: ANN001
    make_attachment(make_request(alice), content=b"%PDF-1.4 alice")
    client.force_login(mallory)
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("accounts:my_data_attachments")).content)
    )
    assert archive.namelist() == []


@pytest.mark.parametrize("name", ["my_data", "my_data_export", "my_data_attachments", "delete"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name) -> None:  # noqa: ANN001
    response = client.get(reverse(f"accounts:{name}"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_footer_links_to_my_data(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    assert reverse("accounts:my_data") in client.get(reverse("requests:mine")).content.decode()
