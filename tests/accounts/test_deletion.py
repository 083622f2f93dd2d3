"""Deleting an account: what each model loses at once, what stays, and who is told."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone, translation

from accounts.deletion import account_delete
from accounts.models import Consent, User
from accounts.services import consent_record
from donations.models import Donation
from matching.models import (
    Feedback,
    Match,
    MatchEvent,
    MatchStatus,
    OFPStatus,
    RankedCandidate,
)
from matching.services import (
    FeedbackData,
    match_approve,
    match_confirm_completion,
    ofp_consent,
    ofp_convert,
)
from notifications.models import Notification
from requests_app.models import (
    Attachment,
    HelpRequest,
    RequestStatus,
    StatusChange,
    private_storage,
)
from requests_app.retention import ERASED_TITLE
from tests.accounts.test_my_data import make_attachment
from tests.donations.factories import give, make_campaign
from tests.factories import PASSWORD, make_request
from tests.matching.helpers import approval
from tests.volunteers.factories import make_match
from volunteers.models import Volunteer, VolunteerStatus

pytestmark = pytest.mark.django_db


def _approved(alice, bob, carol) -> Match:  # noqa: ANN001
    match = make_match(alice, bob)
    match = match_approve(match=match, by=carol, **approval())
    match.resident_phone = "070-2222-3333"
    match.save()
    return match


def test_the_account_is_anonymised_and_cannot_sign_in(client, alice) -> None:  # noqa: ANN001
    consent_record(user=alice, kinds=["privacy_notice"], language="ne")
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP, data={"secret": "x"})
    account_delete(user=alice)
    alice.refresh_from_db()
    assert alice.email == f"deleted-{alice.pk}@deleted.invalid"
    assert (alice.display_name, alice.first_name, alice.last_name) == ("", "", "")
    assert not alice.is_active and not alice.has_usable_password()
    assert not EmailAddress.objects.filter(user=alice).exists()
    assert not Authenticator.objects.filter(user=alice).exists()
    assert not Consent.objects.filter(user=alice).exists()
    assert not client.login(email="alice@example.com", password=PASSWORD)
    assert not User.objects.filter(email="alice@example.com").exists()


def test_a_residents_requests_stay_anonymised_and_their_files_go(
    alice, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    open_request = make_request(alice, contact_phone="080-1111-2222")
    attachment = make_attachment(open_request)
    StatusChange.objects.filter(request=open_request).update(note="my son is ill")
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=alice)
    erased = HelpRequest.objects.get(pk=open_request.pk)
    assert erased.title == ERASED_TITLE and erased.description == ""
    assert erased.contact_phone == "" and erased.preferred_dates == []
    assert erased.status == RequestStatus.CANCELLED
    assert erased.category.code == "healthcare" and erased.prefecture  # statistics stay
    assert not StatusChange.objects.filter(request=erased).exclude(note="").exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not private_storage().exists(attachment.file.name)


def test_a_deleted_residents_open_match_is_cancelled_and_the_volunteer_told(
    alice, bob, carol
) -> None:  # noqa: ANN001
    match = _approved(alice, bob, carol)
    RankedCandidate.objects.create(
        request=match.request, volunteer=bob, position=1, score=1.0, ranked_at=match.created_at
    )
    account_delete(user=alice)
    match.refresh_from_db()
    assert match.status == MatchStatus.CANCELLED
    assert match.resident_phone == ""
    assert Notification.objects.filter(event="request_cancelled", recipient=bob.user).exists()
    assert not Notification.objects.filter(recipient=alice).exists()
    assert not RankedCandidate.objects.filter(request=match.request).exists()


def test_a_deleted_volunteers_open_match_is_withdrawn_and_the_request_reopened(
    alice, bob, carol
) -> None:  # noqa: ANN001
    match = _approved(alice, bob, carol)
    account_delete(user=bob.user)
    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN
    assert match.request.status == RequestStatus.MATCHING
    assert Notification.objects.filter(event="match_withdrawn", recipient=alice).exists()
    volunteer = Volunteer.objects.get(pk=bob.pk)
    assert volunteer.status == VolunteerStatus.REJECTED
    assert (volunteer.bio, volunteer.contact_phone, volunteer.contact_email) == ("", "", "")
    # The resident's own request keeps its words: only the volunteer left.
    assert match.request.title != ERASED_TITLE


def test_feedback_keeps_the_rating_and_loses_the_comment(alice, bob, carol) -> None:  # noqa: ANN001
    match = _approved(alice, bob, carol)
    for person in (alice, bob.user):
        data = FeedbackData(
            happened=True, helpful=5, comment="Bob is so kind", unsafe=False, wants_to_continue=True
        )
        match_confirm_completion(match=match, by=person, data=data)
    pair = ofp_convert(match=match, by=carol, start_date=timezone.localdate())
    ofp_consent(pair=pair, by=alice)
    account_delete(user=bob.user)
    feedback = Feedback.objects.get(match=match, author=bob.user)
    assert feedback.comment == "" and feedback.helpful == 5
    # Alice's own words are hers: deleting Bob's account does not touch them.
    assert Feedback.objects.get(match=match, author=alice).comment == "Bob is so kind"
    pair.refresh_from_db()
    assert pair.status == OFPStatus.ENDED_EARLY
    assert pair.end_reason  # shown to Alice on the pair's page
    assert not MatchEvent.objects.filter(by=bob.user).exclude(note="").exists()


def test_donation_records_stay_for_accounting(alice) -> None:  # noqa: ANN001
    donation = give(make_campaign(), 5000, donor_email="alice@example.com", donor_name="Alice")
    account_delete(user=alice)
    assert Donation.objects.get(pk=donation.pk).amount_yen == 5000


def test_the_confirm_page_needs_the_word(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    with translation.override("en"):
        page = client.get(reverse("accounts:delete"))
    assert page.status_code == 200
    assert "accounting law requires us to keep them" in page.content.decode()
    wrong = client.post(reverse("accounts:delete"), {"confirm": "yes"})
    assert wrong.status_code == 400
    assert User.objects.get(pk=alice.pk).is_active
    done = client.post(reverse("accounts:delete"), {"confirm": "DELETE"})
    assert done.status_code == 200
    assert not User.objects.get(pk=alice.pk).is_active
    assert client.get(reverse("accounts:my_data")).status_code == 302  # signed out


@pytest.mark.parametrize("language", ["ja", "ne"])
def test_the_word_in_the_page_language_works(client, alice, language) -> None:  # noqa: ANN001
    from accounts.deletion import CONFIRM_WORD

    with translation.override(language):
        word = str(CONFIRM_WORD)
    assert word != "DELETE"  # translated
    client.force_login(alice)
    response = client.post(f"/{language}/accounts/my-data/delete/", {"confirm": word})
    assert response.status_code == 200
    assert not User.objects.get(pk=alice.pk).is_active


def test_every_model_about_a_person_has_a_deletion_effect() -> None:
    from accounts.deletion import EFFECTS
    from tests.accounts.test_my_data import _paths_to_user

    assert _paths_to_user() - set(EFFECTS) == set()


def test_volunteer_notes_declines_and_checkin_comments_are_erased(alice, bob, carol) -> None:  # noqa: ANN001
    from matching.models import Decline, OFPCheckIn, OFPCheckInAnswer
    from volunteers.models import VolunteerStatusChange

    VolunteerStatusChange.objects.filter(volunteer=bob).update(note="speaks at church")
    Decline.objects.create(request=make_request(alice), volunteer=bob, reason="my mother is ill")
    match = _approved(alice, bob, carol)
    for person in (alice, bob.user):
        data = FeedbackData(happened=True, helpful=5, wants_to_continue=True)
        match_confirm_completion(match=match, by=person, data=data)
    pair = ofp_convert(match=match, by=carol, start_date=timezone.localdate())
    ofp_consent(pair=pair, by=alice)
    ofp_consent(pair=pair, by=bob.user)
    checkin = OFPCheckIn.objects.filter(pair=pair).first()
    OFPCheckInAnswer.objects.create(
        checkin=checkin, role="volunteer", author=bob.user, rating=4, comment="we cooked"
    )
    account_delete(user=bob.user)
    assert not VolunteerStatusChange.objects.filter(volunteer=bob).exclude(note="").exists()
    assert not Decline.objects.filter(volunteer=bob).exclude(reason="").exists()
    answer = OFPCheckInAnswer.objects.get(author=bob.user)
    assert answer.comment == "" and answer.rating == 4
    pair.refresh_from_db()
    assert pair.status == OFPStatus.ENDED_EARLY
