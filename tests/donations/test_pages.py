"""Public campaign pages: what visitors see in each language, drafts hidden, and a constant cost."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from donations.models import (
    CampaignStatus,
    Donation,
    DonationChannel,
    GivingMethod,
    GivingMethodKind,
    ImpactTier,
    SupportMessage,
)
from requests_app.models import HelpRequest, RequestStatus
from tests.donations.factories import days, give, make_campaign
from tests.factories import make_request, url_in

pytestmark = pytest.mark.django_db


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def _furnish(campaign) -> None:  # noqa: ANN001
    ImpactTier.objects.create(
        campaign=campaign,
        amount_yen=10_000,
        description_ja="子どもの学習教室を1回",
        description_en="One learning class for children",
        description_ne="बालबालिकाको एउटा कक्षा",
    )
    GivingMethod.objects.create(
        campaign=campaign,
        kind=GivingMethodKind.PLATFORM,
        title_ja="Give One",
        url="https://giving.example/give-one",
        tax_deductible=True,
        position=0,
    )
    GivingMethod.objects.create(
        campaign=campaign,
        kind=GivingMethodKind.BANK_TRANSFER,
        title_ja="銀行振込",
        title_en="Bank transfer",
        body_ja="口座番号：0000000\n口座名義：サンプル",
        position=1,
    )


@pytest.mark.parametrize(
    ("language", "raised", "goal", "tier"),
    [
        ("ja", "300,000円", "2,000,000円", "10,000円"),
        ("en", "¥300,000", "¥2,000,000", "¥10,000"),
        ("ne", "¥300,000", "¥2,000,000", "¥10,000"),
    ],
)
def test_the_campaign_page_speaks_each_language(client, language, raised, goal, tier) -> None:  # noqa: ANN001
    campaign = make_campaign(supporter_goal=50, end_date=days(12))
    _furnish(campaign)
    give(campaign, 300_000, is_monthly=True, donor_email="a@example.com")
    response = client.get(url_in(language, "donations:campaign", campaign.slug))
    html = _squash(response.content.decode())
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert html.count("<h1") == 1
    assert html.count("<progress") == 2
    assert 'value="300000" max="2000000"' in html
    assert 'value="1" max="50"' in html
    assert raised in html and goal in html and tier in html
    assert "15%" in html
    with translation.override(language):
        assert gettext("How to give") in html
        assert gettext("Tax-deductible") in html
        title = {"ja": "キャンペーン", "en": "Campaign ", "ne": "अभियान "}[language]
    assert title in html
    assert 'href="https://giving.example/give-one"' in html
    # Untranslated content falls back to Japanese.
    assert "口座番号：0000000<br>口座名義：サンプル" in html


def test_the_meter_label_reads_as_one_sentence_in_english(client) -> None:  # noqa: ANN001
    campaign = make_campaign(supporter_goal=50)
    give(campaign, 300_000)
    for n in range(12):
        give(campaign, 1_000, is_monthly=True, donor_email=f"m{n}@example.com")
    html = re.sub(
        r"\s+", " ", client.get(url_in("en", "donations:campaign", campaign.slug)).content.decode()
    )
    assert "¥312,000 of ¥2,000,000 — 15%" in html
    assert "12 of 50 monthly supporters" in html
    assert "13 supporters" in html


def test_over_the_goal_the_meter_is_full_and_the_label_tells_the_truth(client) -> None:  # noqa: ANN001
    campaign = make_campaign(goal_yen=100_000)
    give(campaign, 150_000)
    html = _squash(client.get(url_in("en", "donations:campaign", campaign.slug)).content.decode())
    assert 'value="100000" max="100000"' in html
    assert "150%" in html


def test_a_draft_campaign_is_not_found(client) -> None:  # noqa: ANN001
    draft = make_campaign(status=CampaignStatus.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(url_in("en", "donations:campaign", "no-such-campaign")).status_code == 404
    assert draft.title_ja not in client.get(url_in("ja", "donations:campaigns")).content.decode()


def test_an_ended_campaign_says_so_and_takes_no_messages(client) -> None:  # noqa: ANN001
    campaign = make_campaign(status=CampaignStatus.ENDED)
    html = client.get(url_in("en", "donations:campaign", campaign.slug)).content.decode()
    assert 'class="status status-ended"' in html
    with translation.override("en"):
        assert gettext("Ended") in html
    assert 'id="message-form"' not in html
    assert 'href="#give"' not in html


def test_a_running_campaign_shows_the_days_left(client) -> None:  # noqa: ANN001
    campaign = make_campaign(end_date=days(9))
    html = re.sub(
        r"\s+", " ", client.get(url_in("en", "donations:campaign", campaign.slug)).content.decode()
    )
    assert "9 days left" in html
    assert 'id="message-form"' in html


def test_the_list_shows_live_and_ended_campaigns_with_their_progress(client) -> None:  # noqa: ANN001
    live = make_campaign(goal_yen=100_000)
    ended = make_campaign(status=CampaignStatus.ENDED)
    give(live, 25_000)
    response = client.get(url_in("en", "donations:campaigns"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert html.index(live.title_en) < html.index(ended.title_en)
    assert "¥25,000" in html and "25%" in html


@pytest.mark.parametrize("language", ["ja", "en", "ne"])
def test_the_list_renders_in_each_language(client, language) -> None:  # noqa: ANN001
    make_campaign()
    response = client.get(url_in(language, "donations:campaigns"))
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_list_costs_the_same_with_more_campaigns(client, django_assert_num_queries) -> None:  # noqa: ANN001
    for _ in range(3):
        give(make_campaign(), 1_000)
    with django_assert_num_queries(2):
        client.get(url_in("en", "donations:campaigns"))
    for _ in range(5):
        give(make_campaign(), 1_000)
    with django_assert_num_queries(2):
        client.get(url_in("en", "donations:campaigns"))


def test_completed_requests_are_shown_as_impact(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    HelpRequest.objects.filter(pk=help_request.pk).update(status=RequestStatus.COMPLETED)
    campaign = make_campaign()
    html = re.sub(
        r"\s+", " ", client.get(url_in("en", "donations:campaign", campaign.slug)).content.decode()
    )
    assert "completed 1 request for help" in html


# Campaign, tiers, giving methods, approved messages; and when cold also the donation aggregate
# and the platform impact count. Nothing grows with the number of donations.
QUERIES_WARM = 4
QUERIES_COLD = 6


def test_the_campaign_page_stays_cheap_with_100000_donations(
    client, django_assert_num_queries
) -> None:  # noqa: ANN001
    campaign = make_campaign(supporter_goal=500)
    _furnish(campaign)
    date = days(-1)
    batch = 10_000
    for start in range(0, 100_000, batch):
        Donation.objects.bulk_create(
            [
                Donation(
                    campaign=campaign,
                    amount_yen=1_000 + n % 7,
                    date=date,
                    channel=DonationChannel.GIVE_ONE,
                    external_reference=f"R{n}",
                    donor_email=f"d{n % 40_000}@example.com" if n % 2 else "",
                    is_monthly=n % 100 == 0,
                )
                for n in range(start, start + batch)
            ],
            batch_size=batch,
        )
    for n in range(3):
        SupportMessage.objects.create(
            campaign=campaign,
            body=f"Message {n}",
            language="en",
            approved=True,
            approved_at=timezone.now(),
        )
    url = url_in("en", "donations:campaign", campaign.slug)
    with django_assert_num_queries(QUERIES_COLD):
        cold = client.get(url)
    with django_assert_num_queries(QUERIES_WARM):
        warm = client.get(url)
    assert cold.status_code == warm.status_code == 200
    raised = sum(1_000 + n % 7 for n in range(100_000))
    assert f"¥{raised:,}" in warm.content.decode()
    assert "Message 2" in warm.content.decode()
