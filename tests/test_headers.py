"""Hardening headers on every kind of page, and no inline script or style for the CSP to allow.

Content-Security-Policy (django-csp) and Permissions-Policy (otonari/headers.py) are asserted on
public pages, a resident's pages, staff's admin pages, allauth's pages (sign-in, sign-up, the
second factor), redirects and the 404 page. Each HTML page is also parsed for what the policy
blocks — inline <script>, <style>, style="" and on…="" handlers — so a page the browser journeys
do not visit cannot hide one; and the templates are grepped for the same.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.donations.factories import make_campaign
from tests.factories import make_request

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: sources for name, sources in parts}


class InlineFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' refuses to run or apply."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._script_line: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            if names.get("type") not in {"application/json", "application/ld+json"}:
                self.found.append(f"line {self.getpos()[0]}: inline <script>")
        if tag == "style":
            self.found.append(f"line {self.getpos()[0]}: <style>")
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"line {self.getpos()[0]}: <{tag} {name}=…>")


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def assert_headers(response, *, camera: bool = False) -> None:  # noqa: ANN001
    where = f"{response.request['PATH_INFO']} ({response.status_code})"
    assert directives(response["Content-Security-Policy"]) == CSP, where
    policy = response["Permissions-Policy"]
    assert ("camera=(self)" if camera else "camera=()") in policy, where
    for feature in ("microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy, where
    assert policy.count("(self)") == int(camera), where
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        assert inline_code(response.content.decode()) == [], where


@pytest.fixture
def campaign(db):  # noqa: ANN001, ANN201
    return make_campaign()


def test_public_pages(client, campaign) -> None:  # noqa: ANN001
    urls = [
        reverse("home"),
        reverse("donations:campaigns"),
        campaign.get_absolute_url(),
        reverse("requests:topics"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("account_request_login_code"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response)


def test_redirects_and_error_pages(client, alice) -> None:  # noqa: ANN001
    assert_headers(client.get("/"))  # to the language prefix
    assert_headers(client.get(reverse("requests:mine")))  # to sign in
    missing = client.get("/ja/no-such-page/")
    assert missing.status_code == 404
    assert_headers(missing)
    client.force_login(alice)
    assert_headers(client.get(reverse("requests:detail", args=[999999])))  # 404 when signed in
    assert_headers(client.get(reverse("notifications:read_all")))  # 405


def test_a_residents_pages_and_the_camera_only_on_the_request_form(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    client.force_login(alice)
    for name, args, camera in [
        ("requests:mine", [], False),
        ("requests:new", [], True),
        ("requests:edit", [help_request.pk], True),
        ("requests:detail", [help_request.pk], False),
        ("requests:cancel", [help_request.pk], False),
        ("notifications:list", [], False),
        ("volunteers:register", [], False),
        ("matching:mine", [], False),
        ("account_email", [], False),
        ("account_change_password", [], False),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert_headers(response, camera=camera)


def test_staff_admin_pages(client, alice, carol) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    client.force_login(carol)
    urls = [
        reverse("admin:index"),
        reverse("admin:requests_app_helprequest_changelist"),
        reverse("admin:requests_app_helprequest_change", args=[help_request.pk]),
        reverse("admin:volunteers_volunteer_add"),  # filter_horizontal, autocomplete
        reverse("admin:matching_match_changelist"),
        reverse("admin:matching_feedback_changelist"),
        reverse("admin:donations_campaign_add"),  # prepopulated slug
        reverse("admin:donations_donation_changelist"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:requests_app_helprequest_delete", args=[help_request.pk]),
        reverse("admin:requests_app_helprequest_history", args=[help_request.pk]),
        reverse("mfa_index"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response)


def test_the_staff_second_factor_pages(client, carol) -> None:  # noqa: ANN001
    """Staff signing in set up their authenticator app: the page with the QR code (a data: URI,
    which img-src allows); with an app, the page that asks for its code."""
    from tests.accounts.helpers import enrol_totp, password_login

    response = password_login(client, carol.email, next_url=reverse("admin:index"))
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert_headers(response)
    assert 'src="data:image/' in response.content.decode()

    enrol_totp(carol)
    response = password_login(Client(), carol.email, next_url=reverse("admin:index"))
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert_headers(response)


# Emails are not pages a browser applies the CSP to: they keep their inline styles.
EMAIL_TEMPLATES = re.compile(r"(^|/)templates/(notifications/|account/email/)")
INLINE_IN_TEMPLATE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|<style\b|\sstyle=|\son[a-z]+=",
    re.IGNORECASE,
)


def test_no_template_has_inline_script_or_style() -> None:
    found = []
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        path = str(template.relative_to(ROOT))
        if EMAIL_TEMPLATES.search(path):
            continue
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if INLINE_IN_TEMPLATE.search(line):
                found.append(f"{path}:{number}: {line.strip()}")
    assert found == []
