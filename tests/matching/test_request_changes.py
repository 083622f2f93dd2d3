"""The resident changes a request after a volunteer said yes: the match goes back to the
volunteer (or is withdrawn with a reason when they no longer fit), and staff cannot approve a
match the volunteer no longer fits."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from matching.models import Match, MatchStatus
from matching.services import (
    MatchError,
    match_accept,
    match_approve,
    match_propose,
    match_reconfirm,
)
from notifications.models import Notification
from requests_app.models import Category, RequestStatus, Topic
from requests_app.services import RequestError, request_update
from tests.factories import make_user, request_data
from tests.matching.helpers import approval
from tests.volunteers.factories import make_open_request, make_volunteer, volunteer_data
from volunteers.services import volunteer_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> None:
    translation.activate("en")


def accepted(alice, volunteer) -> Match:  # noqa: ANN001
    """Alice's usual request (healthcare, ne/en, in person in Tokyo, weekday daytime), taken."""
    return match_accept(help_request=make_open_request(alice), volunteer=volunteer)


def edit(match: Match, by, **overrides: Any) -> None:  # noqa: ANN001
    request_update(help_request=match.request, by=by, data=request_data(**overrides))


def _other_category() -> dict[str, Any]:
    return {
        "category": Category.objects.get(code="childcare_education"),
        "topics": [Topic.objects.get(code="daycare_application")],
    }


NEXT_MONTH = datetime.date.today() + datetime.timedelta(days=30)  # noqa: DTZ011

# Each material field, changed so that Bob (healthcare, ja/ne/en, Tokyo, every mode, weekday
# daytime and weekends) still fits: the match goes back to him.
STILL_FITS = {
    "languages": lambda: {"languages": ["ja"]},
    "mode": lambda: {"mode": "phone"},
    "availability": lambda: {"availability": ["weekend"]},
    "topics": lambda: {"topics": [Topic.objects.get(code="finding_clinic")]},
    "municipality": lambda: {"municipality": "Shibuya"},
    "preferred_dates": lambda: {"preferred_dates": [NEXT_MONTH]},
    "title": lambda: {"title": "Help with the vaccination form"},
    "description": lambda: {"description": "मलाई खोपको फारम भर्न र क्लिनिक जान सहयोग चाहियो।"},
    "prefecture": lambda: {"prefecture": "Osaka", "mode": "online"},
}

# Each hard filter failed by an edit: the match is withdrawn and Bob is told why.
NO_LONGER_FITS = {
    "category": (_other_category, "not in the kinds of help you offer"),
    "languages": (lambda: {"languages": ["ko"]}, "do not share a language"),
    "prefecture": (lambda: {"prefecture": "Osaka"}, "in another prefecture"),
    "availability": (
        lambda: {"availability": ["weekday_evening"]},
        "times when you are not available",
    ),
}


@pytest.mark.parametrize("field", sorted(STILL_FITS))
def test_a_material_edit_goes_back_to_the_volunteer(alice, bob, carol, field: str) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    edit(match, alice, **STILL_FITS[field]())

    match.refresh_from_db()
    assert match.status == MatchStatus.RECONFIRM
    assert field in match.events.last().note
    assert match.request.status == RequestStatus.MATCHING
    notice = Notification.objects.get(event="match_reconfirm", recipient=bob.user)
    assert notice.link.endswith(reverse("matching:detail", args=[match.pk]))
    with pytest.raises(MatchError, match="has not confirmed the new details"):
        match_approve(match=match, by=carol, **approval())
    match.refresh_from_db()
    assert match.status == MatchStatus.RECONFIRM


@pytest.mark.parametrize("field", sorted(NO_LONGER_FITS))
def test_an_edit_the_volunteer_no_longer_fits_withdraws_the_match(alice, bob, field: str) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    overrides, reason = NO_LONGER_FITS[field]
    edit(match, alice, **overrides())

    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN
    assert match.events.last().by == alice
    assert match.request.status == RequestStatus.MATCHING  # back on the board for others
    notice = Notification.objects.get(event="match_no_longer_fits", recipient=bob.user)
    assert reason in notice.body_text
    assert notice.language == "en"


def test_a_mode_change_the_volunteer_cannot_do_withdraws_the_match(alice) -> None:  # noqa: ANN001
    walker = make_volunteer(
        make_user("walker@example.com", preferred_language="en"), modes=["in_person"]
    )
    match = accepted(alice, walker)
    edit(match, alice, mode="online")
    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN
    notice = Notification.objects.get(event="match_no_longer_fits", recipient=walker.user)
    assert "a way of helping that you did not choose" in notice.body_text


def test_saving_the_form_unchanged_changes_nothing(alice, bob) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    edit(match, alice)
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    assert not Notification.objects.filter(recipient=bob.user).exclude(event="new_task").exists()


def test_the_volunteer_is_told_in_their_language(alice) -> None:  # noqa: ANN001
    for language in ("ja", "en", "ne"):
        volunteer = make_volunteer(
            make_user(f"v-{language}@example.com", preferred_language=language)
        )
        match = accepted(alice, volunteer)
        edit(match, alice, municipality=f"Shibuya {language}")
        notice = Notification.objects.get(event="match_reconfirm", recipient=volunteer.user)
        with translation.override(language):
            subject = gettext("Please check the changed request: %(title)s") % {
                "title": match.request.title
            }
            what_changed = gettext("What changed:")
        assert notice.language == language
        assert notice.subject == subject
        assert what_changed in notice.body_text


def test_a_further_edit_before_the_answer_tells_the_volunteer_again(alice, bob) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    edit(match, alice, municipality="Shibuya")
    edit(match, alice, municipality="Nakano")
    match.refresh_from_db()
    assert match.status == MatchStatus.RECONFIRM
    assert Notification.objects.filter(event="match_reconfirm", recipient=bob.user).count() == 2


def test_a_proposal_not_yet_answered_stays_when_the_volunteer_still_fits(alice, bob, carol) -> None:  # noqa: ANN001
    match = match_propose(help_request=make_open_request(alice), volunteer=bob, by=carol)
    edit(match, alice, municipality="Shibuya")
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED
    edit(match, alice, languages=["ko"])
    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN


# --- the re-confirmation -------------------------------------------------------------------------


def test_the_volunteer_confirms_and_staff_can_approve_again(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    edit(match, alice, availability=["weekend"])
    client.force_login(bob.user)
    page = client.get(reverse("matching:detail", args=[match.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert reverse("matching:reconfirm", args=[match.pk]) in html
    assert reverse("matching:withdraw", args=[match.pk]) in html
    assert "Weekends" in html  # the new details are on the page

    response = client.post(reverse("matching:reconfirm", args=[match.pk]))
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    assert Notification.objects.filter(
        event="volunteer_accepted", recipient=carol, key__contains=":reconfirmed:"
    ).exists()
    match_approve(match=match, by=carol, **approval())
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED


def test_the_volunteer_declines_the_changed_request(client, alice, bob) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    edit(match, alice, availability=["weekend"])
    client.force_login(bob.user)
    response = client.post(reverse("matching:withdraw", args=[match.pk]), {"reason": "No time"})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN
    assert match.request.status == RequestStatus.MATCHING


def test_only_the_volunteer_confirms(client, alice, bob, mallory) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    edit(match, alice, availability=["weekend"])
    for person in (alice, mallory):
        client.force_login(person)
        assert client.post(reverse("matching:reconfirm", args=[match.pk])).status_code == 404
    with pytest.raises(MatchError):
        match_reconfirm(match=match, by=alice)
    match.refresh_from_db()
    assert match.status == MatchStatus.RECONFIRM


def test_confirming_a_match_not_waiting_for_it_is_refused(alice, bob) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    with pytest.raises(MatchError, match="not waiting for your confirmation"):
        match_reconfirm(match=match, by=bob.user)


def test_confirmation_rechecks_the_filters(alice, bob) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    edit(match, alice, availability=["weekend"])
    volunteer_update(
        volunteer=bob, by=bob.user, data=volunteer_data(availability=["weekday_daytime"])
    )
    with pytest.raises(MatchError, match="not available"):
        match_reconfirm(match=match, by=bob.user)


# --- approval re-checks the hard filters ---------------------------------------------------------


def test_approval_is_refused_when_the_volunteer_no_longer_fits(alice, bob, carol) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    volunteer_update(volunteer=bob, by=bob.user, data=volunteer_data(languages=["ja"]))
    with pytest.raises(MatchError, match="shares no language"):
        match_approve(match=match, by=carol, **approval())
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    assert match.request.status == RequestStatus.MATCHING
    assert not Notification.objects.filter(event="match_approved").exists()


def test_approval_rechecks_a_request_changed_outside_the_form(alice, bob, carol) -> None:  # noqa: ANN001
    """Whatever path changed the request (a staff edit in the admin), approval checks again."""
    from requests_app.models import HelpRequest

    match = accepted(alice, bob)
    HelpRequest.objects.filter(pk=match.request_id).update(availability=["weekday_evening"])
    with pytest.raises(MatchError, match="availability"):
        match_approve(match=match, by=carol, **approval())


def test_approval_is_refused_in_the_admin_with_the_failed_filter(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    volunteer_update(volunteer=bob, by=bob.user, data=volunteer_data(prefecture="Osaka"))
    client.force_login(carol)
    when = approval()["agreed_time"]
    with translation.override("ja"):
        url = reverse("admin:matching_match_approve", args=[match.pk])
    response = client.post(
        url, {"agreed_time": when.strftime("%Y-%m-%dT%H:%M"), "agreed_minutes": "60"}
    )
    assert response.status_code == 200
    with translation.override("ja"):
        message = gettext(
            "Cannot approve: the request is in person in a prefecture the volunteer does not cover."
        )
    assert message in response.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED


def test_capacity_counts_other_tasks_not_the_match_being_approved(alice, carol) -> None:  # noqa: ANN001
    volunteer = make_volunteer(email="one@example.com", capacity=1)
    match = accepted(alice, volunteer)
    match_approve(match=match, by=carol, **approval())
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED


def test_an_approved_request_can_no_longer_be_edited(alice, bob, carol) -> None:  # noqa: ANN001
    match = accepted(alice, bob)
    match_approve(match=match, by=carol, **approval())
    with pytest.raises(RequestError):
        edit(match, alice, availability=["weekend"])
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert match.agreed_time > timezone.now()
