"""The request status lifecycle: every legal move works and records who/when; every illegal one raises."""

from __future__ import annotations

import itertools

import pytest

from requests_app.models import ALLOWED_TRANSITIONS, HelpRequest, RequestStatus, StatusChange
from requests_app.services import RequestError, request_cancel, request_transition
from tests.factories import make_request

LEGAL = [(src, dst) for src, targets in ALLOWED_TRANSITIONS.items() for dst in targets]
ILLEGAL = [
    (src, dst)
    for src, dst in itertools.product(RequestStatus, RequestStatus)
    if dst not in ALLOWED_TRANSITIONS[src]
]


def _request_in(status: RequestStatus, resident) -> HelpRequest:  # noqa: ANN001
    help_request = make_request(resident)
    HelpRequest.objects.filter(pk=help_request.pk).update(status=status)
    help_request.refresh_from_db()
    return help_request


def test_the_lifecycle_has_the_documented_shape() -> None:
    assert ALLOWED_TRANSITIONS[RequestStatus.SUBMITTED] >= {RequestStatus.MATCHING}
    assert RequestStatus.MATCHED in ALLOWED_TRANSITIONS[RequestStatus.MATCHING]
    assert RequestStatus.COMPLETED in ALLOWED_TRANSITIONS[RequestStatus.MATCHED]
    for final in (RequestStatus.COMPLETED, RequestStatus.CANCELLED, RequestStatus.CLOSED):
        assert ALLOWED_TRANSITIONS[final] == frozenset()


@pytest.mark.django_db
def test_a_new_request_starts_submitted_with_an_audit_record(alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    assert help_request.status == RequestStatus.SUBMITTED
    change = StatusChange.objects.get(request=help_request)
    assert (change.from_status, change.to_status, change.by) == ("", "submitted", alice)


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), LEGAL, ids=[f"{s}->{t}" for s, t in LEGAL])
def test_it_allows_legal_moves_and_records_them(alice, carol, source, target) -> None:  # noqa: ANN001
    help_request = _request_in(source, alice)
    request_transition(help_request=help_request, to=target, by=carol, note="checked")
    help_request.refresh_from_db()
    assert help_request.status == target
    change = help_request.status_changes.last()
    assert (change.from_status, change.to_status, change.by, change.note) == (
        source,
        target,
        carol,
        "checked",
    )
    assert change.at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=[f"{s}->{t}" for s, t in ILLEGAL])
def test_it_rejects_illegal_moves(alice, carol, source, target) -> None:  # noqa: ANN001
    help_request = _request_in(source, alice)
    before = help_request.status_changes.count()
    with pytest.raises(RequestError):
        request_transition(help_request=help_request, to=target, by=carol)
    help_request.refresh_from_db()
    assert help_request.status == source
    assert help_request.status_changes.count() == before


@pytest.mark.django_db
def test_only_the_resident_or_staff_can_cancel(alice, mallory, carol) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    with pytest.raises(RequestError):
        request_cancel(help_request=help_request, by=mallory)
    request_cancel(help_request=help_request, by=carol)
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.CANCELLED


@pytest.mark.django_db
def test_the_error_message_is_translated(alice, carol) -> None:  # noqa: ANN001
    from django.utils import translation

    help_request = _request_in(RequestStatus.COMPLETED, alice)
    with translation.override("ja"), pytest.raises(RequestError) as error:
        request_transition(help_request=help_request, to=RequestStatus.MATCHING, by=carol)
    assert "完了" in str(error.value) or "できません" in str(error.value)
