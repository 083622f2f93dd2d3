"""Publishing Celery tasks so that a broker outage loses nothing and fails no page.

Callers keep the pending work in the database (an outbox row); publishing is only a nudge, made
after the write has committed. So a failure to publish is never the caller's error: it is logged
(the task name and primary keys only, never personal data) and a periodic sweep re-publishes.
How long a publish may wait is set by the broker timeouts in settings (a fraction of a second).
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
    """``task.delay(*args)``; False (and a log line naming only the task) if it was not queued."""
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
    except Exception:
        # Anything else (a result backend, a serializer) is a bug to fix, but the write it follows
        # has committed: log it with its traceback (the arguments are primary keys), carry on.
        logger.exception(
            "%s%r not queued, the sweep will retry: unexpected error.", task.name, args
        )
        return False
    return True
