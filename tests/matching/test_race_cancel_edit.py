"""Races between a resident and the others, with real threads and real connections on PostgreSQL,
many rounds: a cancellation racing acceptances never leaves an active match on a cancelled
request; an edit racing an approval never leaves an approved match the volunteer does not fit."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from matching.models import ACTIVE_STATUSES, Match, MatchStatus
from matching.profiles import request_profile, volunteer_profile
from matching.ranking import failed_filters
from matching.services import MatchError, match_accept, match_approve
from requests_app.models import HelpRequest, RequestStatus
from requests_app.services import RequestError, request_cancel, request_update
from tests.factories import make_user, request_data
from tests.matching.helpers import approval
from tests.volunteers.factories import make_open_request, make_volunteer
from volunteers.models import Volunteer

ROUNDS = 40
ACCEPTING = 3  # volunteers racing the resident in each round


def run_at_once(calls: list[Callable[[], int]]) -> tuple[list[int], list[BaseException]]:
    """Run each call in its own thread, all released together; their status codes and errors."""
    start = threading.Barrier(len(calls))
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], int]) -> None:
        try:
            start.wait(timeout=30)
            status = call()
            with lock:
                statuses.append(status)
        except BaseException as error:  # noqa: BLE001 - any escape (500, deadlock) is a failure
            with lock:
                errors.append(error)
        finally:
            connection.close()  # each thread has its own connection; give it back

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses, errors


@pytest.mark.django_db(transaction=True)
def test_cancel_racing_acceptances_never_leaves_an_active_match() -> None:
    alice = make_user("alice@example.com", display_name="Alice")
    resident = Client()
    resident.force_login(alice)
    volunteers = []
    for n in range(ACCEPTING):
        client = Client()
        client.force_login(make_volunteer(email=f"racer{n}@example.com", capacity=10).user)
        volunteers.append(client)

    def cancel(pk: int) -> Callable[[], int]:
        url = reverse("requests:cancel", args=[pk])
        return lambda: resident.post(url, {"reason": "Solved it myself"}).status_code

    def accept(client: Client, pk: int) -> Callable[[], int]:
        url = reverse("matching:accept", args=[pk])
        return lambda: client.post(url).status_code

    tasks: list[HelpRequest] = []
    for round_number in range(ROUNDS):
        task = make_open_request(alice, title=f"Race round {round_number}")
        tasks.append(task)
        calls = [accept(client, task.pk) for client in volunteers]
        calls.insert(round_number % (ACCEPTING + 1), cancel(task.pk))
        statuses, errors = run_at_once(calls)
        assert errors == [], f"round {round_number}: {errors!r}"
        assert set(statuses) <= {302, 409}, f"round {round_number}: {statuses}"

    assert set(
        HelpRequest.objects.filter(pk__in=[t.pk for t in tasks]).values_list("status", flat=True)
    ) == {RequestStatus.CANCELLED}
    stranded = Match.objects.filter(request__in=tasks, status__in=ACTIVE_STATUSES)
    assert list(stranded.values_list("request__title", "status")) == []


EDIT_ROUNDS = 30
# Alternate edits: one Bob no longer fits (evenings only), one he still fits (weekends too).
EDITS = [["weekday_evening"], ["weekday_daytime", "weekend"]]


@pytest.mark.django_db(transaction=True)
def test_an_edit_racing_an_approval_never_leaves_an_unfit_approved_match() -> None:
    alice = make_user("alice@example.com", display_name="Alice")
    carol = make_user("carol@example.com", is_staff=True, is_superuser=True)
    bob = make_volunteer(email="bob@example.com", capacity=10)
    outcomes: list[tuple[str, str]] = []

    for round_number in range(EDIT_ROUNDS):
        task = make_open_request(alice, title=f"Edit race {round_number}")
        match = match_accept(help_request=task, volunteer=bob)
        availability = EDITS[round_number % 2]
        results: dict[str, str] = {}

        def edit(
            task: HelpRequest = task,
            availability: list[str] = availability,
            results: dict[str, str] = results,
        ) -> int:
            try:
                request_update(
                    help_request=task, by=alice, data=request_data(availability=availability)
                )
            except RequestError:
                results["edit"] = "refused"
            else:
                results["edit"] = "saved"
            return 0

        def approve(match: Match = match, results: dict[str, str] = results) -> int:
            try:
                match_approve(match=match, by=carol, **approval())
            except MatchError:
                results["approve"] = "refused"
            else:
                results["approve"] = "approved"
            return 0

        calls = [edit, approve] if round_number % 4 < 2 else [approve, edit]
        _statuses, errors = run_at_once(calls)
        assert errors == [], f"round {round_number}: {errors!r}"

        match.refresh_from_db()
        task.refresh_from_db()
        outcomes.append((results["edit"], results["approve"]))
        if match.status == MatchStatus.APPROVED:
            volunteer = Volunteer.objects.prefetch_related("categories", "topics").get(pk=bob.pk)
            fresh = HelpRequest.objects.prefetch_related("topics").get(pk=task.pk)
            assert (
                failed_filters(request_profile(fresh), volunteer_profile(volunteer, open_tasks=0))
                == ()
            ), f"round {round_number}: approved a match Bob no longer fits"
            # Approved first: the edit found the request matched and changed nothing.
            assert results == {"edit": "refused", "approve": "approved"}, round_number
            assert fresh.availability == ["weekday_daytime"]
            assert fresh.status == RequestStatus.MATCHED
        else:
            # Edited first: the match went back to Bob (or was withdrawn); no approval.
            assert results == {"edit": "saved", "approve": "refused"}, round_number
            assert match.status in (MatchStatus.RECONFIRM, MatchStatus.WITHDRAWN)
            assert task.availability == availability
            assert task.status == RequestStatus.MATCHING
        request_cancel(help_request=task, by=alice)  # frees Bob's capacity for the next round
    print("edit-vs-approve outcomes:", Counter(outcomes))  # noqa: T201 - seen with -s
