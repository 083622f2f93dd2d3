"""Journey 4: once staff approved the match, the resident (in Nepali) and the volunteer (in
Japanese) each see how to reach the other; anybody else gets a 404 for the same page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matching.models import MatchStatus
from tests.browser.helpers import log_in, sign_in, t
from tests.factories import make_user
from tests.volunteers.factories import make_match, make_volunteer

pytestmark = pytest.mark.django_db(transaction=True)


def test_both_sides_see_each_others_contacts_and_an_outsider_gets_404(
    live_server,  # noqa: ANN001
    page,  # noqa: ANN001
    other_page,  # noqa: ANN001
    journey,  # noqa: ANN001
    alice,  # noqa: ANN001
    mallory,  # noqa: ANN001
) -> None:
    base = live_server.url
    bob = make_volunteer(make_user("bob@example.com", display_name="Bob", preferred_language="ja"))
    match = make_match(alice, bob, status=MatchStatus.APPROVED, contact_phone="070-2222-3333")
    request_url = f"/ne/requests/{match.request.pk}/"

    log_in(journey, page, base, alice.email, next_url=request_url, who="alice")
    with journey.step("alice's request shows her volunteer"):
        expect(page.locator("main")).to_contain_text(bob.display_name)
    page.get_by_role("button", name=t("ne", "See the match and how to contact each other")).click()
    with journey.step("alice sees how to reach bob"):
        contacts = page.locator(".contact-box")
        expect(contacts.locator("h2")).to_have_text(t("ne", "How to reach each other"))
        expect(contacts).to_contain_text(bob.display_name)
        expect(contacts.locator(f"a[href='tel:{bob.contact_phone}']")).to_be_visible()
        expect(contacts.locator(f"a[href='mailto:{bob.contact_email}']")).to_be_visible()
        assert bob.user.email not in page.content()  # the login email stays private

    bob_page = other_page()
    sign_in(bob_page, base, bob.user)
    bob_page.goto(f"{base}/ja/matches/")
    with journey.as_(bob_page), journey.step("bob's matches"):
        expect(bob_page.locator(".status")).to_have_text(t("ja", "Approved"))
    bob_page.get_by_role("link", name=match.request.title).click()
    with journey.as_(bob_page), journey.step("bob sees how to reach alice"):
        contacts = bob_page.locator(".contact-box")
        expect(contacts.locator("h2")).to_have_text(t("ja", "How to reach each other"))
        expect(contacts).to_contain_text(alice.display_name)
        # The phone alice gave with her request; never her account email.
        expect(contacts.locator("a[href='tel:070-2222-3333']")).to_be_visible()
        assert alice.email not in bob_page.content()
    match_url = bob_page.url.removeprefix(base)
    assert match_url == f"/ja/matches/{match.pk}/"

    mallory_page = other_page()
    sign_in(mallory_page, base, mallory)
    response = mallory_page.goto(f"{base}{match_url}")
    assert response.status == 404
    with journey.as_(mallory_page), journey.step("mallory gets not found"):
        expect(mallory_page.locator("h1")).to_have_text(t("ja", "Page not found"))
        for secret in (alice.email, bob.contact_email, bob.contact_phone, match.request.title):
            assert secret not in mallory_page.content()
