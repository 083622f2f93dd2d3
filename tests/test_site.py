"""The site as a whole: languages, the switcher, the home page, the admin and the account pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from requests_app.models import HelpRequest, RequestStatus
from tests.factories import make_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ja", "en", "ne"])
def test_the_home_page_speaks_each_language(client, language) -> None:  # noqa: ANN001
    with translation.override(language):
        text = gettext("Ask for help")
    assert (text == "Ask for help") == (language == "en")
    response = client.get(f"/{language}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert text in html
    for name in ("日本語", "English", "नेपाली"):
        assert name in html


def test_the_root_redirects_to_a_language(client) -> None:  # noqa: ANN001
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ne")
    assert response.status_code == 302
    assert response["Location"] == "/ne/"


def test_switching_language_keeps_the_same_page(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    client.force_login(alice)
    page = reverse("requests:detail", args=[help_request.pk])  # /ja/requests/N/
    response = client.post(reverse("set_language"), {"language": "ne", "next": page})
    assert response.status_code == 302
    assert response["Location"] == page.replace("/ja/", "/ne/", 1)
    alice.refresh_from_db()
    assert alice.preferred_language == "ne"


@pytest.mark.parametrize("browser_language", ["en", "ja", "ne", "fr"])
def test_switching_keeps_the_page_whatever_the_browser_language(client, browser_language) -> None:  # noqa: ANN001
    response = client.post(
        reverse("set_language"),
        {"language": "ja", "next": "/ne/accounts/login/"},
        HTTP_ACCEPT_LANGUAGE=browser_language,
    )
    assert response["Location"] == "/ja/accounts/login/"


def test_switching_language_works_for_anonymous_visitors(client) -> None:  # noqa: ANN001
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/ja/accounts/login/"}
    )
    assert response["Location"] == "/en/accounts/login/"


def test_signup_remembers_the_language_and_asks_for_the_code(client, mailoutbox) -> None:  # noqa: ANN001
    from accounts.models import User

    response = client.post(
        "/ne/accounts/signup/",
        {
            "display_name": "Sita",
            "email": "sita@example.com",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
            "consent_privacy_notice": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="sita@example.com")
    assert user.preferred_language == "ne"
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/ne/accounts/login/",
        "/ne/accounts/signup/",
        "/ne/accounts/password/reset/",
        "/ne/accounts/login/code/",
    ],
)
def test_account_pages_render_in_nepali(client, path) -> None:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ne">' in html
    assert "Sign In" not in html and "Password" not in html.replace('type="password"', "")


def test_staff_see_and_filter_requests_in_admin(client, alice, carol) -> None:  # noqa: ANN001
    make_request(alice, title="Clinic with my son")
    client.force_login(carol)
    url = reverse("admin:requests_app_helprequest_changelist")
    response = client.get(
        url, {"status__exact": "submitted", "first_language": "ne", "q": "Clinic"}
    )
    assert response.status_code == 200
    assert "Clinic with my son" in response.content.decode()
    response = client.get(url, {"first_language": "ja"})
    assert "Clinic with my son" not in response.content.decode()


def test_admin_actions_go_through_the_lifecycle(client, alice, carol) -> None:  # noqa: ANN001
    opened = make_request(alice)
    finished = make_request(alice)
    HelpRequest.objects.filter(pk=finished.pk).update(status=RequestStatus.COMPLETED)
    client.force_login(carol)
    response = client.post(
        reverse("admin:requests_app_helprequest_changelist"),
        {"action": "move_to_matching", "_selected_action": [opened.pk, finished.pk]},
        follow=True,
    )
    assert response.status_code == 200
    opened.refresh_from_db()
    finished.refresh_from_db()
    assert opened.status == RequestStatus.MATCHING
    assert opened.status_changes.last().by == carol
    assert finished.status == RequestStatus.COMPLETED  # illegal move refused, reported


def test_residents_cannot_open_the_admin(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = client.get(reverse("admin:requests_app_helprequest_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize("language", ["ja", "en", "ne"])
def test_a_missing_page_says_so_in_the_page_language(client, language) -> None:  # noqa: ANN001
    with translation.override(language):
        heading = gettext("Page not found")
    assert (heading == "Page not found") == (language == "en")
    response = client.get(f"/{language}/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert f'href="/{language}/"' in html  # a way back to the start, in the same language


def test_someone_elses_request_looks_like_a_missing_page(client, alice, mallory) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    client.force_login(mallory)
    response = client.get(f"/ne/requests/{help_request.pk}/")
    assert response.status_code == 404
    with translation.override("ne"):
        assert gettext("Page not found") in response.content.decode()
    assert help_request.title not in response.content.decode()


@pytest.mark.parametrize("language", ["ja", "ne"])
def test_a_server_error_page_is_translated_and_needs_no_context(language) -> None:  # noqa: ANN001
    from django.test import RequestFactory
    from django.views.defaults import server_error

    with translation.override(language):
        response = server_error(RequestFactory().get(f"/{language}/"))
        text = gettext("Something went wrong")
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html
    assert text in html and text != "Something went wrong"
