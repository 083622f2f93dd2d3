"""Journey 5: after the help, the resident (Nepali) and the volunteer (Japanese) both confirm it
happened and wish to continue; staff convert the match to a six-month Family Friend (OFP) pair
in the admin; both agree, and the pair page shows it active."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from matching.models import MatchStatus, OFPPair, OFPStatus
from tests.browser.helpers import admin_action, sign_in, t
from tests.factories import make_user
from tests.volunteers.factories import make_match, make_volunteer

pytestmark = pytest.mark.django_db(transaction=True)


def _give_feedback(journey, page: Page, language: str, who: str) -> None:  # noqa: ANN001
    page.get_by_role("button", name=t(language, "Tell us how it went")).click()
    with journey.as_(page), journey.step(f"{who} tells how it went"):
        expect(page.locator("h1")).to_have_text(t(language, "How did it go?"))
        page.check("input[name=happened][value=yes]")
        page.check("input[name=helpful][value='5']")
        page.check("input[name=wants_to_continue]")
    page.locator("button.big-button").click()
    with journey.as_(page), journey.step(f"{who}'s answer is recorded"):
        expect(page.locator(".messages")).to_contain_text(t(language, "Thank you for telling us."))


def test_both_give_feedback_and_staff_make_it_a_family_friend_pair(
    live_server,  # noqa: ANN001
    page,  # noqa: ANN001
    other_page,  # noqa: ANN001
    journey,  # noqa: ANN001
    alice,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    base = live_server.url
    bob = make_volunteer(make_user("bob@example.com", display_name="Bob", preferred_language="ja"))
    match = make_match(alice, bob, status=MatchStatus.APPROVED)

    sign_in(page, base, alice)
    page.goto(f"{base}/ne/matches/{match.pk}/")
    with journey.step("alice's approved match"):
        expect(page.locator(".status")).to_have_text(t("ne", "Approved"))
    _give_feedback(journey, page, "ne", "alice")

    bob_page = other_page()
    sign_in(bob_page, base, bob.user)
    bob_page.goto(f"{base}/ja/matches/{match.pk}/")
    with journey.as_(bob_page), journey.step("bob's approved match"):
        expect(bob_page.locator(".status")).to_have_text(t("ja", "Approved"))
    _give_feedback(journey, bob_page, "ja", "bob")
    expect(bob_page.locator(".status")).to_have_text(t("ja", "Done"))
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED

    page.reload()
    with journey.step("alice is asked to keep meeting"):
        expect(page.locator("#ofp-title")).to_have_text(t("ne", "Keep meeting for six months?"))
    page.get_by_role("button", name=t("ne", "Yes, I would like that")).click()
    with journey.step("alice's wish is sent"):
        expect(page.locator(".messages")).to_contain_text(
            t("ne", "We received your wish. Our staff will contact you both about it.")
        )
    pair = OFPPair.objects.get(match=match)
    assert pair.status == OFPStatus.REQUESTED

    staff_page = other_page()
    sign_in(staff_page, base, carol)
    staff_page.goto(f"{base}/ja/admin/matching/match/")
    admin_action(
        journey,
        staff_page,
        pk=match.pk,
        action="convert_to_ofp",
        step="staff pick the match to convert",
    )
    with journey.as_(staff_page), journey.step("staff choose the start date"):
        expect(staff_page.locator("h1")).to_have_text(t("ja", "Convert to a six-month OFP pair"))
        expect(staff_page.locator("input[name=start_date]")).not_to_have_value("")
        staff_page.fill("input[name=rhythm]", "隔週の土曜日に2時間")
    staff_page.locator("input[type=submit]").click()
    with journey.as_(staff_page), journey.step("the pair waits for both to agree"):
        expect(staff_page.locator(".messagelist")).to_contain_text(
            t("ja", "Match #%(id)s now waits for both people to agree to the pair.")
            % {"id": match.pk}
        )
    pair.refresh_from_db()
    assert pair.status == OFPStatus.AWAITING_CONSENT

    pair_path = pair.get_absolute_url()  # in the active language (ja): swap for Nepali
    page.goto(base + re.sub(r"^/ja/", "/ne/", pair_path))
    with journey.step("alice reads the pair's terms"):
        expect(page.locator(".status")).to_have_text(t("ne", "Waiting for both to agree"))
    page.get_by_role("button", name=t("ne", "I agree")).click()
    with journey.step("alice agreed"):
        expect(page.locator(".messages")).to_contain_text(
            t("ne", "Thank you. Your agreement is recorded.")
        )
        expect(page.get_by_role("button", name=t("ne", "I agree"))).to_have_count(0)

    bob_page.goto(base + pair_path)
    with journey.as_(bob_page), journey.step("bob reads the pair's terms"):
        expect(bob_page.locator("main")).to_contain_text(t("ja", "The resident agreed."))
    bob_page.get_by_role("button", name=t("ja", "I agree")).click()
    with journey.as_(bob_page), journey.step("the pair is active"):
        expect(bob_page.locator(".status")).to_have_text(t("ja", "Active"))
        expect(bob_page.locator(".checkins li")).to_have_count(6)
    pair.refresh_from_db()
    assert pair.status == OFPStatus.ACTIVE

    page.reload()
    with journey.step("alice sees the pair active"):
        expect(page.locator(".status")).to_have_text(t("ne", "Active"))
