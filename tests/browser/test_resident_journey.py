"""Journey 1: a resident signs up in Nepali, asks for help, follows it, switches to Japanese."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.services import consent_needed
from requests_app.models import Category, HelpRequest, RequestStatus, Topic

pytestmark = pytest.mark.django_db(transaction=True)


def t(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def _sign_up(page, base: str, email: str) -> None:  # noqa: ANN001
    page.fill("input[name=display_name]", "सीता")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", "a-long-pass-phrase-9")
    page.fill("input[name=password2]", "a-long-pass-phrase-9")
    page.check("input[name=consent_privacy_notice]")
    page.locator("main form button[type=submit]").first.click()


def _verification_code() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6})\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


def test_resident_signs_up_in_nepali_and_asks_for_help(live_server, page, journey) -> None:  # noqa: ANN001
    base = live_server.url
    with journey.step("home in Nepali"):
        page.goto(f"{base}/ne/")
        expect(page.locator("h1")).to_be_visible()
        page.get_by_role("link", name=t("ne", "Sign up")).first.click()
    with journey.step("sign up form"):
        expect(page).to_have_url(re.compile(r"/ne/accounts/signup/"))
    _sign_up(page, base, "sita.journey@example.com")
    with journey.step("enter the emailed code"):
        expect(page).to_have_url(re.compile(r"/ne/accounts/"))
        page.fill("input[name=code]", _verification_code())
    page.locator("main form button[type=submit]").first.click()
    with journey.step("signed in, back home"):
        expect(page).to_have_url(re.compile(r"/ne/$"))
        page.get_by_role("button", name=t("ne", "Ask for help")).first.click()

    healthcare = Category.objects.get(code="healthcare")
    vaccination = Topic.objects.get(code="vaccination")
    with journey.step("the request form"):
        expect(page.locator("h1")).to_have_text(t("ne", "Ask for help"))
        page.check(f"input[name=category][value='{healthcare.pk}']")
        # htmx swaps in only this category's topics, with what to prepare.
        expect(page.locator(f"#topic-{Topic.objects.get(code='bank_account').pk}")).to_have_count(0)
        expect(page.locator(f"#topic-hint-{vaccination.pk}")).to_be_visible()
    with journey.step("the filled form"):
        page.check(f"#topic-{vaccination.pk}")
        page.fill("input[name=title]", "छोराको खोपको लागि साथ चाहियो")
        page.fill(
            "textarea[name=description]",
            "मेरो छोरालाई अर्को हप्ता खोप लगाउनुपर्छ। क्लिनिकमा जापानी भाषामा कुरा गर्न गाह्रो छ।",
        )
        page.select_option("select[name=first_language]", "ne")
        page.select_option("select[name=prefecture]", "Tokyo")
        page.fill("input[name=municipality]", "Shinjuku")
        page.check("input[name=mode][value=in_person]")
        page.check("input[name=availability][value=weekday_daytime]")
        # The privacy notice was agreed at sign-up: only the request's own consents are asked.
        expect(page.locator("input[name=consent_privacy_notice]")).to_have_count(0)
        page.check("input[name=consent_sensitive_info]")
        page.check("input[name=consent_share_with_volunteer]")
    page.get_by_role("button", name=t("ne", "Send my request")).click()
    with journey.step("the request page"):
        expect(page.locator(".status")).to_have_text(t("ne", "Received"))
    help_request = HelpRequest.objects.get(resident__email="sita.journey@example.com")
    assert help_request.status == RequestStatus.SUBMITTED
    assert help_request.text_language == "ne"
    assert help_request.resident.display_name == "सीता"
    assert consent_needed(help_request.resident) == set()

    page.get_by_role("link", name=t("ne", "My requests")).first.click()
    with journey.step("my requests in Nepali"):
        expect(page).to_have_url(re.compile(r"/ne/requests/$"))
        expect(page.locator(".request-card .status")).to_have_text(t("ne", "Received"))
    page.get_by_role("button", name="日本語").click()
    with journey.step("same page in Japanese"):
        expect(page).to_have_url(re.compile(r"/ja/requests/$"))
        expect(page.locator("html")).to_have_attribute("lang", "ja")
        expect(page.locator(".request-card .status")).to_have_text(t("ja", "Received"))


def test_the_request_form_works_with_the_keyboard_alone(live_server, page, journey, alice) -> None:  # noqa: ANN001
    from tests.factories import PASSWORD

    base = live_server.url
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=login]", alice.email)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/$"))
    page.goto(f"{base}/en/requests/new/")

    def tab_to(selector: str, limit: int = 120) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    healthcare = Category.objects.get(code="healthcare")
    vaccination = Topic.objects.get(code="vaccination")
    with journey.step("keyboard: category and topic"):
        tab_to("input[name=category]")
        # Arrow keys move within a radio group; find healthcare by its position.
        for _ in range(10):
            if page.evaluate("() => document.activeElement.value") == str(healthcare.pk):
                break
            page.keyboard.press("ArrowDown")
        expect(page.locator(f"input[name=category][value='{healthcare.pk}']")).to_be_checked()
        expect(page.locator(f"#topic-hint-{vaccination.pk}")).to_be_visible()
        tab_to(f"#topic-{vaccination.pk}")
        page.keyboard.press("Space")
    with journey.step("keyboard: texts and choices"):
        tab_to("input[name=title]")
        page.keyboard.type("Vaccination visit with my son")
        tab_to("textarea[name=description]")
        page.keyboard.type("My son needs a vaccine next week and I cannot speak Japanese well.")
        tab_to("select[name=first_language]")
        page.keyboard.type("Nepali")
        tab_to("select[name=prefecture]")
        page.keyboard.type("Tokyo")
        tab_to("input[name=municipality]")
        page.keyboard.type("Shinjuku")
        tab_to("input[name=mode]")
        page.keyboard.press("Space")
        tab_to("input[name=availability][value=weekday_daytime]")
        page.keyboard.press("Space")
    with journey.step("keyboard: consents"):
        for name in ("privacy_notice", "sensitive_info", "share_with_volunteer"):
            tab_to(f"input[name=consent_{name}]")
            page.keyboard.press("Space")
        tab_to("button[type=submit].big-button")
    page.keyboard.press("Enter")
    with journey.step("keyboard: sent"):
        expect(page.locator(".status")).to_have_text("Received")
    help_request = HelpRequest.objects.get(resident=alice)
    assert help_request.mode == "in_person"
    assert help_request.languages[0] == "ne"
