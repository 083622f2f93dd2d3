"""Consent to the privacy notice: asked at sign-up and on the first request, recorded with the
notice's version and the time, asked again when the notice changes; the notice itself."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Consent, ConsentKind, User
from accounts.services import consent_needed, consent_record
from requests_app.models import HelpRequest
from tests.accounts.helpers import english_words
from tests.factories import form_data, make_request, make_user, url_in

pytestmark = pytest.mark.django_db

ALL_KINDS = set(ConsentKind.values)
REQUEST_KINDS = {"consent_sensitive_info", "consent_share_with_volunteer"}


def _signup(client, **overrides: str):  # noqa: ANN202, ANN001
    data = {
        "display_name": "Sita",
        "email": "sita@example.com",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
        "consent_privacy_notice": "on",
        **overrides,
    }
    return client.post("/ne/accounts/signup/", {k: v for k, v in data.items() if v is not None})


def _without_consents(**overrides: str) -> dict:
    data = form_data(**overrides)
    for name in ("consent_privacy_notice", *REQUEST_KINDS):
        data.pop(name)
    return data


# --- Sign-up ---------------------------------------------------------------------------------


def test_the_signup_page_asks_for_a_name_and_consent_with_a_link_to_the_notice(client) -> None:  # noqa: ANN001
    html = client.get("/en/accounts/signup/").content.decode()
    assert 'name="display_name"' in html
    assert 'name="consent_privacy_notice"' in html
    assert f'href="{url_in("en", "privacy")}"' in html
    assert "to find a volunteer for me" in html  # the purpose, in plain words


def test_signup_without_consent_is_refused(client) -> None:  # noqa: ANN001
    response = _signup(client, consent_privacy_notice=None)
    assert response.status_code == 200
    assert not User.objects.filter(email="sita@example.com").exists()
    assert "consent_privacy_notice" in response.context["form"].errors


def test_signup_without_a_display_name_is_refused(client) -> None:  # noqa: ANN001
    response = _signup(client, display_name="  ")
    assert response.status_code == 200
    assert not User.objects.filter(email="sita@example.com").exists()
    assert "display_name" in response.context["form"].errors


@override_settings(PRIVACY_NOTICE_VERSION="2026-12")
def test_signup_records_the_consent_with_version_time_and_language(client) -> None:  # noqa: ANN001
    before = timezone.now()
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="sita@example.com")
    assert user.display_name == "Sita"
    consent = Consent.objects.get(user=user)
    assert (consent.kind, consent.version, consent.language) == ("privacy_notice", "2026-12", "ne")
    assert before <= consent.given_at <= timezone.now()
    assert consent.withdrawn_at is None


def test_the_display_name_is_what_others_see_not_the_email(client) -> None:  # noqa: ANN001
    _signup(client, display_name="Sita M.")
    user = User.objects.get(email="sita@example.com")
    assert str(user) == "Sita M." == user.public_name


def test_an_account_without_a_name_never_shows_its_email_to_others() -> None:
    user = make_user("sita.sharma@example.com")  # made before sign-up asked for a name
    assert "sita" not in user.public_name.lower()
    with translation.override("ne"):
        assert user.public_name == "Otonari प्रयोगकर्ता"


# --- The request form ------------------------------------------------------------------------


def _consent_inputs(client, url: str) -> set[str]:  # noqa: ANN001
    html = client.get(url).content.decode()
    names = {"consent_privacy_notice", *REQUEST_KINDS}
    return {name for name in names if f'name="{name}"' in html}


def test_the_first_request_asks_for_the_request_consents(client, alice) -> None:  # noqa: ANN001
    consent_record(user=alice, kinds={"privacy_notice"})  # given at sign-up
    client.force_login(alice)
    assert _consent_inputs(client, url_in("en", "requests:new")) == REQUEST_KINDS


def test_a_request_without_the_consents_is_refused_and_nothing_saved(client, alice) -> None:  # noqa: ANN001
    consent_record(user=alice, kinds={"privacy_notice"})
    client.force_login(alice)
    response = client.post(url_in("en", "requests:new"), _without_consents())
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == REQUEST_KINDS
    assert "To send a request, agree that we keep this information." in response.content.decode()
    assert not HelpRequest.objects.exists()
    assert consent_needed(alice) == {"sensitive_info", "share_with_volunteer"}


def test_the_first_request_records_the_consents_and_the_second_does_not_ask(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = client.post(url_in("ne", "requests:new"), form_data())
    assert response.status_code == 302
    assert set(Consent.objects.filter(user=alice).values_list("kind", flat=True)) == ALL_KINDS
    assert consent_needed(alice) == set()
    assert _consent_inputs(client, url_in("ne", "requests:new")) == set()
    response = client.post(url_in("ne", "requests:new"), _without_consents())
    assert response.status_code == 302
    assert HelpRequest.objects.filter(resident=alice).count() == 2
    assert Consent.objects.filter(user=alice).count() == 3  # nothing written twice


def test_a_new_notice_version_asks_again(client, alice) -> None:  # noqa: ANN001
    with override_settings(PRIVACY_NOTICE_VERSION="2026-12"):
        consent_record(user=alice, kinds=ALL_KINDS)
    client.force_login(alice)
    with override_settings(PRIVACY_NOTICE_VERSION="2027-04"):
        assert consent_needed(alice) == ALL_KINDS
        url = url_in("en", "requests:new")
        assert _consent_inputs(client, url) == {"consent_privacy_notice", *REQUEST_KINDS}
        assert client.post(url, _without_consents()).status_code == 200
        assert client.post(url, form_data()).status_code == 302
        assert consent_needed(alice) == set()
    versions = sorted(Consent.objects.filter(user=alice).values_list("version", flat=True))
    assert versions == ["2026-12"] * 3 + ["2027-04"] * 3  # the old records stay


def test_editing_a_request_after_a_new_version_asks_again(client, alice) -> None:  # noqa: ANN001
    consent_record(user=alice, kinds=ALL_KINDS)
    help_request = make_request(alice)
    client.force_login(alice)
    url = url_in("en", "requests:edit", help_request.pk)
    assert _consent_inputs(client, url) == set()
    with override_settings(PRIVACY_NOTICE_VERSION="2099-01"):
        assert client.post(url, _without_consents(title="A changed title")).status_code == 200
        assert client.post(url, form_data(title="A changed title")).status_code == 302
    help_request.refresh_from_db()
    assert help_request.title == "A changed title"


def test_a_withdrawn_consent_is_asked_again(alice) -> None:  # noqa: ANN001
    (consent,) = consent_record(user=alice, kinds={"sensitive_info"})
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    assert "sensitive_info" in consent_needed(alice)


def test_consents_are_kept_in_the_order_given(alice) -> None:  # noqa: ANN001
    with override_settings(PRIVACY_NOTICE_VERSION="v1"):
        consent_record(user=alice, kinds={"privacy_notice"})
    Consent.objects.update(given_at=timezone.now() - datetime.timedelta(days=30))
    with override_settings(PRIVACY_NOTICE_VERSION="v2"):
        consent_record(user=alice, kinds={"privacy_notice"})
    assert list(alice.consents.values_list("version", flat=True)) == ["v2", "v1"]


# --- The phone number ------------------------------------------------------------------------


def test_the_request_keeps_an_optional_phone_number(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    client.post(url_in("en", "requests:new"), form_data(contact_phone="090-1234-5678"))
    assert HelpRequest.objects.get(resident=alice).contact_phone == "090-1234-5678"
    client.post(url_in("en", "requests:new"), form_data(contact_phone=""))
    assert HelpRequest.objects.filter(resident=alice, contact_phone="").count() == 1


def test_a_wrong_phone_number_is_refused_and_the_form_kept(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = client.post(url_in("en", "requests:new"), form_data(contact_phone="call me"))
    assert response.status_code == 200
    assert "contact_phone" in response.context["form"].errors
    assert "Enter a phone number with digits" in response.content.decode()
    assert "खोपको लागि साथ चाहियो" in response.content.decode()  # what was typed is still there
    assert not HelpRequest.objects.exists()


# --- The privacy notice ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en", "ne"])
def test_the_privacy_notice_renders_in_each_language(client, language) -> None:  # noqa: ANN001
    response = client.get(url_in(language, "privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert html.count("<h1") == 1
    if language != "en":
        assert english_words(html) == []


@override_settings(
    PRIVACY_OPERATOR_NAME="Example Support Network",
    PRIVACY_OPERATOR_ADDRESS="1-2-3 Shinjuku, Tokyo",
    PRIVACY_CONTACT_EMAIL="privacy@example.org",
    PRIVACY_NOTICE_VERSION="2027-04",
    RETENTION_DAYS=90,
)
def test_the_notice_names_the_operator_and_its_terms_from_settings(client) -> None:  # noqa: ANN001
    html = client.get(url_in("en", "privacy")).content.decode()
    for text in (
        "Example Support Network",
        "1-2-3 Shinjuku, Tokyo",
        'href="mailto:privacy@example.org"',
        "2027-04",
        "erased 90 days after the request is closed",
    ):
        assert text in html


def test_the_default_operator_is_the_organisation(client, settings) -> None:  # noqa: ANN001
    del settings.RETENTION_DAYS  # read with a default: the notice still says how long
    html = client.get(url_in("ja", "privacy")).content.decode()
    assert "アジア人文文化交流促進協会" in html
    assert "365日後" in html


def test_every_page_links_to_the_notice(client) -> None:  # noqa: ANN001
    html = client.get(url_in("ne", "home")).content.decode()
    assert f'href="{url_in("ne", "privacy")}"' in html
    assert reverse("privacy").endswith("/privacy/")


def test_the_notice_links_to_my_data(client) -> None:  # noqa: ANN001
    html = client.get(url_in("ne", "privacy")).content.decode()
    assert f'href="{url_in("ne", "accounts:my_data")}"' in html
