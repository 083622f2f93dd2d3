"""Staff approve and reject volunteer applications in the admin, through the services."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests.volunteers.factories import make_volunteer
from volunteers.models import VolunteerStatus

pytestmark = pytest.mark.django_db


def test_staff_approve_from_the_changelist(client, carol) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=VolunteerStatus.APPLIED)
    client.force_login(carol)
    response = client.post(
        reverse("admin:volunteers_volunteer_changelist"),
        {"action": "approve_selected", "_selected_action": [volunteer.pk]},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPROVED
    assert volunteer.status_changes.last().by == carol
    assert LogEntry.objects.filter(object_id=str(volunteer.pk)).exists()


def test_staff_reject_with_a_reason(client, carol) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=VolunteerStatus.APPLIED)
    client.force_login(carol)
    url = reverse("admin:volunteers_volunteer_changelist")
    form = client.post(url, {"action": "reject_selected", "_selected_action": [volunteer.pk]})
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    empty = client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": [volunteer.pk],
            "apply": "1",
            "reason": "",
        },
    )
    assert empty.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPLIED
    client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": [volunteer.pk],
            "apply": "1",
            "reason": "No references",
        },
    )
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.REJECTED
    assert volunteer.status_changes.last().note == "No references"


def test_the_volunteer_admin_pages_render(client, carol, bob) -> None:  # noqa: ANN001
    client.force_login(carol)
    assert client.get(reverse("admin:volunteers_volunteer_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:volunteers_volunteer_change", args=[bob.pk])).status_code == 200
    )
