"""Campaigns, donations and CSV files for the donation tests, with defaults a reader can see."""

from __future__ import annotations

import datetime
import io
import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from donations.models import Campaign, CampaignStatus, Donation, DonationChannel

_numbers = itertools.count(1)

HEADER = "date,amount_yen,channel,external_reference,donor_name,donor_email,is_anonymous,is_monthly"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make_campaign(**overrides: Any) -> Campaign:
    n = next(_numbers)
    values: dict[str, Any] = {
        "slug": f"campaign-{n}",
        "title_ja": f"キャンペーン{n}",
        "title_en": f"Campaign {n}",
        "title_ne": f"अभियान {n}",
        "summary_ja": "地域の力で、つながりを。",
        "summary_en": "Connections through community.",
        "goal_yen": 2_000_000,
        "start_date": days(-10),
        "end_date": days(20),
        "status": CampaignStatus.LIVE,
    }
    values.update(overrides)
    return Campaign.objects.create(**values)


def give(campaign: Campaign, amount_yen: int, **overrides: Any) -> Donation:
    values: dict[str, Any] = {
        "campaign": campaign,
        "amount_yen": amount_yen,
        "date": days(-1),
        "channel": DonationChannel.BANK,
    }
    values.update(overrides)
    return Donation.objects.create(**values)


def csv_file(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode(encoding))


def csv_upload(*rows: str, header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "donations.csv", csv_file(*rows, header=header).getvalue(), content_type="text/csv"
    )
