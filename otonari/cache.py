"""A Redis cache that behaves as an empty cache while Redis is unreachable, instead of failing.

The cache holds nothing that cannot be lost: computed figures (campaign progress) and the
counters of rate limits (sign-in, support messages). So while Redis is down every read is a miss
and every write is dropped: pages are computed afresh and rate limits let requests through (fail
open). That is logged as a warning at most once a minute per process, naming no key (keys can
hold a hashed address). After a failure Redis is left alone for a few seconds, so a page that
reads the cache ten times waits for at most one connection timeout, not ten.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

import redis.exceptions
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Redis gone (refused, reset, unknown host) or not answering in time; a Redis still loading its
# data raises a ConnectionError subclass. Other Redis errors are bugs and still raise.
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

RETRY_AFTER = 5.0  # seconds without asking Redis after a failure
WARN_EVERY = 60.0  # seconds between two warnings


class _Outage:
    """Per process and server: when Redis last failed, and when we last said so."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failed_at: float | None = None
        self.warned_at: float | None = None

    def is_down(self) -> bool:
        failed_at = self.failed_at
        return failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            self.failed_at = now
            if self.warned_at is not None and now - self.warned_at < WARN_EVERY:
                return
            self.warned_at = now
        logger.warning(
            "Cache unavailable (%s): pages are computed without it and rate limits are not "
            "enforced until it is back.",
            type(error).__name__,
        )

    def succeeded(self) -> None:
        if self.failed_at is None:
            return
        with self.lock:
            if self.failed_at is None:
                return
            self.failed_at = None
        logger.info("Cache available again.")


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _missing_key() -> int:
    raise ValueError("Key not found: the cache is unavailable.")


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose every operation answers as an empty cache while Redis is down.

    ``get`` returns the default and ``has_key`` False; ``add`` reports the value added, as if it
    had been evicted at once (so a lock kept in the cache does not wait for a cache that is gone);
    ``incr`` raises ``ValueError`` as for a missing key; writes and deletes do nothing.
    """

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._outage = _outage_for(server if isinstance(server, str) else ",".join(server))

    def _call(self, operation: Callable[[], T], fallback: Callable[[], T]) -> T:
        if self._outage.is_down():
            return fallback()
        try:
            result = operation()
        except UNAVAILABLE as error:
            self._outage.failed(error)
            return fallback()
        self._outage.succeeded()
        return result

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._call(partial(super().add, key, value, timeout, version), lambda: True)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call(partial(super().get, key, default, version), lambda: default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._call(partial(super().set, key, value, timeout, version), lambda: None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(partial(super().touch, key, timeout, version), lambda: False)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._call(partial(super().delete, key, version), lambda: False)

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        return self._call(partial(super().get_many, list(keys), version), dict)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._call(partial(super().has_key, key, version), lambda: False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._call(partial(super().incr, key, delta, version), _missing_key)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return self._call(partial(super().set_many, data, timeout, version), lambda: list(data))

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        self._call(partial(super().delete_many, list(keys), version), lambda: None)

    def clear(self) -> None:
        self._call(super().clear, lambda: None)
