"""Demo data: two live campaigns built from the organisation's pages; loading twice changes nothing."""

from __future__ import annotations

import pytest

from donations.demo import OFP_SLUG, PARTNERS_SLUG, load_demo
from donations.models import Campaign, Donation, GivingMethod, SupportMessage
from donations.selectors import campaign_progress

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent(client) -> None:  # noqa: ANN001
    load_demo()
    counts = (Campaign.objects.count(), Donation.objects.count(), SupportMessage.objects.count())
    load_demo()
    assert (
        Campaign.objects.count(),
        Donation.objects.count(),
        SupportMessage.objects.count(),
    ) == counts
    ofp = Campaign.objects.get(slug=OFP_SLUG)
    progress = campaign_progress(ofp)
    assert (progress.raised_yen, progress.percent) == (300_000, 15)
    partners = campaign_progress(Campaign.objects.get(slug=PARTNERS_SLUG))
    assert (partners.monthly_supporters, partners.supporter_goal) == (7, 50)
    bank = GivingMethod.objects.get(campaign=ofp, kind="bank_transfer")
    assert "EXAMPLE" in bank.body_en and bank.tax_deductible is False
    assert set(
        GivingMethod.objects.filter(campaign=ofp, tax_deductible=True).values_list("url", flat=True)
    ) == {"https://giveone.net/", "https://causes.benevity.org/"}
    for language in ("ja", "en", "ne"):
        assert client.get(f"/{language}/support/{OFP_SLUG}/").status_code == 200
