"""CSV files for staff: donation records (same columns the import reads) and campaign summaries."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .models import Campaign, Donation, DonationChannel
from .selectors import donation_figures
from .services import IMPORT_COLUMNS

# A BOM so Excel opens Japanese text as UTF-8; the import reads it back transparently.
BOM = "\ufeff"
DONATION_COLUMNS = ("campaign", *IMPORT_COLUMNS)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text typed by others (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([_safe(value) for value in row])


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def donation_rows(donations: QuerySet[Donation]) -> Iterator[list[Any]]:
    queryset = donations.select_related("campaign").order_by("date", "pk")
    for donation in queryset.iterator(chunk_size=2000):
        yield [
            donation.campaign.slug,
            donation.date.isoformat(),
            donation.amount_yen,
            donation.channel,
            donation.external_reference,
            donation.donor_name,
            donation.donor_email,
            _yes_no(donation.is_anonymous),
            _yes_no(donation.is_monthly),
            donation.note,
        ]


SUMMARY_COLUMNS = (
    "campaign",
    "title",
    "status",
    "goal_yen",
    "raised_yen",
    "percent",
    "donations",
    "supporters",
    "monthly_supporters",
    "supporter_goal",
    *(f"{channel}_yen" for channel in DonationChannel.values),
)


def campaign_summary_rows(campaigns: QuerySet[Campaign]) -> list[list[Any]]:
    """One row per campaign, computed fresh (not from the page cache) in two queries."""
    campaigns_list = list(campaigns.order_by("position", "-start_date", "pk"))
    ids = [campaign.pk for campaign in campaigns_list]
    figures = donation_figures(ids)
    by_channel = {
        row["campaign_id"]: row
        for row in Donation.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(
            **{
                channel: Coalesce(Sum("amount_yen", filter=Q(channel=channel)), 0)
                for channel in DonationChannel.values
            }
        )
        .order_by()
    }
    rows = []
    for campaign in campaigns_list:
        numbers = figures[campaign.pk]
        channels = by_channel.get(campaign.pk, {})
        rows.append(
            [
                campaign.slug,
                campaign.title,
                campaign.status,
                campaign.goal_yen,
                numbers["raised"],
                numbers["raised"] * 100 // campaign.goal_yen,
                numbers["donations"],
                numbers["supporters"],
                numbers["monthly"],
                campaign.supporter_goal or "",
                *(channels.get(channel, 0) for channel in DonationChannel.values),
            ]
        )
    return rows
