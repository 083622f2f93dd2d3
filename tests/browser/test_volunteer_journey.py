"""Journey 2: an approved volunteer takes a task from the board in Japanese; a second volunteer
who tries the same task a moment later is told it is already taken."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matching.models import Match, MatchStatus
from tests.browser.helpers import log_in, t
from tests.factories import make_user
from tests.volunteers.factories import make_open_request, make_volunteer

pytestmark = pytest.mark.django_db(transaction=True)


def _assert_no_personal_data(page, resident) -> None:  # noqa: ANN001
    html = page.content()
    assert resident.email not in html
    assert resident.display_name not in html


def test_volunteer_takes_a_task_and_a_second_one_finds_it_taken(
    live_server,  # noqa: ANN001
    page,  # noqa: ANN001
    other_page,  # noqa: ANN001
    journey,  # noqa: ANN001
    alice,  # noqa: ANN001
) -> None:
    base = live_server.url
    task = make_open_request(alice)
    bob = make_volunteer(make_user("bob@example.com", display_name="Bob", preferred_language="ja"))
    dan = make_volunteer(make_user("dan@example.com", display_name="Dan", preferred_language="ja"))

    log_in(journey, page, base, bob.user.email, next_url="/ja/matches/board/", who="bob")
    with journey.step("the task board in Japanese"):
        expect(page.locator("h1")).to_have_text(t("ja", "Task board"))
        card = page.locator(".task-card", has_text=task.title)
        expect(card).to_be_visible()
        _assert_no_personal_data(page, alice)
    card.get_by_role("link", name=task.title).click()
    with journey.step("the task, without the resident's name"):
        expect(page.locator("h1")).to_have_text(t("ja", "A task you could take"))
        _assert_no_personal_data(page, alice)

    # Dan opens the same task before Bob says yes.
    dan_page = other_page()
    log_in(journey, dan_page, base, dan.user.email, next_url="/ja/matches/board/", who="dan")
    dan_page.locator(".task-card", has_text=task.title).get_by_role("link", name=task.title).click()
    with journey.as_(dan_page), journey.step("dan reads the same task"):
        expect(dan_page.locator("h1")).to_have_text(t("ja", "A task you could take"))

    page.fill("textarea[name=note]", "平日の午前なら同行できます。")
    page.locator("button.big-button", has_text=t("ja", "I can help")).click()
    with journey.step("bob's match waits for staff approval"):
        expect(page.locator(".status")).to_have_text(t("ja", "Waiting for staff approval"))
        _assert_no_personal_data(page, alice)
    match = Match.objects.get(request=task)
    assert (match.volunteer, match.status) == (bob, MatchStatus.ACCEPTED)

    with dan_page.expect_response(re.compile(r"/accept/$")) as answer:
        dan_page.locator("button.big-button", has_text=t("ja", "I can help")).click()
    assert answer.value.status == 409
    with journey.as_(dan_page), journey.step("dan is told it is already taken"):
        expect(dan_page.locator("h1")).to_have_text(t("ja", "Someone already took this task"))
    assert Match.objects.filter(request=task).count() == 1
