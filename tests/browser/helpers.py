"""Small helpers the browser journeys share: expected texts in a language, logging in."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.accounts.helpers import totp_code
from tests.factories import PASSWORD


def t(language: str, text: str) -> str:
    """The text a person reads in ``language`` (from the .po files, never typed in the test)."""
    with translation.override(language):
        return gettext(text)


def log_in(journey, page: Page, base: str, email: str, *, next_url: str, who: str) -> None:  # noqa: ANN001
    """Log in on our login page (in ``next_url``'s language, a journey step) and land on
    ``next_url``."""
    language = next_url.strip("/").split("/")[0]
    page.goto(f"{base}/{language}/accounts/login/?next={next_url}")
    with journey.as_(page), journey.step(f"{who} logs in"):
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def admin_log_in(journey, page: Page, base: str, email: str, *, secret: str, next_url: str) -> None:  # noqa: ANN001
    """Open the admin page ``next_url`` signed out: our login page (the admin has none of its
    own), then the code from the authenticator app whose ``secret`` staff set up, and land on
    ``next_url``."""
    page.goto(f"{base}{next_url}")
    with journey.as_(page), journey.step("staff log in to the admin"):
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    with journey.as_(page), journey.step("staff enter the code from their app"):
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.fill("input[name=code]", totp_code(secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def sign_in(page: Page, base: str, user) -> None:  # noqa: ANN001
    """Start ``page``'s browser context already logged in as ``user``, for a journey whose login
    page another journey already walks through (staff: second factor included, see
    tests/conftest.py; the staff journeys walk through it)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )


def admin_action(journey, page: Page, *, pk: int, action: str, step: str) -> None:  # noqa: ANN001
    """On an admin change list: tick row ``pk``, choose ``action`` (a journey step), run it."""
    with journey.as_(page), journey.step(step):
        page.check(f"#result_list input[name=_selected_action][value='{pk}']")
        page.select_option("select[name=action]", action)
    page.locator("button[name=index]").click()
