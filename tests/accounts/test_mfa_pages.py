"""The second-factor pages speak the page's language: no English left on /ja/ and /ne/."""

from __future__ import annotations

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from tests.accounts.helpers import english_words, enrol_totp, password_login, totp_code
from tests.factories import make_user, url_in

pytestmark = pytest.mark.django_db

LANGUAGES = ["ja", "ne"]


def _check(response, language: str) -> None:  # noqa: ANN001
    assert response.status_code == 200, response
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert english_words(html) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_setting_up_the_app_is_in_the_page_language(client, carol, language) -> None:  # noqa: ANN001
    response = password_login(client, carol.email, language=language)
    assert response.redirect_chain[-1][0] == url_in(language, "mfa_activate_totp")
    _check(response, language)
    # A wrong code: the error is translated too.
    _check(client.post(url_in(language, "mfa_activate_totp"), {"code": "12"}), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_code_at_sign_in_is_asked_in_the_page_language(client, carol, language) -> None:  # noqa: ANN001
    enrol_totp(carol)
    response = password_login(client, carol.email, language=language)
    assert response.redirect_chain[-1][0] == url_in(language, "mfa_authenticate")
    _check(response, language)
    _check(client.post(url_in(language, "mfa_authenticate"), {"code": "12"}), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_of_an_enrolled_account_are_in_the_page_language(language) -> None:  # noqa: ANN001
    # A resident who chose to protect their account: every page of it, including deactivation.
    for user in (
        make_user(f"res-{language}@example.com"),
        make_user(f"st-{language}@example.com", is_staff=True),
    ):
        secret = enrol_totp(user)
        RecoveryCodes.activate(user)
        client = Client()
        password_login(client, user.email, language=language)
        response = client.post(url_in(language, "mfa_authenticate"), {"code": totp_code(secret)})
        assert response.status_code == 302
        for name in (
            "mfa_index",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_deactivate_totp",
            "mfa_reauthenticate",
        ):
            _check(client.get(url_in(language, name)), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_too_many_attempts_page_is_in_the_page_language(client, language) -> None:  # noqa: ANN001
    login = url_in(language, "account_login")
    for i in range(30):
        client.post(login, {"login": f"someone{i}@example.com", "password": "x"})
    response = client.post(login, {"login": "someone@example.com", "password": "x"})
    assert response.status_code == 429
    response.status_code = 200
    _check(response, language)
