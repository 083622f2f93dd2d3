"""Volunteer services: registration, edits and the approval lifecycle (every legal and illegal move)."""

from __future__ import annotations

import pytest

from requests_app.models import Category, Topic
from tests.factories import make_user
from tests.volunteers.factories import make_volunteer, volunteer_data
from volunteers.models import VOLUNTEER_TRANSITIONS, Volunteer, VolunteerStatus
from volunteers.services import (
    VolunteerError,
    volunteer_approve,
    volunteer_pause,
    volunteer_register,
    volunteer_reject,
    volunteer_resume,
    volunteer_transition,
    volunteer_update,
)

pytestmark = pytest.mark.django_db

LEGAL = [(a, b) for a, targets in VOLUNTEER_TRANSITIONS.items() for b in targets]
ILLEGAL = [
    (a, b) for a in VolunteerStatus for b in VolunteerStatus if b not in VOLUNTEER_TRANSITIONS[a]
]


def test_registering_makes_an_application_with_an_audit_record(mallory) -> None:  # noqa: ANN001
    volunteer = volunteer_register(user=mallory, data=volunteer_data(display_name="Mal"))
    assert volunteer.status == VolunteerStatus.APPLIED
    assert [c.code for c in volunteer.categories.all()] == ["healthcare"]
    assert volunteer.capacity == 2
    assert mallory.display_name == "Mal"
    assert [c.to_status for c in volunteer.status_changes.all()] == ["applied"]


def test_it_refuses_a_second_application(bob) -> None:  # noqa: ANN001
    with pytest.raises(VolunteerError):
        volunteer_register(user=bob.user, data=volunteer_data())
    assert Volunteer.objects.count() == 1


def test_it_refuses_topics_outside_the_chosen_categories(mallory) -> None:  # noqa: ANN001
    with pytest.raises(VolunteerError):
        volunteer_register(
            user=mallory,
            data=volunteer_data(topics=[Topic.objects.get(code="pension")]),
        )
    assert not Volunteer.objects.exists()


def test_it_needs_a_way_to_be_contacted(mallory) -> None:  # noqa: ANN001
    with pytest.raises(VolunteerError):
        volunteer_register(user=mallory, data=volunteer_data(contact_phone="", contact_email=""))
    assert not Volunteer.objects.exists()


def test_the_volunteer_can_update_their_profile(bob) -> None:  # noqa: ANN001
    welfare = Category.objects.get(code="welfare")
    volunteer_update(
        volunteer=bob, by=bob.user, data=volunteer_data(categories=[welfare], topics=[], capacity=5)
    )
    bob.refresh_from_db()
    assert bob.capacity == 5
    assert [c.code for c in bob.categories.all()] == ["welfare"]
    assert bob.status == VolunteerStatus.APPROVED


def test_others_cannot_update_a_profile(bob, mallory) -> None:  # noqa: ANN001
    with pytest.raises(VolunteerError):
        volunteer_update(volunteer=bob, by=mallory, data=volunteer_data(capacity=9))


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_every_legal_move_is_recorded(carol, current, target) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=current)
    volunteer_transition(volunteer=volunteer, to=target, by=carol, note="checked")
    volunteer.refresh_from_db()
    assert volunteer.status == target
    last = volunteer.status_changes.last()
    assert (last.from_status, last.to_status, last.by, last.note) == (
        current,
        target,
        carol,
        "checked",
    )


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_illegal_move_is_refused(carol, current, target) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=current)
    with pytest.raises(VolunteerError):
        volunteer_transition(volunteer=volunteer, to=target, by=carol)
    volunteer.refresh_from_db()
    assert volunteer.status == current


def test_staff_approve_and_reject_with_a_reason(carol) -> None:  # noqa: ANN001
    first = make_volunteer(status=VolunteerStatus.APPLIED)
    second = make_volunteer(status=VolunteerStatus.APPLIED)
    volunteer_approve(volunteer=first, by=carol)
    volunteer_reject(volunteer=second, by=carol, reason="No reference given")
    assert first.status == VolunteerStatus.APPROVED
    assert second.status_changes.last().note == "No reference given"


def test_a_rejection_needs_a_reason(carol) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=VolunteerStatus.APPLIED)
    with pytest.raises(VolunteerError):
        volunteer_reject(volunteer=volunteer, by=carol, reason="  ")


def test_only_staff_approve(mallory) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=VolunteerStatus.APPLIED)
    with pytest.raises(VolunteerError):
        volunteer_approve(volunteer=volunteer, by=volunteer.user)
    with pytest.raises(VolunteerError):
        volunteer_approve(volunteer=volunteer, by=mallory)


def test_the_volunteer_pauses_and_resumes_themselves(bob, mallory) -> None:  # noqa: ANN001
    with pytest.raises(VolunteerError):
        volunteer_pause(volunteer=bob, by=mallory)
    volunteer_pause(volunteer=bob, by=bob.user)
    assert bob.status == VolunteerStatus.PAUSED
    volunteer_resume(volunteer=bob, by=bob.user)
    assert bob.status == VolunteerStatus.APPROVED


def test_a_rejected_volunteer_cannot_resume() -> None:
    volunteer = make_volunteer(status=VolunteerStatus.REJECTED)
    with pytest.raises(VolunteerError):
        volunteer_resume(volunteer=volunteer, by=volunteer.user)


def test_an_applicant_cannot_pause() -> None:
    volunteer = make_volunteer(user=make_user("new@example.com"), status=VolunteerStatus.APPLIED)
    with pytest.raises(VolunteerError):
        volunteer_pause(volunteer=volunteer, by=volunteer.user)
