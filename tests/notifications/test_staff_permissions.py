"""Staff notifications go only to staff who may act on the object: by permission, not by the flag.

The story: Carol is a superuser, Gina got the approve permission through the "Coordinators"
group, Paul has his own view permission on feedback, and Sam is staff with no permission at
all — he must learn no volunteer's name and no request's title.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import User
from matching.models import MatchStatus
from matching.services import FeedbackData, match_accept, match_confirm_completion
from notifications.models import Notification
from notifications.selectors import staff_who_may
from tests.factories import make_user
from tests.volunteers.factories import make_match, make_open_request, make_volunteer

pytestmark = pytest.mark.django_db


def _permission(perm: str) -> Permission:
    app_label, codename = perm.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def bob(db):  # noqa: ANN001, ANN201
    return make_volunteer(make_user("bob@example.com", display_name="Bob"))


@pytest.fixture
def sam(db):  # noqa: ANN001, ANN201
    """Staff with no permission at all."""
    return make_user("sam@example.com", is_staff=True, display_name="Sam")


@pytest.fixture
def gina(db):  # noqa: ANN001, ANN201
    """Staff who may approve matches through a group."""
    coordinators = Group.objects.create(name="Coordinators")
    coordinators.permissions.add(_permission("matching.approve_match"))
    user = make_user("gina@example.com", is_staff=True, display_name="Gina")
    user.groups.add(coordinators)
    return user


@pytest.fixture
def paul(db):  # noqa: ANN001, ANN201
    """Staff who may read feedback, by a permission of his own."""
    user = make_user("paul@example.com", is_staff=True, display_name="Paul")
    user.user_permissions.add(_permission("matching.view_feedback"))
    return user


def recipients(event: str) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("recipient__email", flat=True))


def test_a_staff_member_without_permissions_hears_of_no_acceptance(alice, bob, sam) -> None:  # noqa: ANN001
    match_accept(help_request=make_open_request(alice), volunteer=bob)
    assert recipients("volunteer_accepted") == set()
    assert not sam.notifications.exists()


def test_staff_who_may_approve_through_a_group_hear_of_an_acceptance(
    alice,
    bob,
    carol,
    gina,
    paul,
    sam,  # noqa: ANN001
) -> None:
    match_accept(help_request=make_open_request(alice), volunteer=bob)
    assert recipients("volunteer_accepted") == {"carol@example.com", "gina@example.com"}
    notice = gina.notifications.get()
    assert "Bob" in notice.body_text  # the name went to the one who decides, and only to them
    assert not Notification.objects.filter(recipient__in=[sam, paul]).exists()


def test_a_safety_flag_reaches_only_staff_who_may_read_the_feedback(
    alice,
    bob,
    carol,
    gina,
    paul,
    sam,  # noqa: ANN001
) -> None:
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    match_confirm_completion(
        match=match, by=alice, data=FeedbackData(happened=True, helpful=1, unsafe=True)
    )
    assert recipients("safety_flag") == {"carol@example.com", "paul@example.com"}


def test_inactive_and_non_staff_holders_are_not_told(alice, bob) -> None:  # noqa: ANN001
    make_user("gone@example.com", is_staff=True, is_superuser=True, is_active=False)
    resident_with_permission = make_user("odd@example.com")
    resident_with_permission.user_permissions.add(_permission("matching.approve_match"))
    match_accept(help_request=make_open_request(alice), volunteer=bob)
    assert recipients("volunteer_accepted") == set()


@pytest.mark.parametrize(
    "perm", ["matching.approve_match", "matching.view_feedback", "volunteers.change_volunteer"]
)
def test_the_selector_agrees_with_has_perm(carol, gina, paul, sam, perm) -> None:  # noqa: ANN001
    make_user("gone@example.com", is_staff=True, is_superuser=True, is_active=False)
    expected = [
        user
        for user in User.objects.order_by("pk")
        if user.is_staff and user.is_active and user.has_perm(perm)
    ]
    assert list(staff_who_may(perm)) == expected
