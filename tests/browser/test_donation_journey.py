"""Journey 6: a visitor opens a donation campaign (in English, then Nepali), reads the progress
meters and leaves a message of support, which appears only once staff approved it."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import Page, expect

from donations.demo import OFP_SLUG, load_demo
from donations.models import SupportMessage
from tests.browser.helpers import admin_action, sign_in, t

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE = "मेरो छिमेकमा पनि यस्तो सहयोग चाहिन्छ। शुभकामना!"


def _assert_labelled_meters(page: Page) -> None:
    """Every progress bar has a visible text label saying the same thing in words."""
    meters = page.locator("progress")
    expect(meters.first).to_be_visible()
    for index in range(meters.count()):
        meter_id = meters.nth(index).get_attribute("id")
        label = page.locator(f"label[for='{meter_id}']")
        expect(label).to_be_visible()
        expect(label).to_have_text(re.compile(r"\d"))


def test_visitor_leaves_a_message_that_appears_after_staff_approval(
    live_server,  # noqa: ANN001
    page,  # noqa: ANN001
    other_page,  # noqa: ANN001
    journey,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    base = live_server.url
    campaign = next(c for c in load_demo() if c.slug == OFP_SLUG)
    with translation.override("en"):
        title_en = campaign.title

    page.goto(f"{base}/en/support/")
    with journey.step("the campaigns in English"):
        expect(page.locator("h1")).to_have_text(t("en", "Support Otonari"))
        _assert_labelled_meters(page)
    page.get_by_role("link", name=title_en).click()
    with journey.step("the campaign in English"):
        expect(page.locator("h1")).to_have_text(title_en)
        _assert_labelled_meters(page)
        expect(page.locator(f"label[for='raised-{campaign.pk}']")).to_contain_text("%")
    page.get_by_role("button", name="नेपाली").click()
    with journey.step("the campaign in Nepali"):
        expect(page).to_have_url(f"{base}/ne/support/{OFP_SLUG}/")
        expect(page.locator("#progress-title")).to_have_text(t("ne", "Progress"))
        _assert_labelled_meters(page)
        page.fill("input[name=name]", "सीता")
        page.fill("textarea[name=body]", MESSAGE)
    page.get_by_role("button", name=t("ne", "Send message")).click()
    with journey.step("the message waits for staff"):
        expect(page.locator(".messages")).to_contain_text(
            t("ne", "Thank you for your message. It will appear here after our staff have read it.")
        )
        expect(page.locator(".support-message", has_text=MESSAGE)).to_have_count(0)
    message = SupportMessage.objects.get(body=MESSAGE)
    assert not message.approved

    staff_page = other_page()
    sign_in(staff_page, base, carol)
    staff_page.goto(f"{base}/ja/admin/donations/supportmessage/?approved__exact=0")
    admin_action(
        journey,
        staff_page,
        pk=message.pk,
        action="approve",
        step="staff read the messages to review",
    )
    with journey.as_(staff_page), journey.step("staff approved the message"):
        with translation.override("ja"):
            approved = ngettext(
                "%(count)d message approved.", "%(count)d messages approved.", 1
            ) % {"count": 1}
        expect(staff_page.locator(".messagelist")).to_contain_text(approved)
    message.refresh_from_db()
    assert message.approved and message.approved_by == carol

    page.reload()
    with journey.step("the message appears on the campaign"):
        shown = page.locator(".support-message", has_text=MESSAGE)
        expect(shown).to_have_count(1)
        expect(shown.locator("figcaption")).to_contain_text("सीता")
