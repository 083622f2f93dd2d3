"""An admin that fits the work: checkboxes instead of JSON, decisions on the volunteer's own page,
and the staff review of unsafe flags."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from desk.selectors import queue_counts
from matching.models import Role
from tests.desk.history import feedback_on, jst, match_with, request_with
from tests.factories import make_request, make_user
from tests.volunteers.factories import make_volunteer
from volunteers.models import Volunteer, VolunteerStatus

pytestmark = pytest.mark.django_db


def _request(user):  # noqa: ANN001, ANN202
    request = RequestFactory().get("/ja/admin/")
    request.user = user
    return request


def test_no_admin_form_edits_a_json_field_as_raw_json(carol, alice, bob) -> None:  # noqa: ANN001
    objects = {Volunteer: bob, type(make_request(alice)): make_request(alice)}
    raw = []
    for model, model_admin in admin.site._registry.items():
        request = _request(carol)
        for obj in (None, objects.get(model)):
            form = model_admin.get_form(request, obj)()
            raw += [
                f"{model._meta.label}.{name}"
                for name, field in form.fields.items()
                if isinstance(field, forms.JSONField)
            ]
    assert raw == []


def test_the_volunteer_page_shows_checkboxes_not_json(client, carol, bob) -> None:  # noqa: ANN001
    client.force_login(carol)
    html = client.get(reverse("admin:volunteers_volunteer_change", args=[bob.pk])).content.decode()
    assert '["ja", "ne", "en"]' not in html and "[&quot;ja&quot;" not in html
    for name, value in (("languages", "ne"), ("modes", "phone"), ("availability", "weekend")):
        assert f'type="checkbox" name="{name}" value="{value}"' in html
    assert 'type="checkbox" name="categories"' in html
    nepali = re.search(r'<input[^>]*name="languages" value="ne"[^>]*>', html).group(0)
    vietnamese = re.search(r'<input[^>]*name="languages" value="vi"[^>]*>', html).group(0)
    assert "checked" in nepali and "checked" not in vietnamese


def test_saving_keeps_the_language_order_and_adds_new_ones_last(carol, bob) -> None:  # noqa: ANN001
    model_admin = admin.site.get_model_admin(Volunteer)
    request = _request(carol)
    form_class = model_admin.get_form(request, bob)
    initial = forms.models.model_to_dict(bob)
    data = {
        **{k: v for k, v in initial.items() if v is not None and k not in ("categories", "topics")},
        "user": bob.user_id,
        "categories": [c.pk for c in bob.categories.all()],
        "topics": [t.pk for t in bob.topics.all()],
        "languages": ["ja", "en", "vi"],  # browsers send ticked boxes in the list's order
    }
    form = form_class(data, instance=bob)
    assert form.is_valid(), form.errors
    saved = model_admin.save_form(request, form, change=True)
    # Japanese stays first, Nepali is gone, English keeps its place, Vietnamese comes last.
    assert saved.languages == ["ja", "en", "vi"]
    bob.languages = ["ne", "en", "ja"]
    form = form_class(data, instance=bob)
    assert form.is_valid()
    assert model_admin.save_form(request, form, change=True).languages == ["en", "ja", "vi"]
    assert form_class({**data, "languages": []}, instance=bob).errors["languages"]


def test_the_request_page_edits_preferred_dates_with_date_inputs(client, carol, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice, preferred_dates=[datetime.date(2026, 12, 24)])
    client.force_login(carol)
    url = reverse("admin:requests_app_helprequest_change", args=[help_request.pk])
    html = client.get(url).content.decode()
    assert 'type="date" name="preferred_dates_0" value="2026-12-24"' in html
    assert 'aria-label="ほかの候補日"' in html
    assert 'type="checkbox" name="languages" value="ne"' in html
    assert 'type="checkbox" name="availability" value="weekday_daytime"' in html
    model_admin = admin.site.get_model_admin(type(help_request))
    field = model_admin.get_form(_request(carol), help_request).base_fields["preferred_dates"]
    assert field.clean(["2027-01-05", "2026-12-24"]) == ["2026-12-24", "2027-01-05"]
    assert field.clean(["", ""]) == []
    with pytest.raises(forms.ValidationError):
        field.clean(["soon", ""])


# --- decisions on the volunteer's own page ------------------------------------------------------


def test_staff_approve_a_volunteer_from_their_page(client, carol) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=VolunteerStatus.APPLIED)
    client.force_login(carol)
    page = client.get(reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]))
    approve = reverse("admin:volunteers_volunteer_approve", args=[volunteer.pk])
    assert approve in page.content.decode()
    assert (
        reverse("admin:volunteers_volunteer_pause", args=[volunteer.pk])
        not in page.content.decode()
    )
    assert client.get(approve).status_code == 200  # a confirmation, nothing changes yet
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPLIED
    response = client.post(approve, {"note": "References checked"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPROVED
    change = volunteer.status_changes.last()
    assert (change.by, change.note) == (carol, "References checked")
    assert (
        LogEntry.objects.get(object_id=str(volunteer.pk)).change_message
        == "ボランティアを承認しました。"
    )


def test_staff_reject_a_volunteer_from_their_page_with_a_reason(client, carol) -> None:  # noqa: ANN001
    volunteer = make_volunteer(status=VolunteerStatus.APPLIED)
    client.force_login(carol)
    url = reverse("admin:volunteers_volunteer_reject", args=[volunteer.pk])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200
    assert "理由" in empty.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPLIED
    client.post(url, {"reason": "No references"})
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.REJECTED
    assert volunteer.status_changes.last().note == "No references"


def test_staff_pause_an_approved_volunteer_from_their_page(client, carol, bob) -> None:  # noqa: ANN001
    client.force_login(carol)
    page = client.get(reverse("admin:volunteers_volunteer_change", args=[bob.pk])).content.decode()
    url = reverse("admin:volunteers_volunteer_pause", args=[bob.pk])
    assert url in page
    client.post(url)
    bob.refresh_from_db()
    assert bob.status == VolunteerStatus.PAUSED
    # A paused volunteer cannot be paused again: the service says so, nothing changes.
    again = client.post(url)
    assert again.status_code == 200
    assert "一時休止" in again.content.decode()


def test_the_buttons_need_the_approval_permission(client, bob) -> None:  # noqa: ANN001
    dan = make_user("dan@example.com", is_staff=True, display_name="Dan")
    dan.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_volunteer", "change_volunteer"])
    )
    client.force_login(dan)
    page = client.get(reverse("admin:volunteers_volunteer_change", args=[bob.pk])).content.decode()
    url = reverse("admin:volunteers_volunteer_pause", args=[bob.pk])
    assert url not in page
    assert client.post(url).status_code == 403
    bob.refresh_from_db()
    assert bob.status == VolunteerStatus.APPROVED


def test_the_list_pauses_through_the_same_service(client, carol, bob) -> None:  # noqa: ANN001
    client.force_login(carol)
    client.post(
        reverse("admin:volunteers_volunteer_changelist"),
        {"action": "pause_selected", "_selected_action": [bob.pk]},
    )
    bob.refresh_from_db()
    assert bob.status == VolunteerStatus.PAUSED
    assert bob.status_changes.last().by == carol


# --- unsafe flags ----------------------------------------------------------------------------------


@pytest.fixture
def flagged(alice, bob):  # noqa: ANN001, ANN201
    help_request = request_with(alice, jst(2026, 5, 1), ("submitted", "matching", jst(2026, 5, 2)))
    match = match_with(
        help_request,
        bob,
        ("", "accepted", jst(2026, 5, 3)),
        ("accepted", "approved", jst(2026, 5, 4)),
    )
    return (
        feedback_on(match, Role.RESIDENT, jst(2026, 5, 10), unsafe=True, comment="He shouted."),
        feedback_on(match, Role.VOLUNTEER, jst(2026, 5, 10)),
    )


def test_staff_mark_an_unsafe_flag_reviewed_with_a_note(client, carol, flagged) -> None:  # noqa: ANN001
    unsafe, _safe = flagged
    assert {q.queue.key: q.count for q in queue_counts()}["unsafe_unreviewed"] == 1
    client.force_login(carol)
    url = reverse("admin:matching_feedback_changelist")
    form = client.post(url, {"action": "mark_reviewed", "_selected_action": [unsafe.pk]})
    assert 'name="note"' in form.content.decode()
    empty = client.post(
        url, {"action": "mark_reviewed", "_selected_action": [unsafe.pk], "apply": "1", "note": " "}
    )
    assert "確認したことや対応したことを書いてください。" in empty.content.decode()
    unsafe.refresh_from_db()
    assert unsafe.reviewed_at is None
    client.post(
        url,
        {
            "action": "mark_reviewed",
            "_selected_action": [unsafe.pk],
            "apply": "1",
            "note": "Called both; no further contact.",
        },
    )
    unsafe.refresh_from_db()
    assert unsafe.reviewed_by == carol
    assert unsafe.review_note == "Called both; no further contact."
    assert timezone.now() - unsafe.reviewed_at < datetime.timedelta(minutes=1)
    assert {q.queue.key: q.count for q in queue_counts()}["unsafe_unreviewed"] == 0


def test_feedback_that_was_not_flagged_needs_no_review(client, carol, flagged) -> None:  # noqa: ANN001
    _unsafe, safe = flagged
    client.force_login(carol)
    response = client.post(
        reverse("admin:matching_feedback_changelist"),
        {"action": "mark_reviewed", "_selected_action": [safe.pk], "apply": "1", "note": "ok"},
        follow=True,
    )
    assert (
        "確認が必要なのは「安全でない」と報告されたフィードバックだけです。"
        in response.content.decode()
    )
    safe.refresh_from_db()
    assert safe.reviewed_at is None
