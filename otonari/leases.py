"""Leases on outbox rows: a running task keeps its claim fresh; a dead one loses it in a minute.

A task claims its row with a conditional UPDATE that sets ``claimed_at`` (status "running" or
"sending"). While it works, a ``Heartbeat`` thread moves ``claimed_at`` forward every third of the
lease, on the condition that it still holds the value this run last wrote. A claim older than the
lease is a dead worker's: the sweep hands the job on. The value of ``claimed_at`` is also the
run's fencing token: a run writes its result only while the row still carries it, so a run that
stalled past its lease (a paused machine) and was replaced cannot overwrite the newer run.
"""

from __future__ import annotations

import datetime
import logging
import threading
from types import TracebackType

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


def task_lease() -> datetime.timedelta:
    """How long a claim lives without a heartbeat (settings.TASK_LEASE_SECONDS)."""
    return datetime.timedelta(seconds=float(settings.TASK_LEASE_SECONDS))


class Heartbeat:
    """Renew ``claimed_at`` of the rows in ``claimed`` while the ``with`` block runs.

    ``claimed`` selects this run's rows by everything but the clock (primary key, status);
    ``token`` is the ``claimed_at`` the claim wrote. After the block, ``ours()`` selects the rows
    still held by this run: write the result through it (or under a row lock on it), and nothing
    is written if another run has taken over.
    """

    def __init__(self, claimed: QuerySet, *, token: datetime.datetime) -> None:
        self._claimed = claimed
        self.token = token
        self.interval = task_lease().total_seconds() / 3
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        # Inside a transaction the claim is not committed: no other connection can see it, take
        # it over or renew it (the renewal would only wait for this transaction's lock).
        if not connections[self._claimed.db].in_atomic_block:
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def ours(self) -> QuerySet:
        """The rows this run still holds (use once the heartbeat has stopped)."""
        return self._claimed.filter(claimed_at=self.token)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                if not self._renew():
                    return  # taken over: nothing left to renew
        finally:
            connections.close_all()  # this thread's own connection

    def _renew(self) -> bool:
        now = timezone.now()
        try:
            renewed = self._claimed.filter(claimed_at=self.token).update(claimed_at=now)
        except Exception as error:  # the database may be back at the next beat
            logger.warning("Lease not renewed (%s); trying again.", type(error).__name__)
            connections[self._claimed.db].close()
            return True
        if not renewed:
            logger.warning(
                "Lease lost: another run has taken over (%s).", self._claimed.model.__name__
            )
            return False
        self.token = now
        return True
