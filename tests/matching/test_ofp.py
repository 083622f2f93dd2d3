"""Six-month OFP pairs: conversion only when both wish it, active only with both consents."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse

from matching.models import MatchStatus, OFPCheckIn, OFPPair, OFPStatus
from matching.services import (
    FeedbackData,
    OFPError,
    add_months,
    match_confirm_completion,
    ofp_checkin_answer,
    ofp_consent,
    ofp_convert,
    ofp_end_early,
    ofp_request,
)
from tests.volunteers.factories import make_match

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 1, 31)


def completed_match(alice, bob, *, resident_wish=True, volunteer_wish=True):  # noqa: ANN001, ANN201
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    for person, wish in ((alice, resident_wish), (bob.user, volunteer_wish)):
        match_confirm_completion(
            match=match,
            by=person,
            data=FeedbackData(happened=True, helpful=5, wants_to_continue=wish),
        )
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED
    return match


def test_six_months_later_clamps_to_the_month_end() -> None:
    assert add_months(START, 6) == datetime.date(2027, 7, 31)
    assert add_months(START, 1) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 9, 15), 6) == datetime.date(2028, 3, 15)


@pytest.mark.parametrize(("resident_wish", "volunteer_wish"), [(True, False), (False, True)])
def test_conversion_needs_both_wishes(alice, bob, carol, resident_wish, volunteer_wish) -> None:  # noqa: ANN001
    match = completed_match(alice, bob, resident_wish=resident_wish, volunteer_wish=volunteer_wish)
    with pytest.raises(OFPError):
        ofp_convert(match=match, by=carol, start_date=START)
    with pytest.raises(OFPError):
        ofp_request(match=match, by=alice)
    assert not OFPPair.objects.exists()


def test_conversion_needs_a_completed_match(alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    with pytest.raises(OFPError):
        ofp_convert(match=match, by=carol, start_date=START)


def test_staff_convert_and_the_pair_starts_only_with_both_consents(alice, bob, carol) -> None:  # noqa: ANN001
    match = completed_match(alice, bob)
    pair = ofp_convert(match=match, by=carol, start_date=START)
    assert pair.status == OFPStatus.AWAITING_CONSENT
    assert pair.end_date == datetime.date(2027, 7, 31)
    ofp_consent(pair=pair, by=alice)
    pair.refresh_from_db()
    assert pair.status == OFPStatus.AWAITING_CONSENT
    assert not pair.checkins.exists()
    ofp_consent(pair=pair, by=bob.user)
    pair.refresh_from_db()
    assert pair.status == OFPStatus.ACTIVE
    assert pair.resident_consent_at and pair.volunteer_consent_at
    checkins = list(pair.checkins.all())
    assert [c.number for c in checkins] == [1, 2, 3, 4, 5, 6]
    assert checkins[0].due_date == datetime.date(2027, 2, 28)
    assert checkins[-1].is_closing and checkins[-1].due_date == pair.end_date


def test_the_database_refuses_an_active_pair_without_both_consents(alice, bob, carol) -> None:  # noqa: ANN001
    pair = ofp_convert(match=completed_match(alice, bob), by=carol, start_date=START)
    with pytest.raises(IntegrityError):
        OFPPair.objects.filter(pk=pair.pk).update(status=OFPStatus.ACTIVE)


def test_outsiders_cannot_consent(alice, bob, carol, mallory) -> None:  # noqa: ANN001
    pair = ofp_convert(match=completed_match(alice, bob), by=carol, start_date=START)
    with pytest.raises(OFPError):
        ofp_consent(pair=pair, by=mallory)
    with pytest.raises(OFPError):
        ofp_consent(pair=pair, by=carol)


def test_only_staff_convert(alice, bob) -> None:  # noqa: ANN001
    match = completed_match(alice, bob)
    with pytest.raises(OFPError):
        ofp_convert(match=match, by=alice, start_date=START)


def test_the_resident_asks_then_staff_approve(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = completed_match(alice, bob)
    client.force_login(alice)
    page = client.get(match.get_absolute_url()).content.decode()
    assert reverse("matching:ofp_request", args=[match.pk]) in page
    client.post(reverse("matching:ofp_request", args=[match.pk]))
    pair = OFPPair.objects.get()
    assert pair.status == OFPStatus.REQUESTED
    with pytest.raises(OFPError):
        ofp_request(match=match, by=alice)
    client.force_login(carol)
    client.post(
        reverse("admin:matching_ofppair_changelist"),
        {
            "action": "approve_request",
            "_selected_action": [pair.pk],
            "apply": "1",
            "start_date": "2027-01-31",
            "rhythm": "",
        },
    )
    pair.refresh_from_db()
    assert pair.status == OFPStatus.AWAITING_CONSENT
    assert pair.start_date == START


def test_the_volunteer_cannot_ask_for_the_pair(alice, bob) -> None:  # noqa: ANN001
    with pytest.raises(OFPError):
        ofp_request(match=completed_match(alice, bob), by=bob.user)


def test_staff_convert_from_the_match_changelist(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = completed_match(alice, bob)
    client.force_login(carol)
    url = reverse("admin:matching_match_changelist")
    page = client.post(url, {"action": "convert_to_ofp", "_selected_action": [match.pk]})
    assert 'name="start_date"' in page.content.decode()
    client.post(
        url,
        {
            "action": "convert_to_ofp",
            "_selected_action": [match.pk],
            "apply": "1",
            "start_date": "2027-01-31",
            "rhythm": "Saturday mornings",
        },
    )
    pair = OFPPair.objects.get()
    assert (pair.status, pair.rhythm) == (OFPStatus.AWAITING_CONSENT, "Saturday mornings")


@pytest.fixture
def active_pair(alice, bob, carol):  # noqa: ANN001, ANN201
    pair = ofp_convert(match=completed_match(alice, bob), by=carol, start_date=START)
    ofp_consent(pair=pair, by=alice)
    ofp_consent(pair=pair, by=bob.user)
    pair.refresh_from_db()
    return pair


def test_both_answer_the_closing_survey_and_the_pair_completes(active_pair, alice, bob) -> None:  # noqa: ANN001
    closing = active_pair.checkins.get(is_closing=True)
    ofp_checkin_answer(checkin=closing, by=alice, rating=5, comment="Wonderful")
    active_pair.refresh_from_db()
    assert active_pair.status == OFPStatus.ACTIVE
    ofp_checkin_answer(checkin=closing, by=bob.user, rating=4)
    active_pair.refresh_from_db()
    assert active_pair.status == OFPStatus.COMPLETED


def test_each_side_answers_a_checkin_once(active_pair, alice) -> None:  # noqa: ANN001
    first = active_pair.checkins.get(number=1)
    ofp_checkin_answer(checkin=first, by=alice, rating=3)
    with pytest.raises(OFPError):
        ofp_checkin_answer(checkin=first, by=alice, rating=4)


def test_ending_early_needs_a_reason(active_pair, alice) -> None:  # noqa: ANN001
    with pytest.raises(OFPError):
        ofp_end_early(pair=active_pair, by=alice, reason=" ")
    ofp_end_early(pair=active_pair, by=alice, reason="Moving to Osaka")
    active_pair.refresh_from_db()
    assert active_pair.status == OFPStatus.ENDED_EARLY
    assert active_pair.end_reason == "Moving to Osaka"


def test_the_pair_page_for_both_sides(client, active_pair, alice, bob) -> None:  # noqa: ANN001
    for person, other in ((alice, "Bob"), (bob.user, "Alice")):
        client.force_login(person)
        response = client.get(active_pair.get_absolute_url())
        assert response.status_code == 200
        assert other in response.content.decode()


def test_consent_and_checkin_through_the_pages(client, alice, bob, carol) -> None:  # noqa: ANN001
    pair = ofp_convert(match=completed_match(alice, bob), by=carol, start_date=START)
    for person in (alice, bob.user):
        client.force_login(person)
        client.post(reverse("matching:ofp_consent", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.status == OFPStatus.ACTIVE
    checkin = pair.checkins.get(number=1)
    url = reverse("matching:ofp_checkin", args=[pair.pk, checkin.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"rating": "7"})
    assert bad.status_code == 400
    assert not checkin.answers.exists()
    client.post(url, {"rating": "4", "comment": "Good"})
    assert checkin.answers.get().rating == 4


def test_ending_early_through_the_page(client, active_pair, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    url = reverse("matching:ofp_end", args=[active_pair.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    active_pair.refresh_from_db()
    assert active_pair.status == OFPStatus.ACTIVE
    client.post(url, {"reason": "We both got busy"})
    active_pair.refresh_from_db()
    assert active_pair.status == OFPStatus.ENDED_EARLY


@pytest.mark.parametrize(
    ("name", "method"),
    [("ofp", "get"), ("ofp_consent", "post"), ("ofp_end", "get"), ("ofp_end", "post")],
)
def test_it_checks_ownership(client, active_pair, mallory, name, method) -> None:  # noqa: ANN001
    client.force_login(mallory)
    response = getattr(client, method)(
        reverse(f"matching:{name}", args=[active_pair.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    checkin = active_pair.checkins.first()
    url = reverse("matching:ofp_checkin", args=[active_pair.pk, checkin.pk])
    assert client.post(url, {"rating": "5"}).status_code == 404
    active_pair.refresh_from_db()
    assert active_pair.status == OFPStatus.ACTIVE


def test_a_checkin_of_another_pair_is_not_found(client, active_pair, alice, bob, carol) -> None:  # noqa: ANN001
    other_pair = ofp_convert(match=completed_match(alice, bob), by=carol, start_date=START)
    foreign = OFPCheckIn.objects.filter(pair=active_pair).first()
    client.force_login(alice)
    url = reverse("matching:ofp_checkin", args=[other_pair.pk, foreign.pk])
    assert client.get(url).status_code == 404


def test_anonymous_people_are_sent_to_login(client, active_pair) -> None:  # noqa: ANN001
    response = client.get(active_pair.get_absolute_url())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_pair_admin_renders(client, active_pair, carol) -> None:  # noqa: ANN001
    client.force_login(carol)
    url = reverse("admin:matching_ofppair_change", args=[active_pair.pk])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("action", ["approve_request", "end_early", "decline_request"])
def test_the_pair_actions_ask_first_and_name_the_match(client, alice, bob, carol, action) -> None:  # noqa: ANN001
    match = completed_match(alice, bob)
    ofp_request(match=match, by=alice)
    pair = OFPPair.objects.get()
    client.force_login(carol)
    response = client.post(
        reverse("admin:matching_ofppair_changelist"),
        {"action": action, "_selected_action": [pair.pk]},
    )
    assert response.status_code == 200  # the confirmation form, nothing done yet
    assert f"OFP #{pair.pk}: #{match.pk} {match.request.title} — {bob.display_name}" in (
        response.content.decode()
    )
    pair.refresh_from_db()
    assert pair.status == OFPStatus.REQUESTED
