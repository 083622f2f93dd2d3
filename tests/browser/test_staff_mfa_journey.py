"""Journey: a new staff member opens the admin in Nepali, signs in, sets up the authenticator
app (QR code, secret, first code), keeps the recovery codes and reaches the admin; the next
sign-in asks for the app's code."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.accounts.helpers import totp_code
from tests.browser.helpers import admin_log_in, t
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_new_staff_set_up_their_app_then_sign_in_with_it(live_server, page, journey) -> None:  # noqa: ANN001
    base = live_server.url
    devi = make_user(
        "devi@example.com",
        is_staff=True,
        is_superuser=True,
        display_name="Devi",
        preferred_language="ne",
    )
    page.goto(f"{base}/ne/admin/")
    with journey.step("staff log in"):
        expect(page).to_have_url(re.compile(r"/ne/accounts/login/\?next="))
        page.fill("input[name=login]", devi.email)
        page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    with journey.step("set up the authenticator app"):
        expect(page).to_have_url(re.compile(r"/ne/accounts/2fa/totp/activate/$"))
        expect(page.locator("h1")).to_have_text(t("ne", "Activate Authenticator App"))
        qr = page.locator("img.totp-qr")
        expect(qr).to_be_visible()
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
        secret = page.input_value("#authenticator_secret")
        page.fill("input[name=code]", totp_code(secret))
    page.locator("main form button[type=submit]").first.click()

    with journey.step("the recovery codes"):
        expect(page).to_have_url(re.compile(r"/ne/accounts/2fa/recovery-codes/$"))
        expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert Authenticator.objects.filter(user=devi, type=Authenticator.Type.TOTP).exists()
    page.get_by_role("button", name=t("ne", "I have saved my recovery codes")).click()
    expect(page).to_have_url(re.compile(r"/ne/admin/$"))

    # Another day, another browser session: the password, then the code.
    page.context.clear_cookies()
    admin_log_in(journey, page, base, devi.email, secret=secret, next_url="/ne/admin/")
