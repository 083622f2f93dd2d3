"""Reads with rules: which campaigns are public, their progress, and which messages may be shown.

Progress rules (computed from donation records, never typed in):

- raised: the sum of all donations recorded for the campaign.
- percent: raised × 100 ÷ goal, rounded down so 100% is only shown once the goal is reached; it can
  exceed 100. The ``<progress>`` meter gets the amount clamped to the goal.
- supporters: distinct donors. A donation with an email counts once per (case-insensitive)
  email; a donation without one counts as its own supporter, because names are not unique and
  anonymous bank transfers cannot be told apart.
- monthly supporters: the same rule, over donations flagged monthly only.

The donation figures come from one aggregate query per batch of campaigns and are cached for
``PROGRESS_CACHE_SECONDS``; imports and admin edits drop the cache. Dates (days left, ended) are
worked out on every request from the campaign row, so they are never stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Lower
from django.http import Http404

from requests_app.models import HelpRequest, RequestStatus

from .models import Campaign, Donation, GivingMethod, ImpactTier, SupportMessage

PROGRESS_CACHE_SECONDS = 60
IMPACT_CACHE_SECONDS = 600
RECENT_MESSAGES = 10


@dataclass(frozen=True)
class CampaignProgress:
    goal_yen: int
    raised_yen: int
    percent: int
    meter_yen: int  # raised clamped to the goal, for the <progress> element
    donation_count: int
    supporters: int
    supporter_goal: int | None
    monthly_supporters: int
    monthly_percent: int | None
    monthly_meter: int | None
    is_ended: bool
    days_left: int | None

    @property
    def goal_reached(self) -> bool:
        return self.raised_yen >= self.goal_yen


def progress_cache_key(campaign_id: int) -> str:
    return f"donations:progress:v1:{campaign_id}"


def progress_invalidate(*campaign_ids: int) -> None:
    cache.delete_many([progress_cache_key(pk) for pk in campaign_ids])


_EMPTY = {"raised": 0, "donations": 0, "supporters": 0, "monthly": 0}


def donation_figures(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Raised, count, supporters and monthly supporters per campaign, in one query."""
    with_email = ~Q(donor_email="")
    rows = (
        Donation.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(
            raised=Coalesce(Sum("amount_yen"), 0),
            donations=Count("pk"),
            donors_by_email=Count(Lower("donor_email"), distinct=True, filter=with_email),
            donors_without_email=Count("pk", filter=~with_email),
            monthly_by_email=Count(
                Lower("donor_email"), distinct=True, filter=with_email & Q(is_monthly=True)
            ),
            monthly_without_email=Count("pk", filter=~with_email & Q(is_monthly=True)),
        )
        .order_by()
    )
    figures = {pk: dict(_EMPTY) for pk in campaign_ids}
    for row in rows:
        figures[row["campaign_id"]] = {
            "raised": row["raised"],
            "donations": row["donations"],
            "supporters": row["donors_by_email"] + row["donors_without_email"],
            "monthly": row["monthly_by_email"] + row["monthly_without_email"],
        }
    return figures


def _percent(part: int, whole: int) -> int:
    return part * 100 // whole if whole > 0 else 0


def _progress(campaign: Campaign, figures: dict[str, int]) -> CampaignProgress:
    goal = campaign.goal_yen
    supporter_goal = campaign.supporter_goal
    monthly = figures["monthly"]
    return CampaignProgress(
        goal_yen=goal,
        raised_yen=figures["raised"],
        percent=_percent(figures["raised"], goal),
        meter_yen=min(figures["raised"], goal),
        donation_count=figures["donations"],
        supporters=figures["supporters"],
        supporter_goal=supporter_goal,
        monthly_supporters=monthly,
        monthly_percent=_percent(monthly, supporter_goal) if supporter_goal else None,
        monthly_meter=min(monthly, supporter_goal) if supporter_goal else None,
        is_ended=campaign.is_ended,
        days_left=campaign.days_left,
    )


def campaigns_progress(campaigns: Iterable[Campaign]) -> dict[int, CampaignProgress]:
    """Progress of several campaigns: one cache read, and at most one query for the misses."""
    campaigns = list(campaigns)
    if not campaigns:
        return {}
    keys = {campaign.pk: progress_cache_key(campaign.pk) for campaign in campaigns}
    cached = cache.get_many(list(keys.values()))
    figures = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in keys if pk not in figures]
    if missing:
        fresh = donation_figures(missing)
        cache.set_many(
            {keys[pk]: value for pk, value in fresh.items()}, timeout=PROGRESS_CACHE_SECONDS
        )
        figures.update(fresh)
    return {campaign.pk: _progress(campaign, figures[campaign.pk]) for campaign in campaigns}


def campaign_progress(campaign: Campaign) -> CampaignProgress:
    return campaigns_progress([campaign])[campaign.pk]


def public_campaigns() -> QuerySet[Campaign]:
    """Live campaigns first, then ended ones; drafts never."""
    return Campaign.objects.public().order_by(
        # "ended" sorts after "live" alphabetically, which is the order visitors want.
        "-status",
        "position",
        "-start_date",
        "pk",
    )


def get_public_campaign(slug: str) -> Campaign:
    """The campaign a visitor asked for, or 404 when it does not exist or is still a draft."""
    campaign = Campaign.objects.public().filter(slug=slug).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_tiers(campaign: Campaign) -> QuerySet[ImpactTier]:
    return campaign.tiers.all()


def campaign_giving_methods(campaign: Campaign) -> QuerySet[GivingMethod]:
    return campaign.giving_methods.all()


def approved_messages(campaign: Campaign, *, limit: int = RECENT_MESSAGES) -> list[SupportMessage]:
    """The most recent messages staff approved. Unapproved messages are never returned."""
    return list(
        SupportMessage.objects.filter(campaign=campaign, approved=True)
        .only("name", "body", "language", "created_at")
        .order_by("-created_at", "-pk")[:limit]
    )


def platform_impact() -> dict[str, int]:
    """The platform's own figures shown beside campaigns, cached for ten minutes."""
    key = "donations:impact:v1"
    impact = cache.get(key)
    if impact is None:
        impact = {
            "requests_completed": HelpRequest.objects.filter(status=RequestStatus.COMPLETED).count()
        }
        cache.set(key, impact, timeout=IMPACT_CACHE_SECONDS)
    return impact
