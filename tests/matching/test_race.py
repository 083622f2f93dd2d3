"""Exactly one acceptance wins, with real threads and real connections on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from matching.models import Match, MatchStatus
from tests.factories import make_user
from tests.volunteers.factories import make_open_request, make_volunteer

VOLUNTEERS = 24


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_many_simultaneous_acceptances_wins() -> None:
    resident = make_user("resident@example.com", display_name="Resident")
    task = make_open_request(resident)
    url = reverse("matching:accept", args=[task.pk])
    clients = []
    for n in range(VOLUNTEERS):
        client = Client()
        client.force_login(make_volunteer(email=f"racer{n}@example.com").user)
        clients.append(client)

    start = threading.Barrier(VOLUNTEERS)
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def accept(client: Client) -> None:
        try:
            start.wait(timeout=30)
            response = client.post(url)
            with lock:
                statuses.append(response.status_code)
        except BaseException as error:  # noqa: BLE001 - any escape is a failure to report
            with lock:
                errors.append(error)
        finally:
            connection.close()  # each thread has its own connection; give it back

    threads = [threading.Thread(target=accept, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(statuses) == [302] + [409] * (VOLUNTEERS - 1)
    matches = Match.objects.filter(request=task)
    assert matches.count() == 1
    assert matches.get().status == MatchStatus.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_one_volunteer_racing_for_two_tasks_stays_within_capacity() -> None:
    resident = make_user("resident@example.com", display_name="Resident")
    tasks = [make_open_request(resident, title=f"Request number {n}") for n in range(6)]
    volunteer = make_volunteer(email="busy@example.com", capacity=1)
    clients = []
    for _task in tasks:
        client = Client()
        client.force_login(volunteer.user)
        clients.append(client)
    start = threading.Barrier(len(tasks))
    errors: list[BaseException] = []

    def accept(client: Client, pk: int) -> None:
        try:
            start.wait(timeout=30)
            client.post(reverse("matching:accept", args=[pk]))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=accept, args=(client, task.pk))
        for client, task in zip(clients, tasks, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Match.objects.filter(volunteer=volunteer).count() == 1
