"""Staff admin: CSV import and export, campaign summary, moderation; closed to everyone else."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from donations.models import CampaignStatus, Donation, SupportMessage
from donations.selectors import campaign_progress
from donations.services import message_submit
from tests.donations.factories import csv_upload, days, give, make_campaign
from tests.factories import make_user

pytestmark = pytest.mark.django_db

YESTERDAY = days(-1).isoformat()
ROWS = (
    f"{YESTERDAY},10000,bank,TX-1,Ken,ken@example.com,no,no",
    f"{YESTERDAY},5000,give_one,G-1,,,,yes",
)


def _csv(response) -> list[list[str]]:  # noqa: ANN001
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def dave(db):  # noqa: ANN001, ANN201
    """Staff without any donation permissions."""
    return make_user("dave@example.com", is_staff=True, display_name="Dave")


ADMIN_PAGES = [
    ("admin:donations_donation_import", 302),
    ("admin:donations_donation_export", 302),
    ("admin:donations_campaign_summary", 302),
]


@pytest.mark.parametrize("name", [name for name, _ in ADMIN_PAGES])
def test_residents_and_visitors_are_sent_to_the_admin_login(client, alice, name) -> None:  # noqa: ANN001
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.force_login(alice)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("name", [name for name, _ in ADMIN_PAGES])
def test_staff_without_permission_are_refused(client, dave, name) -> None:  # noqa: ANN001
    client.force_login(dave)
    assert client.get(reverse(name)).status_code == 403


def test_staff_import_a_good_file(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    client.force_login(carol)
    assert client.get(reverse("admin:donations_donation_import")).status_code == 200
    response = client.post(
        reverse("admin:donations_donation_import"),
        {"campaign": campaign.pk, "file": csv_upload(*ROWS)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("admin:donations_donation_changelist")
    assert Donation.objects.filter(campaign=campaign).count() == 2
    assert "15,000円" in response.content.decode()
    again = client.post(
        reverse("admin:donations_donation_import"),
        {"campaign": campaign.pk, "file": csv_upload(*ROWS)},
        follow=True,
    )
    assert "2, 3" in again.content.decode()
    assert Donation.objects.count() == 2


def test_a_bad_file_lists_its_lines_and_saves_nothing(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    client.force_login(carol)
    response = client.post(
        reverse("admin:donations_donation_import"),
        {"campaign": campaign.pk, "file": csv_upload(ROWS[0], f"{YESTERDAY},abc,bank,TX-2,,,,")},
    )
    assert response.status_code == 200
    problems = response.context["problems"]
    assert [p.line for p in problems] == [3]
    assert "<td>3</td>" in re.sub(r"\s+", "", response.content.decode())
    assert Donation.objects.count() == 0


def test_the_import_refreshes_the_public_progress(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    assert campaign_progress(campaign).raised_yen == 0
    client.force_login(carol)
    client.post(
        reverse("admin:donations_donation_import"),
        {"campaign": campaign.pk, "file": csv_upload(*ROWS)},
    )
    assert campaign_progress(campaign).raised_yen == 15_000


def test_a_donation_saved_in_admin_refreshes_the_progress(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    assert campaign_progress(campaign).raised_yen == 0
    client.force_login(carol)
    response = client.post(
        reverse("admin:donations_donation_add"),
        {
            "campaign": campaign.pk,
            "amount_yen": "7000",
            "date": YESTERDAY,
            "channel": "cash",
            "external_reference": "",
            "is_anonymous": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert campaign_progress(campaign).raised_yen == 7_000
    assert Donation.objects.get().recorded_by == carol


def test_the_export_follows_the_change_list_filters(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign(slug="ofp")
    give(campaign, 1_000, channel="bank", external_reference="B-1", donor_name="=HYPERLINK()")
    give(campaign, 2_000, channel="give_one", external_reference="G-1", is_monthly=True)
    client.force_login(carol)
    rows = _csv(client.get(reverse("admin:donations_donation_export")))
    assert rows[0] == [
        "campaign",
        "date",
        "amount_yen",
        "channel",
        "external_reference",
        "donor_name",
        "donor_email",
        "is_anonymous",
        "is_monthly",
        "note",
    ]
    assert len(rows) == 3
    assert rows[1][5] == "'=HYPERLINK()"
    filtered = _csv(
        client.get(reverse("admin:donations_donation_export") + "?channel__exact=give_one")
    )
    assert [row[4] for row in filtered[1:]] == ["G-1"]
    assert filtered[1][8] == "yes"


def test_an_export_can_be_imported_again_without_counting_twice(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    give(campaign, 1_000, external_reference="B-1", donor_name="Ken")
    client.force_login(carol)
    exported = b"".join(client.get(reverse("admin:donations_donation_export")).streaming_content)
    client.post(
        reverse("admin:donations_donation_import"),
        {"campaign": campaign.pk, "file": SimpleUploadedFile("d.csv", exported)},
    )
    assert Donation.objects.count() == 1


def test_the_export_action_exports_the_selection(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    chosen = give(campaign, 1_000, external_reference="B-1")
    give(campaign, 2_000, external_reference="B-2")
    client.force_login(carol)
    response = client.post(
        reverse("admin:donations_donation_changelist"),
        {"action": "export_selected", "_selected_action": [chosen.pk]},
    )
    assert [row[4] for row in _csv(response)[1:]] == ["B-1"]


def test_the_summary_has_one_row_per_campaign_with_channels(client, carol) -> None:  # noqa: ANN001
    ofp = make_campaign(slug="ofp", goal_yen=100_000)
    partners = make_campaign(slug="partners", supporter_goal=50)
    give(ofp, 10_000, channel="bank", donor_email="a@example.com")
    give(ofp, 5_000, channel="give_one", donor_email="a@example.com")
    give(partners, 3_000, channel="benevity", is_monthly=True, donor_email="b@example.com")
    client.force_login(carol)
    rows = _csv(client.get(reverse("admin:donations_campaign_summary")))
    header, by_slug = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert {"raised_yen", "donations", "monthly_supporters", "bank_yen", "give_one_yen"} <= set(
        header
    )
    assert by_slug["ofp"]["raised_yen"] == "15000"
    assert by_slug["ofp"]["percent"] == "15"
    assert by_slug["ofp"]["donations"] == "2"
    assert by_slug["ofp"]["supporters"] == "1"
    assert (by_slug["ofp"]["bank_yen"], by_slug["ofp"]["give_one_yen"]) == ("10000", "5000")
    assert (by_slug["partners"]["monthly_supporters"], by_slug["partners"]["supporter_goal"]) == (
        "1",
        "50",
    )


def test_staff_approve_and_hide_messages(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    message = message_submit(campaign=campaign, body="Keep going!", ip="192.0.2.1")
    client.force_login(carol)
    changelist = reverse("admin:donations_supportmessage_changelist")
    assert client.get(changelist + "?approved__exact=0").status_code == 200
    client.post(changelist, {"action": "approve", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert (message.approved, message.approved_by) == (True, carol)
    assert "Keep going!" in client.get(campaign.get_absolute_url()).content.decode()
    client.post(changelist, {"action": "unapprove", "_selected_action": [message.pk]})
    assert SupportMessage.objects.get().approved is False
    assert "Keep going!" not in client.get(campaign.get_absolute_url()).content.decode()


def test_the_campaign_admin_pages_open(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign(status=CampaignStatus.DRAFT)
    give(campaign, 1_000)
    client.force_login(carol)
    assert client.get(reverse("admin:donations_campaign_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:donations_campaign_change", args=[campaign.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:donations_campaign_add")).status_code == 200
    assert client.get(reverse("admin:donations_donation_changelist")).status_code == 200
