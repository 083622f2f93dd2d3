"""Staff decide in the admin: candidates on the request page, propose, approve, reject, convert."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import Match, MatchStatus
from matching.ranking_services import ranking_run
from matching.services import FeedbackData, match_confirm_completion
from requests_app.models import RequestStatus
from tests.factories import make_user
from tests.matching.helpers import service_time
from tests.volunteers.factories import make_match, make_open_request, make_volunteer

pytestmark = pytest.mark.django_db


def test_the_request_page_shows_candidates_with_reasons(client, alice, bob, carol) -> None:  # noqa: ANN001
    unfit = make_volunteer(email="far@example.com", prefecture="Osaka", municipality="Kita")
    task = make_open_request(alice)
    ranking_run(request_id=task.pk)  # the worker's job: the admin page only reads what it stored
    client.force_login(carol)
    response = client.get(
        reverse("admin:requests_app_helprequest_change", args=[task.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("admin:volunteers_volunteer_change", args=[bob.pk]) in html
    assert reverse("admin:volunteers_volunteer_change", args=[unfit.pk]) not in html
    assert f"{reverse('admin:matching_match_propose', args=[task.pk])}?volunteer={bob.pk}" in html


def test_the_request_page_shows_who_accepted_with_decision_links(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(carol)
    html = client.get(
        reverse("admin:requests_app_helprequest_change", args=[match.request.pk])
    ).content.decode()
    assert "bob@example.com" in html
    assert reverse("admin:matching_match_approve", args=[match.pk]) in html
    assert reverse("admin:matching_match_reject", args=[match.pk]) in html


def test_staff_propose_to_a_volunteer(client, alice, bob, carol) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    client.force_login(carol)
    url = f"{reverse('admin:matching_match_propose', args=[task.pk])}?volunteer={bob.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "Bob knows this clinic"})
    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.status, match.volunteer) == (MatchStatus.PROPOSED, bob)
    assert match.events.get().by == carol
    assert LogEntry.objects.filter(object_id=str(match.pk)).exists()


def test_the_changelist_links_each_waiting_match_to_its_approve_page(
    client, alice, bob, carol
) -> None:  # noqa: ANN001
    """No bulk approval: every approval needs its own agreed time."""
    waiting = make_match(alice, bob)
    approved = make_match(alice, bob, status=MatchStatus.APPROVED, title="Already approved")
    client.force_login(carol)
    response = client.get(reverse("admin:matching_match_changelist"))
    html = response.content.decode()
    assert reverse("admin:matching_match_approve", args=[waiting.pk]) in html
    assert reverse("admin:matching_match_approve", args=[approved.pk]) not in html
    assert "approve_selected" not in html
    client.post(
        reverse("admin:matching_match_changelist"),
        {"action": "approve_selected", "_selected_action": [waiting.pk]},
    )
    waiting.refresh_from_db()
    assert waiting.status == MatchStatus.ACCEPTED


def test_approve_from_the_change_page(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(carol)
    page = client.get(reverse("admin:matching_match_change", args=[match.pk])).content.decode()
    approve_url = reverse("admin:matching_match_approve", args=[match.pk])
    assert approve_url in page
    assert client.get(approve_url).status_code == 200
    when = service_time()
    response = client.post(
        approve_url, {"agreed_time": "2099-01-01T10:00", "agreed_minutes": "60", "note": ""}
    )
    assert response.status_code == 200  # too far ahead: nothing saved
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    response = client.post(
        approve_url,
        {"agreed_time": when.strftime("%Y-%m-%dT%H:%M"), "agreed_minutes": "90", "note": "Called"},
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert (match.agreed_time, match.agreed_minutes) == (when, 90)
    assert match.request.status == RequestStatus.MATCHED
    assert match.events.last().note == "Called"
    assert LogEntry.objects.filter(object_id=str(match.pk)).exists()


def test_reject_from_the_change_page_needs_a_reason(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(carol)
    url = reverse("admin:matching_match_reject", args=[match.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    client.post(url, {"reason": "Language level unclear"})
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED
    assert match.events.last().note == "Language level unclear"


def test_reject_from_the_changelist_with_a_reason(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(carol)
    url = reverse("admin:matching_match_changelist")
    page = client.post(url, {"action": "reject_selected", "_selected_action": [match.pk]})
    assert 'name="reason"' in page.content.decode()
    client.post(
        url,
        {"action": "reject_selected", "_selected_action": [match.pk], "apply": "1", "reason": "No"},
    )
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED


def test_staff_without_the_permission_cannot_approve(client, alice, bob) -> None:  # noqa: ANN001
    from django.contrib.auth.models import Permission

    clerk = make_user("clerk@example.com", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_match", "change_match"])
    )
    match = make_match(alice, bob)
    client.force_login(clerk)
    assert client.get(reverse("admin:matching_match_approve", args=[match.pk])).status_code == 403
    response = client.post(
        reverse("admin:matching_match_approve", args=[match.pk]),
        {"agreed_time": service_time().strftime("%Y-%m-%dT%H:%M"), "agreed_minutes": "60"},
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:matching_match_time", args=[match.pk])).status_code == 403
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED


def test_outsiders_cannot_reach_the_admin_views(client, alice, bob, mallory) -> None:  # noqa: ANN001
    match = make_match(alice, bob)
    client.force_login(mallory)
    response = client.post(reverse("admin:matching_match_approve", args=[match.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED


def test_unsafe_feedback_is_marked_and_filterable(client, alice, bob, carol) -> None:  # noqa: ANN001
    flagged = make_match(alice, bob, status=MatchStatus.APPROVED)
    calm = make_match(alice, bob, status=MatchStatus.APPROVED, title="Another calm request")
    match_confirm_completion(
        match=flagged, by=alice, data=FeedbackData(happened=True, helpful=2, unsafe=True)
    )
    client.force_login(carol)
    changelist = reverse("admin:matching_match_changelist")
    response = client.get(changelist, {"unsafe": "yes"})
    assert [m.pk for m in response.context["cl"].result_list] == [flagged.pk]
    assert "⚠" in response.content.decode()
    assert calm.pk not in [m.pk for m in response.context["cl"].result_list]
    feedback_list = client.get(
        reverse("admin:matching_feedback_changelist"), {"unsafe__exact": "1"}
    )
    assert feedback_list.status_code == 200
    assert len(feedback_list.context["cl"].result_list) == 1


def test_the_admin_pages_render(client, alice, bob, carol) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.APPROVED)
    client.force_login(carol)
    for name in ("match", "feedback", "decline", "ofppair", "ofpcheckinanswer"):
        assert client.get(reverse(f"admin:matching_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:matching_match_change", args=[match.pk])).status_code == 200


def test_the_request_add_page_still_renders(client, carol) -> None:  # noqa: ANN001
    client.force_login(carol)
    assert client.get(reverse("admin:requests_app_helprequest_add")).status_code == 200


def _feedback(match: Match, by) -> None:  # noqa: ANN001
    match_confirm_completion(match=match, by=by, data=FeedbackData(happened=True, helpful=5))


def test_matches_read_as_request_and_volunteer_in_lists_at_constant_cost(
    client,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    first = make_match(alice, bob, status=MatchStatus.APPROVED, title="Daycare form")
    _feedback(first, alice)
    client.force_login(carol)
    url = reverse("admin:matching_feedback_changelist")
    with CaptureQueriesContext(connection) as one_row:
        html = client.get(url).content.decode()
    assert f"#{first.pk} Daycare form — {bob.display_name}" in html
    for number in range(3):
        _feedback(
            make_match(alice, bob, status=MatchStatus.APPROVED, title=f"Form {number}"), alice
        )
    with CaptureQueriesContext(connection) as four_rows:
        client.get(url)
    assert len(four_rows) == len(one_row)
