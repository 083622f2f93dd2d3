"""Retention: the text and files of requests closed more than RETENTION_DAYS ago are erased."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from matching.models import Feedback, MatchStatus, Role
from requests_app import retention
from requests_app.models import Attachment, HelpRequest, RequestStatus, private_storage
from requests_app.retention import ERASED_TITLE, retention_run
from requests_app.services import request_cancel, request_close
from requests_app.tasks import erase_expired_requests
from tests.accounts.test_my_data import make_attachment
from tests.factories import make_request
from tests.volunteers.factories import make_match, make_open_request, make_volunteer

pytestmark = pytest.mark.django_db

JAPAN = zoneinfo.ZoneInfo("Asia/Tokyo")
CLOSED_AT = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=JAPAN)


def _days_after(days: int) -> datetime.datetime:
    return CLOSED_AT + datetime.timedelta(days=days)


@pytest.fixture
def closed(alice):  # noqa: ANN001, ANN201
    """Requests finished on 1 March 2027: completed (with a file and feedback), cancelled."""
    with time_machine.travel(CLOSED_AT, tick=False):
        bob = make_volunteer(email="bob@example.com")
        match = make_match(alice, bob, status=MatchStatus.COMPLETED, contact_phone="080-1111-2222")
        match.resident_phone = "070-2222-3333"
        match.save()
        attachment = make_attachment(match.request)
        Feedback.objects.create(
            match=match, role=Role.RESIDENT, author=alice, happened=True, helpful=4, comment="kind"
        )
        cancelled = request_cancel(help_request=make_request(alice), by=alice)
    return {"completed": match.request, "cancelled": cancelled, "attachment": attachment}


def _is_erased(help_request: HelpRequest) -> bool:
    help_request.refresh_from_db()
    return help_request.title == ERASED_TITLE and help_request.description == ""


def test_nothing_is_erased_before_the_retention_period(closed) -> None:  # noqa: ANN001
    with time_machine.travel(_days_after(settings.RETENTION_DAYS - 1), tick=False):
        assert retention_run() == 0
    assert not _is_erased(closed["completed"]) and not _is_erased(closed["cancelled"])
    assert Attachment.objects.filter(pk=closed["attachment"].pk).exists()


def test_after_the_period_text_and_files_go_and_the_row_stays(
    closed, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    completed = closed["completed"]
    with (
        time_machine.travel(_days_after(settings.RETENTION_DAYS + 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert retention_run() == 2
    assert _is_erased(completed) and _is_erased(closed["cancelled"])
    assert completed.status == RequestStatus.COMPLETED and completed.contact_phone == ""
    assert completed.category.code == "healthcare"  # the anonymised row stays for statistics
    assert not Attachment.objects.filter(request=completed).exists()
    assert not private_storage().exists(closed["attachment"].file.name)
    match = completed.matches.get()
    assert match.status == MatchStatus.COMPLETED and match.resident_phone == ""
    feedback = Feedback.objects.get(match=match)
    assert feedback.comment == "" and feedback.helpful == 4


def test_open_and_recently_closed_requests_are_kept(closed, alice, carol) -> None:  # noqa: ANN001
    with time_machine.travel(CLOSED_AT, tick=False):
        still_open = make_open_request(alice)
    with time_machine.travel(_days_after(200), tick=False):
        recent = request_close(help_request=make_request(alice), by=carol)
    with time_machine.travel(_days_after(settings.RETENTION_DAYS + 1), tick=False):
        retention_run()
    assert not _is_erased(still_open) and not _is_erased(recent)


def test_it_is_idempotent(closed) -> None:  # noqa: ANN001
    with time_machine.travel(_days_after(400), tick=False):
        assert retention_run() == 2
    completed = HelpRequest.objects.get(pk=closed["completed"].pk)
    with time_machine.travel(_days_after(500), tick=False):
        assert retention_run() == 0
    assert HelpRequest.objects.get(pk=completed.pk).updated_at == completed.updated_at


def test_it_works_in_batches(closed, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(retention, "BATCH_SIZE", 1)
    with time_machine.travel(_days_after(400), tick=False):
        assert retention_run(max_batches=1) == 1  # one batch of one
        assert retention_run() == 1  # the rest
        assert retention_run() == 0


def test_the_setting_changes_the_period(closed, settings) -> None:  # noqa: ANN001
    settings.RETENTION_DAYS = 30
    with time_machine.travel(_days_after(31), tick=False):
        assert retention_run() == 2


def test_the_daily_beat_task_runs_the_service(closed) -> None:  # noqa: ANN001
    schedule = settings.CELERY_BEAT_SCHEDULE["erase-expired-requests"]
    assert schedule["task"] == "requests_app.tasks.erase_expired_requests"
    assert schedule["schedule"].hour == {3}  # once a day
    with time_machine.travel(_days_after(400), tick=False):
        assert erase_expired_requests() == 2
