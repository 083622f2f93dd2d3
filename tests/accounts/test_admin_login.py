"""The admin has no login of its own: staff sign in on the site's login page, which allauth
rate-limits (per account and per address, counted in the Redis cache)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import PASSWORD, url_in

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts. Try again later."


def _signed_in(client) -> bool:  # noqa: ANN001
    return "_auth_user_id" in client.session


def test_the_admin_login_page_sends_people_to_the_site_login(client) -> None:  # noqa: ANN001
    admin_page = url_in("ja", "admin:requests_app_helprequest_changelist")
    response = client.get(url_in("ja", "admin:login") + "?" + urlencode({"next": admin_page}))
    assert response.status_code == 302
    assert response["Location"] == url_in("ja", "account_login") + "?" + urlencode(
        {"next": admin_page}
    )
    # Opening an admin page while signed out ends on the same login page, in the page's language.
    response = client.get(url_in("ne", "admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == url_in("ne", "account_login") + "?" + urlencode(
        {"next": url_in("ne", "admin:index")}
    )
    assert '<html lang="ne">' in response.content.decode()


def test_the_admin_login_refuses_an_outside_next(client) -> None:  # noqa: ANN001
    response = client.get(url_in("ja", "admin:login") + "?next=https://evil.example/")
    assert response["Location"] == url_in("ja", "account_login") + "?" + urlencode(
        {"next": url_in("ja", "admin:index")}
    )


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client, carol) -> None:  # noqa: ANN001
    for password in [f"wrong-{i}" for i in range(30)] + [PASSWORD]:
        response = client.post(
            url_in("ja", "admin:login"), {"username": carol.email, "password": password}
        )
        assert response.status_code == 302
        assert not _signed_in(client)


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, carol) -> None:  # noqa: ANN001
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    with translation.override("ja"):
        too_many = gettext(TOO_MANY)
    login = url_in("ja", "account_login")
    statuses = []
    for i in range(30):
        response = client.post(
            login, {"login": carol.email, "password": f"guess-{i}", "next": "/ja/admin/"}
        )
        statuses.append(response.status_code)
        if i >= 5 and response.status_code == 200:
            # From the sixth try on, the account is locked for a while: not even checked.
            assert too_many in response.content.decode()
    assert set(statuses) <= {200, 429}
    response = client.post(
        login, {"login": carol.email, "password": PASSWORD, "next": "/ja/admin/"}
    )
    assert response.status_code in (200, 429)
    assert not _signed_in(client)
    assert client.get(url_in("ja", "admin:index")).status_code == 302


def test_a_locked_account_is_locked_from_every_address(client, carol) -> None:  # noqa: ANN001
    login = url_in("ja", "account_login")
    for i in range(5):
        client.post(
            login, {"login": carol.email, "password": f"guess-{i}"}, REMOTE_ADDR=f"198.51.100.{i}"
        )
    response = client.post(
        login, {"login": carol.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.99"
    )
    assert not _signed_in(client)
    with translation.override("ja"):
        assert gettext(TOO_MANY) in response.content.decode()


def test_signed_in_staff_go_straight_to_the_admin(client, carol) -> None:  # noqa: ANN001
    client.force_login(carol)
    response = client.get(url_in("ja", "admin:login") + "?next=/ja/admin/donations/")
    assert response["Location"] == "/ja/admin/donations/"


def test_a_signed_in_outsider_finds_no_admin(client, mallory) -> None:  # noqa: ANN001
    client.force_login(mallory)
    response = client.get(url_in("ja", "admin:index"), follow=True)
    assert response.status_code == 404
