"""A worker killed mid-task (a real process, SIGKILL): its job is redone within the lease and the
sweep interval, exactly once, and never while the first run is still alive.

The task is held mid-way in a real way: the test locks a table the task reads next, so the task
waits inside PostgreSQL after claiming its job. The lease is a few seconds here (production: 60 s,
with a sweep every 30 s: a job is redone within about 100 s of its worker's death).
"""

from __future__ import annotations

import datetime
import signal
import time

import pytest
from django.utils import timezone

from accounts.models import User
from matching.ranking_models import RankedCandidate, RankingJob, RankingStatus
from matching.ranking_services import ranking_run, rankings_sweep
from notifications.models import Notification, Status
from notifications.services import notifications_sweep, notify
from tests.factories import make_request
from tests.reliability.conftest import our_sessions, table_locked, wait_for
from tests.volunteers.factories import make_volunteer
from volunteers.models import Volunteer

LEASE = 3.0  # seconds
SWEEP_EVERY = 0.5  # seconds: the test sweeps as beat would, only more often


@pytest.fixture
def short_lease(settings):  # noqa: ANN001, ANN201
    settings.TASK_LEASE_SECONDS = LEASE
    return LEASE


def _job(help_request) -> RankingJob:  # noqa: ANN001
    return RankingJob.objects.get(request=help_request)


def _claimed(help_request) -> bool:  # noqa: ANN001
    job = _job(help_request)
    return job.status == RankingStatus.RUNNING and job.attempts == 1


def _the_one_holding_the_task(workers):  # noqa: ANN001, ANN202
    """The worker whose task has claimed its job and now waits on the locked table."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        holding = [worker for worker in workers if worker.is_waiting_on_a_lock()]
        if holding:
            assert len(holding) == 1
            return holding[0]
        time.sleep(0.1)
    raise AssertionError("no worker reached the locked table")


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_ranking_is_redone_soon_and_once(alice, short_lease, start_worker) -> None:  # noqa: ANN001
    make_volunteer(email="ram@example.com")
    help_request = make_request(alice)  # queued on commit

    with table_locked(Volunteer._meta.db_table) as lock:
        workers = [start_worker("a"), start_worker("b")]
        running = _the_one_holding_the_task(workers)
        (survivor,) = [w for w in workers if w is not running]
        assert _claimed(help_request)
        first_claim = _job(help_request).claimed_at

        # Alive and working for longer than the lease: its heartbeat keeps the claim, so
        # neither the sweep nor a duplicate message starts a second run.
        time.sleep(LEASE * 1.5)
        assert rankings_sweep() == 0, our_sessions()
        assert ranking_run(request_id=help_request.pk) is None
        job = _job(help_request)
        assert (job.status, job.attempts) == (RankingStatus.RUNNING, 1)
        assert job.claimed_at > first_claim  # renewed

        running.signal(signal.SIGKILL)
        running.process.wait(timeout=10)
        killed_at = time.monotonic()
        lock.execute("ROLLBACK")  # the table is free again; the dead run cannot go on

    def taken_over() -> bool:
        rankings_sweep()  # what beat runs every OUTBOX_SWEEP_SECONDS
        return _job(help_request).attempts == 2

    assert wait_for(taken_over, LEASE + 10, SWEEP_EVERY), survivor.output()
    took = time.monotonic() - killed_at
    assert took < LEASE + 3, f"taken over {took:.1f} s after the kill"
    assert wait_for(lambda: _job(help_request).status == RankingStatus.DONE, 30), survivor.output()
    job = _job(help_request)
    assert job.attempts == 2  # the killed run and the one that finished: nothing else
    assert RankedCandidate.objects.filter(request=help_request).count() == 1
    assert "rank_request" in survivor.output()


@pytest.mark.django_db(transaction=True)
def test_a_run_that_stalled_past_its_lease_writes_nothing_over_the_run_that_replaced_it(
    alice,
    short_lease,
    start_worker,  # noqa: ANN001
) -> None:
    make_volunteer(email="ram@example.com")
    help_request = make_request(alice)

    with table_locked(Volunteer._meta.db_table) as lock:
        stalled = start_worker("a")
        _the_one_holding_the_task([stalled])
        stalled.signal(signal.SIGSTOP)  # a frozen machine: no heartbeat either
        assert wait_for(
            lambda: (
                _job(help_request).claimed_at < timezone.now() - datetime.timedelta(seconds=LEASE)
            ),
            LEASE * 3,
        )
        lock.execute("ROLLBACK")

    # Its lease has run out: another run takes the job over and finishes it.
    assert ranking_run(request_id=help_request.pk) == 1
    stored = list(RankedCandidate.objects.values_list("pk", "ranked_at"))

    stalled.signal(signal.SIGCONT)  # it wakes up, finishes its ranking, and must write nothing
    assert wait_for(lambda: "was taken over" in stalled.output(), 20), stalled.output()
    assert list(RankedCandidate.objects.values_list("pk", "ranked_at")) == stored
    job = _job(help_request)
    assert (job.status, job.attempts) == (RankingStatus.DONE, 2)


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_email_is_sent_soon_and_once(
    alice,
    short_lease,
    start_worker,  # noqa: ANN001
) -> None:
    notification = notify(
        event="request_received",
        recipient=alice,
        key="request_received:1",
        context={"title": "Help at the city office", "category": "Official papers"},
    )  # queued on commit

    with table_locked(User._meta.db_table) as lock:  # delivery reads the recipient next
        workers = [start_worker("a"), start_worker("b")]
        sending = _the_one_holding_the_task(workers)
        (survivor,) = [w for w in workers if w is not sending]

        time.sleep(LEASE * 1.5)
        sweep = notifications_sweep()
        assert (sweep.released, sweep.enqueued) == (0, 0), our_sessions()
        row = Notification.objects.get(pk=notification.pk)
        assert (row.status, row.attempts) == (Status.SENDING, 1)

        sending.signal(signal.SIGKILL)
        sending.process.wait(timeout=10)
        killed_at = time.monotonic()
        lock.execute("ROLLBACK")

    def taken_over() -> bool:
        notifications_sweep()
        return Notification.objects.get(pk=notification.pk).attempts == 2

    assert wait_for(taken_over, LEASE + 10, SWEEP_EVERY), survivor.output()
    took = time.monotonic() - killed_at
    assert took < LEASE + 3, f"taken over {took:.1f} s after the kill"
    assert wait_for(
        lambda: Notification.objects.get(pk=notification.pk).status == Status.SENT, 30
    ), survivor.output()
    assert Notification.objects.get(pk=notification.pk).attempts == 2
    # The console email backend of the workers prints what they send: one email, by the survivor.
    assert survivor.output().count("Subject: ") == 1
    assert "Subject: " not in sending.output()
