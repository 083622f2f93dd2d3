"""The staff access log: one row per staff view of a resident's data, append-only, superusers
only, and never the data itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accesslog.models import AccessLog, AccessLogError, AccessView
from accesslog.services import record_access
from matching.models import Decline, Feedback, MatchStatus, OFPPair, Role
from notifications.models import Notification
from tests.factories import make_user
from tests.volunteers.factories import make_match

pytestmark = pytest.mark.django_db

PHONE = "090-1234-5678"
SECRET_TEXT = "मेरो भिसाको म्याद सकियो"  # "my visa has expired": free text about a resident


@pytest.fixture
def match(alice, bob):  # noqa: ANN001, ANN201
    return make_match(
        alice,
        bob,
        status=MatchStatus.APPROVED,
        description=f"{SECRET_TEXT} {PHONE}",
        municipality="Shinjuku",
    )


def _help_request(match):  # noqa: ANN001, ANN202
    return match.request


def _match(match):  # noqa: ANN001, ANN202
    return match


def _resident(match):  # noqa: ANN001, ANN202
    return match.request.resident


def _feedback(match):  # noqa: ANN001, ANN202
    return Feedback.objects.create(
        match=match, role=Role.RESIDENT, author=match.request.resident, happened=True,
        comment=SECRET_TEXT,
    )  # fmt: skip


def _pair(match):  # noqa: ANN001, ANN202
    return OFPPair.objects.create(match=match)


def _notification(match):  # noqa: ANN001, ANN202
    return Notification.objects.create(
        event="request_received", recipient=match.request.resident, key=f"x:{match.pk}",
        language="ne", subject="विषय", body_text=SECRET_TEXT, body_html=f"<p>{SECRET_TEXT}</p>",
    )  # fmt: skip


def _decline(match):  # noqa: ANN001, ANN202
    return Decline.objects.create(request=match.request, volunteer=match.volunteer, reason="")


LOGGED: list[tuple[str, Callable[[Any], Any]]] = [
    ("requests_app_helprequest", _help_request),
    ("matching_match", _match),
    ("accounts_user", _resident),
    ("matching_feedback", _feedback),
    ("matching_decline", _decline),
    ("matching_ofppair", _pair),
    ("notifications_notification", _notification),
]


def _row_text(row: AccessLog) -> str:
    """Every column of a row, as stored."""
    return " ".join(str(getattr(row, field.attname)) for field in AccessLog._meta.concrete_fields)


@pytest.mark.parametrize(("admin_name", "make"), LOGGED, ids=[name for name, _ in LOGGED])
@pytest.mark.parametrize("admin_view", ["change", "history"])
def test_each_staff_view_of_a_page_writes_one_row(
    client, carol, match, admin_name, make, admin_view
):  # noqa: ANN001
    obj = make(match)
    client.force_login(carol)
    url = reverse(f"admin:{admin_name}_{admin_view}", args=[obj.pk])
    assert client.get(url).status_code == 200
    row = AccessLog.objects.get()
    assert row.staff == carol
    assert row.content_type == ContentType.objects.get_for_model(obj)
    assert row.object_id == str(obj.pk)
    assert row.view == admin_view
    assert client.get(url).status_code == 200
    assert AccessLog.objects.count() == 2  # one row per view, not one per object


@pytest.mark.parametrize(("admin_name", "make"), LOGGED, ids=[name for name, _ in LOGGED])
def test_a_list_page_writes_one_row(client, carol, match, admin_name, make) -> None:  # noqa: ANN001
    obj = make(match)
    client.force_login(carol)
    assert client.get(reverse(f"admin:{admin_name}_changelist")).status_code == 200
    row = AccessLog.objects.get()
    assert (row.view, row.object_id) == (AccessView.LIST, "")
    assert row.content_type == ContentType.objects.get_for_model(obj)


def test_a_search_is_logged_without_its_words(client, carol, match) -> None:  # noqa: ANN001
    client.force_login(carol)
    url = reverse("admin:accounts_user_changelist")
    assert client.get(url, {"q": "alice@example.com"}).status_code == 200
    assert "alice" not in _row_text(AccessLog.objects.get())


def test_no_row_holds_the_residents_data(client, carol, match) -> None:  # noqa: ANN001
    alice = match.request.resident
    alice.display_name = "Alice Gurung"
    alice.save()
    client.force_login(carol)
    for name, make in LOGGED:
        obj = make(match)
        for admin_view in ("change", "history"):
            client.get(reverse(f"admin:{name}_{admin_view}", args=[obj.pk]))
        client.get(reverse(f"admin:{name}_changelist"), {"q": alice.email})
    rows = list(AccessLog.objects.all())
    assert len(rows) == 3 * len(LOGGED)
    for row in rows:
        text = _row_text(row) + " " + row.description
        for secret in (PHONE, SECRET_TEXT, alice.email, "Alice", "Gurung", "Shinjuku", "visa"):
            assert secret not in text


def test_the_description_names_the_page(client, carol, match) -> None:  # noqa: ANN001
    client.force_login(carol)
    client.get(
        reverse("admin:requests_app_helprequest_change", args=[match.request.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    from django.utils import translation

    with translation.override("en"):
        assert AccessLog.objects.get().description == (
            f"admin change page of help request #{match.request.pk}"
        )


def test_a_refused_or_missing_page_is_not_logged(client, carol, match) -> None:  # noqa: ANN001
    client.force_login(carol)
    response = client.get(reverse("admin:requests_app_helprequest_change", args=[987654]))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    volunteer_staff = make_user("dan@example.com", is_staff=True)  # staff without permissions
    client.force_login(volunteer_staff)
    url = reverse("admin:requests_app_helprequest_change", args=[match.request.pk])
    assert client.get(url).status_code == 403
    assert not AccessLog.objects.exists()


def test_saving_logs_the_page_not_the_redirect_after_it(client, carol, match) -> None:  # noqa: ANN001
    notification = _notification(match)
    client.force_login(carol)
    url = reverse("admin:notifications_notification_change", args=[notification.pk])
    assert client.post(url, {"_save": "1"}).status_code == 302
    assert not AccessLog.objects.exists()
    assert client.get(url).status_code == 200
    assert AccessLog.objects.count() == 1


def test_staff_looking_at_their_own_data_is_not_logged(client, carol) -> None:  # noqa: ANN001
    client.force_login(carol)
    assert client.get(reverse("admin:accounts_user_change", args=[carol.pk])).status_code == 200
    assert not AccessLog.objects.exists()


def test_record_access_skips_non_staff_and_own_data(alice, carol, match) -> None:  # noqa: ANN001
    assert record_access(user=alice, obj=match.request, what=AccessView.ATTACHMENT) is None
    assert record_access(user=carol, obj=carol, what=AccessView.CHANGE) is None
    row = record_access(user=carol, obj=match.request, what=AccessView.CHANGE)
    assert row is not None and AccessLog.objects.get() == row


def test_a_row_cannot_be_changed_or_deleted_through_the_orm(carol, match) -> None:  # noqa: ANN001
    row = record_access(user=carol, obj=match.request, what=AccessView.CHANGE)
    assert row is not None
    row.object_id = "1"
    with pytest.raises(AccessLogError):
        row.save()
    with pytest.raises(AccessLogError):
        row.delete()
    with pytest.raises(AccessLogError):
        AccessLog.objects.filter(pk=row.pk).update(object_id="1")
    with pytest.raises(AccessLogError):
        AccessLog.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.object_id == str(match.request.pk)


def test_the_database_refuses_update_and_delete(carol, match) -> None:  # noqa: ANN001
    row = record_access(user=carol, obj=match.request, what=AccessView.CHANGE)
    assert row is not None
    table = AccessLog._meta.db_table
    for sql in (f"UPDATE {table} SET object_id = '1'", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLog.objects.get().object_id == str(match.request.pk)


def test_the_log_keeps_the_staff_id_after_their_account_goes(client, match) -> None:  # noqa: ANN001
    dave = make_user("dave@example.com", is_staff=True, is_superuser=True)
    record_access(user=dave, obj=match.request, what=AccessView.CHANGE)
    dave_id = dave.pk
    dave.delete()
    assert AccessLog.objects.get().staff_id == dave_id


def test_only_superusers_see_the_log_in_the_admin(client, carol, match) -> None:  # noqa: ANN001
    record_access(user=carol, obj=match.request, what=AccessView.CHANGE)
    row = AccessLog.objects.get()
    changelist = reverse("admin:accesslog_accesslog_changelist")
    change = reverse("admin:accesslog_accesslog_change", args=[row.pk])
    # Staff with every other permission, even the log's own view permission, do not see it.
    from django.contrib.auth.models import Permission

    staff = make_user("erin@example.com", is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    client.force_login(staff)
    assert client.get(changelist).status_code == 403
    assert client.get(change).status_code == 403
    assert "accesslog" not in client.get(reverse("admin:index")).content.decode()

    client.force_login(carol)
    assert client.get(changelist).status_code == 200
    answer = client.get(change)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'name="_save"' not in html  # read-only: no save button
    assert client.get(reverse("admin:accesslog_accesslog_add")).status_code == 403
    assert client.get(reverse("admin:accesslog_accesslog_delete", args=[row.pk])).status_code == 403
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": [row.pk]})
    assert AccessLog.objects.count() == 1
    assert response.status_code in (200, 302)


@pytest.fixture
def attachment(match):  # noqa: ANN001, ANN201
    """A PDF on Alice's request, written where the attachment view reads it (and removed)."""
    from django.core.files.base import ContentFile

    from requests_app.models import Attachment, AttachmentKind

    storage = Attachment._meta.get_field("file").storage
    content = b"%PDF-1.4\n% a letter\n%%EOF\n"
    name = storage.save("letters/access-log-test.pdf", ContentFile(content))
    yield Attachment.objects.create(
        request=match.request,
        kind=AttachmentKind.PDF,
        file=name,
        content_type="application/pdf",
        original_name="在留カード更新のお知らせ.pdf",
        size=len(content),
        pages=1,
    )
    storage.delete(name)


def test_staff_opening_an_attachment_writes_one_row(client, carol, match, attachment) -> None:  # noqa: ANN001
    client.force_login(carol)
    url = reverse("requests:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 200
    row = AccessLog.objects.get()
    assert (row.staff, row.view, row.object_id) == (
        carol,
        AccessView.ATTACHMENT,
        str(attachment.pk),
    )
    assert row.parent_object_id == str(match.request.pk)
    assert "在留カード" not in _row_text(row) + row.description
    from django.utils import translation

    with translation.override("en"):
        assert row.description == (
            f"attachment file #{attachment.pk} (of help request #{match.request.pk})"
        )
    assert client.get(url).status_code == 200
    assert AccessLog.objects.count() == 2


def test_the_resident_and_the_volunteer_opening_it_are_not_logged(
    client, match, attachment
) -> None:  # noqa: ANN001
    url = reverse("requests:attachment", args=[attachment.pk])
    for person in (match.request.resident, match.volunteer.user):
        client.force_login(person)
        assert client.get(url).status_code == 200
    assert not AccessLog.objects.exists()


def test_an_attachment_refused_to_staff_without_permission_is_not_logged(
    client, match, attachment
) -> None:  # noqa: ANN001
    client.force_login(make_user("dan@example.com", is_staff=True))
    assert client.get(reverse("requests:attachment", args=[attachment.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_staff_opening_a_photo_preview_is_logged_as_a_preview(client, carol, attachment) -> None:  # noqa: ANN001
    from requests_app.models import AttachmentKind

    type(attachment).objects.filter(pk=attachment.pk).update(
        kind=AttachmentKind.IMAGE, preview=attachment.file.name, content_type="image/jpeg"
    )
    client.force_login(carol)
    assert (
        client.get(reverse("requests:attachment_preview", args=[attachment.pk])).status_code == 200
    )
    assert AccessLog.objects.get().view == AccessView.PREVIEW


def test_an_admin_action_page_naming_a_match_writes_one_row(client, carol, alice, bob) -> None:  # noqa: ANN001
    """The reject (or approve, or propose) page names the match and its request: a row each time
    it is shown, never its contents."""
    waiting = make_match(alice, bob, status=MatchStatus.ACCEPTED, description=SECRET_TEXT)
    client.force_login(carol)

    response = client.get(reverse("admin:matching_match_reject", args=[waiting.pk]))

    assert response.status_code == 200
    row = AccessLog.objects.get(view=AccessView.ACTION)
    assert (row.staff, row.object_id) == (carol, str(waiting.pk))
    assert row.content_type == ContentType.objects.get_for_model(waiting)
    assert SECRET_TEXT not in str(row.description)
