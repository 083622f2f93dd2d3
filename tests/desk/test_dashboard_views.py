"""The programme-numbers page: who may see it, the period picker, the CSV downloads, the queries."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.desk.history import jst, match_with, request_with
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/ja/admin/desk/numbers/"


@pytest.fixture
def erin(db):  # noqa: ANN001, ANN201
    """Staff with the programme-numbers permission only."""
    user = make_user("erin@example.com", is_staff=True, display_name="Erin")
    user.user_permissions.add(Permission.objects.get(codename="view_programme_numbers"))
    return user


@pytest.fixture
def frank(db):  # noqa: ANN001, ANN201
    """Staff without it."""
    return make_user("frank@example.com", is_staff=True, display_name="Frank")


def test_the_url_is_under_the_admin() -> None:
    assert reverse("desk:dashboard") == URL


def test_anonymous_people_are_sent_to_log_in(client) -> None:  # noqa: ANN001
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_residents_are_sent_to_log_in_too(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    assert client.get(URL).status_code == 302


def test_staff_without_the_permission_get_403(client, frank) -> None:  # noqa: ANN001
    client.force_login(frank)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?csv=requests").status_code == 403


def test_staff_with_the_permission_see_the_numbers(client, erin, alice, bob) -> None:  # noqa: ANN001
    help_request = request_with(alice, jst(2026, 5, 1), ("submitted", "matching", jst(2026, 5, 2)))
    match_with(help_request, bob, ("", "accepted", jst(2026, 5, 3)))
    client.force_login(erin)
    response = client.get(URL, {"period": "custom", "start": "2026-05-01", "end": "2026-05-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>プログラムの数字</h1>" in html
    assert "2026年5月1日から2026年5月31日まで（日本時間）" in html
    # Every chart: a canvas with a text alternative, the table of its numbers, a CSV link.
    charts = json.loads(re.search(r'id="desk-charts"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert {c["id"] for c in charts} >= {"requests", "durations", "helpfulness", "by_language"}
    for chart in charts:
        assert f'id="desk-chart-{chart["id"]}"' in html
        assert f"csv={chart['id']}" in html
    assert charts[0]["labels"][0] == "受付"
    assert charts[0]["datasets"][0]["data"][:2] == [1, 1]
    # No inline script or style (the Content-Security-Policy allows neither).
    assert not re.search(r"<script(?![^>]*(src=|application/json))", html)
    assert " style=" not in html.split("<body", 1)[1].split('id="footer"')[0]
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html


def test_the_csv_holds_the_table(client, erin, alice) -> None:  # noqa: ANN001
    request_with(alice, jst(2026, 5, 1), ("submitted", "matching", jst(2026, 5, 2)))
    client.force_login(erin)
    response = client.get(
        URL, {"period": "custom", "start": "2026-05-01", "end": "2026-05-31", "csv": "requests"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="requests-20260501-20260531.csv"'
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["段階", "依頼"]
    assert rows[1] == ["受付", "1"]
    assert rows[2] == ["マッチング開始", "1"]


def test_an_unknown_csv_is_not_found(client, erin) -> None:  # noqa: ANN001
    client.force_login(erin)
    assert client.get(URL + "?csv=nothing").status_code == 404


def test_a_custom_period_needs_both_dates_in_order(client, erin) -> None:  # noqa: ANN001
    client.force_login(erin)
    html = client.get(URL, {"period": "custom", "start": "2026-05-31", "end": "2026-05-01"})
    assert "終了日が開始日より前です。" in html.content.decode()
    missing = client.get(URL, {"period": "custom", "start": "2026-05-01"}).content.decode()
    assert "期間の開始日と終了日を両方選んでください。" in missing
    # Meanwhile the page shows this fiscal year.
    assert "4月1日から" in missing


def test_a_bad_filter_value_is_refused_clearly(client, erin) -> None:  # noqa: ANN001
    client.force_login(erin)
    html = client.get(URL, {"language": "xx", "start": "yesterday"}).content.decode()
    assert "正しく選択してください" in html
    assert "2026-04-01 のような形式で日付を入力してください。" in html


def test_the_page_makes_the_same_number_of_queries_however_much_data(
    client,  # noqa: ANN001
    erin,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    django_assert_num_queries,  # noqa: ANN001
) -> None:
    client.force_login(erin)
    # Session, user, permissions (2); the categories of the filter; the numbers (16); the
    # categories for the form's choices.
    with django_assert_num_queries(21):
        client.get(URL, {"period": "month"})
    for day in range(1, 10):
        help_request = request_with(
            alice, jst(2026, 5, day), ("submitted", "matching", jst(2026, 5, day, 5))
        )
        match_with(help_request, bob, ("", "accepted", jst(2026, 5, day, 8)))
    with django_assert_num_queries(21):
        client.get(URL, {"period": "month"})
