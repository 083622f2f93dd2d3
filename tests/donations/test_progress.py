"""Campaign progress: computed from donation records, rounded down, clamped for the meter, cached."""

from __future__ import annotations

import pytest

from donations.models import CampaignStatus
from donations.selectors import campaign_progress, campaigns_progress, progress_invalidate
from tests.donations.factories import days, give, make_campaign

pytestmark = pytest.mark.django_db


def test_a_campaign_without_donations_is_at_zero() -> None:
    progress = campaign_progress(make_campaign(goal_yen=300_000))
    assert (progress.raised_yen, progress.percent, progress.meter_yen) == (0, 0, 0)
    assert (progress.donation_count, progress.supporters) == (0, 0)
    assert not progress.goal_reached


def test_partial_progress_is_the_share_of_the_goal() -> None:
    campaign = make_campaign(goal_yen=2_000_000)
    give(campaign, 200_000)
    give(campaign, 100_000)
    progress = campaign_progress(campaign)
    assert (progress.raised_yen, progress.percent, progress.meter_yen) == (300_000, 15, 300_000)
    assert progress.donation_count == 2


def test_percent_rounds_down_so_100_means_reached() -> None:
    campaign = make_campaign(goal_yen=300_000)
    give(campaign, 299_999)
    assert campaign_progress(campaign).percent == 99


def test_exactly_the_goal_is_100_percent() -> None:
    campaign = make_campaign(goal_yen=300_000)
    give(campaign, 300_000)
    progress = campaign_progress(campaign)
    assert (progress.percent, progress.meter_yen) == (100, 300_000)
    assert progress.goal_reached


def test_over_the_goal_shows_the_real_percent_and_clamps_the_meter() -> None:
    campaign = make_campaign(goal_yen=200_000)
    give(campaign, 500_000)
    progress = campaign_progress(campaign)
    assert (progress.raised_yen, progress.percent) == (500_000, 250)
    assert progress.meter_yen == 200_000


def test_donations_to_other_campaigns_do_not_count() -> None:
    campaign, other = make_campaign(), make_campaign()
    give(other, 50_000)
    assert campaign_progress(campaign).raised_yen == 0


def test_supporters_count_an_email_once_and_each_gift_without_one() -> None:
    campaign = make_campaign()
    give(campaign, 1_000, donor_email="ken@example.com")
    give(campaign, 2_000, donor_email="Ken@Example.com")
    give(campaign, 3_000)
    give(campaign, 4_000)
    progress = campaign_progress(campaign)
    assert progress.donation_count == 4
    assert progress.supporters == 3


def test_monthly_supporters_are_counted_against_the_supporter_goal() -> None:
    campaign = make_campaign(supporter_goal=2)
    for month in (1, 2, 3):
        give(
            campaign, 3_000, donor_email="ken@example.com", is_monthly=True, date=days(-30 * month)
        )
    give(campaign, 1_000, donor_email="mina@example.com", is_monthly=True)
    give(campaign, 1_000, is_monthly=True)
    give(campaign, 50_000, donor_email="once@example.com")
    progress = campaign_progress(campaign)
    assert progress.monthly_supporters == 3
    assert (progress.supporter_goal, progress.monthly_meter, progress.monthly_percent) == (
        2,
        2,
        150,
    )


def test_without_a_supporter_goal_there_is_no_second_meter() -> None:
    progress = campaign_progress(make_campaign())
    assert progress.supporter_goal is None
    assert progress.monthly_meter is None


def test_days_left_count_to_the_end_date() -> None:
    assert campaign_progress(make_campaign(end_date=days(12))).days_left == 12
    assert campaign_progress(make_campaign(end_date=days(0))).days_left == 0
    assert campaign_progress(make_campaign(end_date=None)).days_left is None


def test_a_campaign_ends_by_status_or_when_its_end_date_has_passed() -> None:
    by_status = campaign_progress(make_campaign(status=CampaignStatus.ENDED, end_date=days(5)))
    by_date = campaign_progress(make_campaign(start_date=days(-30), end_date=days(-1)))
    running = campaign_progress(make_campaign(end_date=days(1)))
    assert (by_status.is_ended, by_status.days_left) == (True, None)
    assert (by_date.is_ended, by_date.days_left) == (True, None)
    assert running.is_ended is False


def test_progress_is_cached_until_invalidated(django_assert_num_queries) -> None:  # noqa: ANN001
    campaign = make_campaign()
    give(campaign, 1_000)
    with django_assert_num_queries(1):
        assert campaign_progress(campaign).raised_yen == 1_000
    give(campaign, 2_000)
    with django_assert_num_queries(0):
        assert campaign_progress(campaign).raised_yen == 1_000
    progress_invalidate(campaign.pk)
    assert campaign_progress(campaign).raised_yen == 3_000


def test_the_goal_is_read_fresh_even_when_figures_are_cached() -> None:
    campaign = make_campaign(goal_yen=100_000)
    give(campaign, 50_000)
    assert campaign_progress(campaign).percent == 50
    campaign.goal_yen = 200_000
    assert campaign_progress(campaign).percent == 25


def test_several_campaigns_take_one_query(django_assert_num_queries) -> None:  # noqa: ANN001
    campaigns = [make_campaign() for _ in range(5)]
    for index, campaign in enumerate(campaigns):
        give(campaign, 1_000 * (index + 1))
    with django_assert_num_queries(1):
        progress = campaigns_progress(campaigns)
    assert [progress[c.pk].raised_yen for c in campaigns] == [1_000, 2_000, 3_000, 4_000, 5_000]
