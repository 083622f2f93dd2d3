"""`manage.py bench_dashboard` seeds a synthetic programme, times the desk and prints JSON."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from accounts.models import User
from notifications.models import Notification
from requests_app.models import HelpRequest

# Real commits: the command vacuums after seeding, which PostgreSQL refuses inside a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_it_seeds_times_and_reports_then_deletes_its_data() -> None:
    out = io.StringIO()
    call_command(
        "bench_dashboard",
        requests=300,
        notifications=2000,
        runs=3,
        stdout=out,
        stderr=io.StringIO(),
    )
    report = json.loads(out.getvalue())
    assert report["requests"] == 300
    assert report["notifications"] >= 2000
    for name in ("work_queue", "dashboard_fiscal_year", "dashboard_month"):
        assert 0 < report[name]["p50_ms"] <= report[name]["p95_ms"]
    assert report["dashboard_fiscal_year"]["queries"] == report["dashboard_month"]["queries"]
    # A second run reuses the data rather than seeding it again.
    call_command("bench_dashboard", runs=1, stdout=io.StringIO(), stderr=io.StringIO())
    assert HelpRequest.objects.count() == 300
    call_command("bench_dashboard", delete=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert not User.objects.filter(email__endswith="@bench.otonari.invalid").exists()
    assert HelpRequest.objects.count() == Notification.objects.count() == 0
