"""Match pages: names and contacts only after approval, ownership, feedback, withdraw, my matches."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import Feedback, Match, MatchStatus
from matching.services import match_approve
from requests_app.models import RequestStatus
from tests.matching.helpers import approval
from tests.volunteers.factories import LAYOUT_QUERIES, make_match, make_volunteer

pytestmark = pytest.mark.django_db

FEEDBACK = {
    "happened": "yes",
    "helpful": "5",
    "comment": "Very kind",
    "wants_to_continue": "on",
}


def _contact_details(html: str) -> dict[str, bool]:
    return {
        "volunteer name": "Bob" in html,
        "volunteer phone": "090-1234-5678" in html,
        "volunteer email": "bob.contact@example.com" in html,
        "resident name": "Alice" in html,
        "resident email": "alice@example.com" in html,
    }


def test_before_approval_the_volunteer_sees_no_resident_data(client, alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(bob.user)
    response = client.get(match.get_absolute_url())
    assert response.status_code == 200
    details = _contact_details(response.content.decode())
    assert not details["resident name"] and not details["resident email"]


def test_before_approval_the_resident_sees_no_match(client, alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(alice)
    assert client.get(match.get_absolute_url()).status_code == 404
    page = client.get(reverse("requests:detail", args=[match.request.pk])).content.decode()
    assert "Bob" not in page
    assert match.get_absolute_url() not in page


def test_after_approval_both_see_each_other(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    match_approve(match=match, by=carol, **approval())
    client.force_login(bob.user)
    seen_by_volunteer = _contact_details(client.get(match.get_absolute_url()).content.decode())
    assert seen_by_volunteer["resident name"]
    # The resident's account email is never shown: they give a phone if they want one shown.
    assert not seen_by_volunteer["resident email"]
    client.force_login(alice)
    seen_by_resident = _contact_details(client.get(match.get_absolute_url()).content.decode())
    assert seen_by_resident["volunteer name"]
    assert seen_by_resident["volunteer phone"] and seen_by_resident["volunteer email"]
    request_page = client.get(reverse("requests:detail", args=[match.request.pk])).content.decode()
    assert "Bob" in request_page
    assert match.get_absolute_url() in request_page


def test_the_resident_adds_a_phone_the_volunteer_then_sees(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    match_approve(match=match, by=carol, **approval())
    client.force_login(alice)
    bad = client.post(reverse("matching:phone", args=[match.pk]), {"phone": "call me maybe"})
    assert bad.status_code == 400
    match.refresh_from_db()
    assert match.resident_phone == ""
    client.post(reverse("matching:phone", args=[match.pk]), {"phone": "070-2222-3333"})
    client.force_login(bob.user)
    assert "070-2222-3333" in client.get(match.get_absolute_url()).content.decode()


def test_the_volunteer_cannot_set_the_resident_phone(client, alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    client.force_login(bob.user)
    response = client.post(reverse("matching:phone", args=[match.pk]), {"phone": "070-2222-3333"})
    assert response.status_code == 404


def test_after_withdrawal_contacts_are_hidden_again(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    match_approve(match=match, by=carol, **approval())
    client.force_login(bob.user)
    assert client.get(reverse("matching:withdraw", args=[match.pk])).status_code == 200
    response = client.post(reverse("matching:withdraw", args=[match.pk]), {"reason": "Ill"})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN
    assert match.request.status == RequestStatus.MATCHING
    html = client.get(match.get_absolute_url()).content.decode()
    assert "alice@example.com" not in html
    client.force_login(alice)
    assert client.get(match.get_absolute_url()).status_code == 404


def test_the_volunteer_accepts_a_proposal(client, alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.PROPOSED)
    client.force_login(bob.user)
    page = client.get(match.get_absolute_url()).content.decode()
    assert reverse("matching:accept_proposal", args=[match.pk]) in page
    client.post(reverse("matching:accept_proposal", args=[match.pk]))
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED


def test_both_give_feedback_and_the_match_completes(client, alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    client.force_login(alice)
    assert client.get(reverse("matching:feedback", args=[match.pk])).status_code == 200
    client.post(reverse("matching:feedback", args=[match.pk]), FEEDBACK)
    client.force_login(bob.user)
    client.post(reverse("matching:feedback", args=[match.pk]), FEEDBACK)
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED
    assert match.request.status == RequestStatus.COMPLETED
    assert Feedback.objects.filter(match=match, wants_to_continue=True).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"happened": "maybe"},
        {"happened": "yes"},  # how helpful is required when it happened
        {"happened": "yes", "helpful": "9"},
        {"happened": "no", "comment": "x" * 2001},
    ],
)
def test_bad_feedback_saves_nothing(client, alice, bob, data) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    client.force_login(alice)
    response = client.post(reverse("matching:feedback", args=[match.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Feedback.objects.exists()


def test_feedback_is_only_for_approved_matches(client, alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(bob.user)
    response = client.post(reverse("matching:feedback", args=[match.pk]), FEEDBACK)
    assert response.status_code == 302
    assert not Feedback.objects.exists()


def test_my_matches_lists_only_mine(client, alice, bob) -> None:  # noqa: ANN001
    mine = make_match(alice, bob, title="Bob's own task")
    make_match(alice, make_volunteer(email="dan@example.com"), title="Dan's task")
    client.force_login(bob.user)
    response = client.get(reverse("matching:mine"))
    assert list(response.context["matches"]) == [mine]
    assert "Dan's task" not in response.content.decode()


def test_my_matches_uses_a_constant_number_of_queries(
    client, alice, bob, django_assert_num_queries
) -> None:  # noqa: ANN001
    bob.capacity = 10
    bob.save()
    make_match(alice, bob, status=MatchStatus.APPROVED)
    client.force_login(bob.user)
    # session, user, matches (with request, category, resident, volunteer), topics
    with django_assert_num_queries(4 + LAYOUT_QUERIES):
        client.get(reverse("matching:mine"))
    for n in range(6):
        make_match(alice, bob, title=f"Another task {n}", status=MatchStatus.COMPLETED)
    with django_assert_num_queries(4 + LAYOUT_QUERIES):
        response = client.get(reverse("matching:mine"))
    assert len(response.context["matches"]) == 7


def test_anonymous_people_are_sent_to_login(client, alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    for name in ("detail", "withdraw", "feedback"):
        response = client.get(reverse(f"matching:{name}", args=[match.pk]))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert reverse("account_login") in client.get(reverse("matching:mine"))["Location"]


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("detail", "get"),
        ("withdraw", "get"),
        ("withdraw", "post"),
        ("feedback", "get"),
        ("feedback", "post"),
        ("phone", "post"),
        ("accept_proposal", "post"),
        ("ofp_request", "post"),
    ],
)
def test_it_checks_ownership(client, alice, bob, mallory, name, method) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    client.force_login(mallory)
    response = getattr(client, method)(reverse(f"matching:{name}", args=[match.pk]), FEEDBACK)
    assert response.status_code == 404
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert not Feedback.objects.exists()


def test_the_resident_cannot_withdraw_for_the_volunteer(client, alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    client.force_login(alice)
    assert client.post(reverse("matching:withdraw", args=[match.pk])).status_code == 404
    assert Match.objects.get().status == MatchStatus.APPROVED


@pytest.mark.parametrize("language", ["ja", "en", "ne"])
def test_the_match_page_renders_in_each_language(client, alice, bob, language) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    client.force_login(alice)
    response = client.get(f"/{language}/matches/{match.pk}/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
