"""Staff sign in with a second factor: set up on their first sign-in, asked for at every sign-in,
and no staff page (the admin or any other) opens before it. Residents are not asked."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.adapter import MFAAdapter
from accounts.mfa import DEMO_STAFF_EMAIL, mfa_required
from tests.accounts.helpers import enrol_totp, password_login, totp_code
from tests.factories import make_user, url_in

pytestmark = pytest.mark.django_db

# allauth's messages (their translations come with allauth's catalogues and ours).
INCORRECT = "Incorrect code."
TOO_MANY = "Too many failed login attempts. Try again later."

STAFF_PAGES = [
    ("admin:index", ()),
    ("admin:requests_app_helprequest_changelist", ()),
    ("notifications:list", ()),
    ("home", ()),
]


def _secret_on_page(html: str) -> str:
    match = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', html)
    if match is None:
        match = re.search(r'value="([A-Z2-7=]+)"[^>]*id="authenticator_secret"', html)
    assert match, "the activation page shows the secret"
    return match.group(1)


@pytest.mark.django_db(transaction=True)  # allauth stores the app on commit, as in production
def test_staff_without_an_app_set_one_up_before_any_staff_page(client, carol) -> None:  # noqa: ANN001
    response = password_login(client, carol.email, next_url=url_in("ja", "admin:index"))
    activate = url_in("ja", "mfa_activate_totp")
    assert response.redirect_chain[-1][0] == activate
    html = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code
    secret = _secret_on_page(html)

    for name, args in STAFF_PAGES:
        response = client.get(url_in("ja", name, *args))
        assert (response.status_code, response["Location"]) == (302, activate), name
    assert client.post(url_in("ja", "admin:index")).status_code == 302

    response = client.post(activate, {"code": "000000" if totp_code(secret) != "000000" else "1"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=carol).exists()
    assert client.get(url_in("ja", "admin:index"))["Location"] == activate

    response = client.post(activate, {"code": totp_code(secret)})
    assert response["Location"] == url_in("ja", "mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=carol, type=Authenticator.Type.TOTP).exists()
    response = client.get(response["Location"])
    codes = re.findall(r"<code>(\d{8})</code>", response.content.decode())
    assert len(codes) == 10
    # "I have saved my recovery codes" leads back to the page that asked for the second factor.
    assert f'href="{url_in("ja", "admin:index")}" role="button"' in response.content.decode()
    assert client.get(url_in("ja", "admin:index")).status_code == 200
    assert client.get(url_in("ja", "admin:requests_app_helprequest_changelist")).status_code == 200


def test_staff_with_an_app_enter_a_valid_code_before_the_admin(client, carol) -> None:  # noqa: ANN001
    secret = enrol_totp(carol)
    admin = url_in("ja", "admin:index")
    response = password_login(client, carol.email, next_url=admin)
    code_page = url_in("ja", "mfa_authenticate")
    assert response.redirect_chain[-1][0] == code_page
    # The password alone signs nobody in.
    assert "_auth_user_id" not in client.session
    assert client.get(admin)["Location"].startswith(url_in("ja", "admin:login"))

    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    response = client.post(code_page, {"code": wrong})
    assert response.status_code == 200
    with translation.override("ja"):
        assert gettext(INCORRECT) in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(code_page, {"code": totp_code(secret)})
    assert response["Location"] == admin
    assert client.get(admin).status_code == 200


def test_a_recovery_code_works_once_instead_of_the_app(client, carol) -> None:  # noqa: ANN001
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    enrol_totp(carol)
    code = RecoveryCodes.activate(carol).get_unused_codes()[0]
    admin = url_in("ja", "admin:index")
    password_login(client, carol.email, next_url=admin)
    response = client.post(url_in("ja", "mfa_authenticate"), {"code": code})
    assert response["Location"] == admin
    assert client.get(admin).status_code == 200

    other = Client()
    password_login(other, carol.email, next_url=admin)
    response = other.post(url_in("ja", "mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert other.get(admin).status_code == 302


def test_guessing_codes_is_rate_limited(client, carol) -> None:  # noqa: ANN001
    secret = enrol_totp(carol)
    password_login(client, carol.email)
    code_page = url_in("ja", "mfa_authenticate")
    right = totp_code(secret)
    wrong = [
        f"{n:06d}"
        for n in range(1000)
        if f"{n:06d}" not in {right, totp_code(secret, offset=-1), totp_code(secret, offset=1)}
    ]
    for code in wrong[:5]:
        client.post(code_page, {"code": code})
    response = client.post(code_page, {"code": right})
    assert "_auth_user_id" not in client.session
    with translation.override("ja"):
        assert gettext(TOO_MANY) in response.content.decode()


def test_a_staff_session_that_never_saw_a_code_is_asked_for_one(client, carol) -> None:  # noqa: ANN001
    """A session signed in some other way (Django's own login here) still meets the code."""
    secret = enrol_totp(carol)
    assert client.login(username=carol.email, password="correct horse battery staple")
    admin_page = url_in("ja", "admin:requests_app_helprequest_changelist")
    response = client.get(admin_page)
    assert response["Location"] == url_in("ja", "mfa_reauthenticate") + "?" + urlencode(
        {"next": admin_page}
    )
    response = client.post(response["Location"], {"code": totp_code(secret), "next": admin_page})
    assert response["Location"] == admin_page
    assert client.get(admin_page).status_code == 200


def test_residents_are_not_asked_for_a_second_factor(client, alice) -> None:  # noqa: ANN001
    mine = url_in("ja", "requests:mine")
    response = password_login(client, alice.email, next_url=mine)
    assert response.redirect_chain[-1][0] == mine
    assert response.status_code == 200
    assert client.get(url_in("ja", "notifications:list")).status_code == 200


def test_staff_cannot_switch_their_app_off_but_residents_can(carol, alice) -> None:  # noqa: ANN001
    enrol_totp(carol)
    enrol_totp(alice)
    adapter = MFAAdapter()
    totp = Authenticator.Type.TOTP
    assert (
        adapter.can_delete_authenticator(Authenticator.objects.get(user=carol, type=totp)) is False
    )
    assert (
        adapter.can_delete_authenticator(Authenticator.objects.get(user=alice, type=totp)) is True
    )


def test_only_a_debug_site_lets_the_demo_staff_skip_the_second_factor(settings) -> None:  # noqa: ANN001
    demo = make_user(DEMO_STAFF_EMAIL, is_staff=True, is_superuser=True)
    other_staff = make_user("staff2@example.com", is_staff=True)
    settings.DEBUG = True
    assert mfa_required(demo) is False
    assert mfa_required(other_staff) is True
    settings.DEBUG = False
    assert mfa_required(demo) is True
    # MFA_REQUIRED_FOR_STAFF=0 is only honoured with DEBUG=1.
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert mfa_required(other_staff) is True
    settings.DEBUG = True
    assert mfa_required(other_staff) is False


def test_the_demo_staff_reach_the_admin_with_a_password_on_a_debug_site(client, settings) -> None:  # noqa: ANN001
    make_user(DEMO_STAFF_EMAIL, is_staff=True, is_superuser=True)
    settings.DEBUG = True
    admin = url_in("ja", "admin:index")
    response = password_login(client, DEMO_STAFF_EMAIL, next_url=admin)
    assert response.redirect_chain[-1][0] == admin
    assert response.status_code == 200


def test_staff_reset_a_lost_phone_from_the_user_list(client, carol) -> None:  # noqa: ANN001
    dan = make_user("dan@example.com", is_staff=True)
    enrol_totp(dan)
    client.force_login(carol)
    response = client.post(
        url_in("ja", "admin:accounts_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [dan.pk]},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=dan).exists()
    # Dan sets a new app up at his next sign-in.
    other = Client()
    response = password_login(other, dan.email, next_url=url_in("ja", "admin:index"))
    assert response.redirect_chain[-1][0] == url_in("ja", "mfa_activate_totp")
    # The secrets themselves are not browsable in the admin.
    assert client.get("/ja/admin/mfa/authenticator/").status_code == 404


def test_an_htmx_request_of_a_staff_session_without_the_code_is_sent_away_whole(
    client, carol
) -> None:  # noqa: ANN001
    assert client.login(username=carol.email, password="correct horse battery staple")
    response = client.get(url_in("ja", "notifications:list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == url_in("ja", "mfa_activate_totp")
    assert carol.email not in response.content.decode()
