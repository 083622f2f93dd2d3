"""Behind a proxy every request comes from the proxy's address: per-address limits (sign-in,
support messages) must key on the client's address the proxy vouches for, or they would become
one limit for the whole site; and a client cannot pick its own address by sending the header."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from donations.models import SupportMessage
from donations.services import MESSAGE_RATE_LIMIT
from otonari.net import client_ip
from tests.donations.factories import make_campaign
from tests.factories import url_in

PROXY = "10.0.0.2"
TOO_MANY = "Too many failed login attempts. Try again later."
WRONG = "The email address and/or password you specified are not correct."


def _ip(settings, meta: dict[str, str], count: int = 0, header: str | None = None) -> str:  # noqa: ANN001
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = header
    return client_ip(RequestFactory().get("/", **meta))


def test_without_proxies_the_peer_address_counts_and_the_header_is_ignored(settings) -> None:  # noqa: ANN001
    meta = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    assert _ip(settings, meta) == "203.0.113.5"


def test_behind_one_proxy_the_entry_it_appended_counts(settings) -> None:  # noqa: ANN001
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    assert _ip(settings, meta, count=1) == "203.0.113.5"
    # The client sent its own X-Forwarded-For; the proxy appended the real address after it.
    meta["HTTP_X_FORWARDED_FOR"] = "1.2.3.4, 5.6.7.8, 203.0.113.5"
    assert _ip(settings, meta, count=1) == "203.0.113.5"
    assert _ip(settings, meta, count=2) == "5.6.7.8"
    # A request that did not pass the proxy (no header): the peer itself.
    assert _ip(settings, {"REMOTE_ADDR": "203.0.113.6"}, count=1) == "203.0.113.6"


def test_a_header_set_by_the_proxy_and_odd_values(settings) -> None:  # noqa: ANN001
    meta = {
        "REMOTE_ADDR": PROXY,
        "HTTP_X_REAL_IP": "2001:db8::7",
        "HTTP_X_FORWARDED_FOR": "9.9.9.9",
    }
    assert _ip(settings, meta, header="X-Real-IP") == "2001:db8::7"
    assert _ip(settings, {"REMOTE_ADDR": PROXY}, header="X-Real-IP") == PROXY
    assert _ip(settings, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "junk"}, count=1) == PROXY
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "[2001:db8::1]:443"}
    assert _ip(settings, meta, count=1) == "2001:db8::1"
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5:51000"}
    assert _ip(settings, meta, count=1) == "203.0.113.5"


def _behind_proxy(forwarded_for: str) -> dict[str, str]:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


@pytest.mark.django_db
def test_support_messages_are_limited_per_visitor_behind_the_proxy(settings) -> None:  # noqa: ANN001
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    campaign = make_campaign()
    url = campaign.get_absolute_url()
    anna, ben = Client(), Client()
    for i in range(MESSAGE_RATE_LIMIT):
        anna.post(url, {"body": f"応援 {i}"}, **_behind_proxy("203.0.113.10"))
    assert SupportMessage.objects.count() == MESSAGE_RATE_LIMIT
    # Anna is stopped, even when she sends X-Forwarded-For entries of her own.
    for spoof in ("203.0.113.10", "198.51.100.77, 203.0.113.10", "1.1.1.1, 2.2.2.2, 203.0.113.10"):
        anna.post(url, {"body": "もう一度"}, **_behind_proxy(spoof))
    assert SupportMessage.objects.count() == MESSAGE_RATE_LIMIT
    # Ben, behind the same proxy, is not.
    response = ben.post(url, {"body": "がんばって"}, **_behind_proxy("203.0.113.20"))
    assert response.status_code == 302
    assert SupportMessage.objects.count() == MESSAGE_RATE_LIMIT + 1


@pytest.mark.django_db
def test_sign_in_limits_are_per_visitor_behind_the_proxy(settings) -> None:  # noqa: ANN001
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    with translation.override("ja"):
        too_many, wrong = gettext(TOO_MANY), gettext(WRONG)
    login = url_in("ja", "account_login")
    anna, ben = Client(), Client()

    def fail(client: Client, n: int, forwarded_for: str) -> str:
        data = {"login": f"nobody{n}@example.com", "password": "guess"}
        return client.post(login, data, **_behind_proxy(forwarded_for)).content.decode()

    # allauth allows 10 failed sign-ins a minute from one address (different accounts here).
    for n in range(10):
        assert wrong in fail(anna, n, "203.0.113.10")
    assert too_many in fail(anna, 10, "203.0.113.10")
    assert too_many in fail(anna, 11, "6.6.6.6, 203.0.113.10")  # her own entry changes nothing
    html = fail(ben, 0, "203.0.113.20")
    assert wrong in html and too_many not in html


def test_the_proxy_settings_come_from_the_environment() -> None:
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "otonari.settings"}
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "TRUSTED_PROXY_COUNT": "2", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.split() == ["2", "X-Real-IP"]
    env.pop("TRUSTED_PROXY_COUNT", None)
    env.pop("TRUSTED_CLIENT_IP_HEADER", None)
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["0", "None"]
