"""Notification test setup: bob the volunteer and a stand-in for the broker queue."""

from __future__ import annotations

import pytest

from notifications.tasks import send_notification
from tests.factories import make_user


@pytest.fixture
def bob(db):  # noqa: ANN001, ANN201
    """A volunteer who reads English."""
    return make_user("bob@example.com", preferred_language="en", display_name="Bob")


class Queue(list):
    """What `send_notification.delay` would have put on the broker, run on demand."""

    def run(self) -> list[str]:
        outcomes = []
        while self:
            outcomes.append(send_notification.apply(args=[self.pop(0)]).get())
        return outcomes


@pytest.fixture
def queue(monkeypatch) -> Queue:  # noqa: ANN001
    """Record enqueued notification ids instead of publishing them to Redis.

    Tests with the real worker do not use this: they publish for real.
    """
    queued = Queue()
    monkeypatch.setattr(send_notification, "delay", queued.append)
    return queued
