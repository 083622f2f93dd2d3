"""Publishing Celery tasks so that a broker outage loses nothing.

Callers keep the pending work in the database (an outbox row); publishing is only a nudge. When
the broker is down the error is logged without personal data and a periodic sweep re-publishes.
"""

from __future__ import annotations

import logging
from typing import Any

import kombu.exceptions
import redis.exceptions

logger = logging.getLogger(__name__)

BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)


def publish(task: Any, *args: int) -> bool:
    """``task.delay(*args)``; False (and a log line naming only the task) if the broker is down."""
    try:
        task.delay(*args)
    except BROKER_ERRORS as error:
        logger.warning(
            "%s%r not queued, the sweep will retry: broker unavailable (%s).",
            task.name,
            args,
            type(error).__name__,
        )
        return False
    return True
