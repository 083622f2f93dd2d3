"""Journey 3: staff, in the Japanese admin, open a request, read the ranked candidates and why,
and approve the volunteer who accepted it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from matching.models import Match, MatchStatus
from matching.ranking_services import ranking_run
from matching.schedule import service_window
from matching.selectors import candidates_for_request
from matching.services import match_accept
from requests_app.models import RequestStatus
from tests.accounts.helpers import enrol_totp
from tests.browser.helpers import admin_log_in, t
from tests.factories import make_user
from tests.matching.helpers import service_time
from tests.volunteers.factories import make_open_request, make_volunteer

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_see_ranked_candidates_and_approve_the_match(
    live_server,  # noqa: ANN001
    page,  # noqa: ANN001
    journey,  # noqa: ANN001
    alice,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    base = live_server.url
    task = make_open_request(alice)
    bob = make_volunteer(make_user("bob@example.com", display_name="Bob", preferred_language="ja"))
    make_volunteer(make_user("dan@example.com", display_name="Dan", preferred_language="ja"))
    # No Celery worker runs beside the browser: rank the request the way the task would.
    assert ranking_run(request_id=task.pk) == 2
    with translation.override("ja"):
        candidates = candidates_for_request(task)
    assert [row.volunteer.display_name for row in candidates][:1] == ["Bob"]

    secret = enrol_totp(carol)  # set up on an earlier sign-in (test_staff_mfa_journey)
    admin_log_in(journey, page, base, carol.email, secret=secret, next_url="/ja/admin/")
    with journey.step("the admin home"):
        expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.locator("#content-main a[href$='/requests_app/helprequest/']").first.click()
    row = page.locator("#result_list tbody tr", has_text=task.title)
    with journey.step("the list of requests"):
        expect(row).to_have_count(1)
    row.locator("th a").click()
    with journey.step("the request with ranked candidates and reasons"):
        panel = page.locator(".matching-panel")
        for row in candidates:
            line = panel.locator("tr", has_text=row.volunteer.display_name)
            expect(line).to_be_visible()
            for reason in row.reasons:
                expect(line).to_contain_text(reason)
        expect(panel.get_by_role("link", name=t("ja", "Propose…"))).to_have_count(len(candidates))

    # The time staff agreed with both on the phone: Monday 10:00 (a Sunday is refused first).
    monday = service_time(days=3 + (7 - (timezone.localdate().weekday() + 3)) % 7)
    sunday = monday - datetime.timedelta(days=1)
    # Meanwhile Bob says yes on the task board (journey 2 does it in the browser).
    match = match_accept(help_request=task, volunteer=bob)
    page.reload()
    with journey.step("the request now waits for approval"):
        panel = page.locator(".matching-panel")
        expect(panel).to_contain_text(t("ja", "Waiting for staff approval"))
        expect(panel).to_contain_text(bob.user.email)
    panel.get_by_role("link", name=t("ja", "Approve…")).click()
    with journey.step("approve the match"):
        expect(page.locator("h1")).to_have_text(t("ja", "Approve match"))
        page.fill("input[name=agreed_time]", sunday.strftime("%Y-%m-%dT%H:%M"))
        page.select_option("select[name=agreed_minutes]", "120")
        page.fill("input[name=note]", "電話で本人に確認済み")
    page.locator("input[type=submit]").click()
    with journey.step("a Sunday is outside the service window"):
        with translation.override("ja"):
            days = service_window().days_text()
        refused = t("ja", "Help takes place %(days)s only. Choose another day.")
        expect(page.locator(".errorlist")).to_contain_text(refused % {"days": days})
    page.fill("input[name=agreed_time]", monday.strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[type=submit]").click()
    with journey.step("the match is approved"):
        expect(page.locator(".messagelist")).to_contain_text(t("ja", "The match is approved."))
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert (match.agreed_time, match.agreed_minutes) == (monday, 120)
    assert match.request.status == RequestStatus.MATCHED
    assert match.events.last().by == carol
    assert Match.objects.filter(request=task).count() == 1
