"""Reliability test setup: a Redis that is down, the Celery app pointed elsewhere, real processes."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from otonari.celery import app

BASE_DIR = Path(__file__).resolve().parents[2]
DEAD_PORT = 6390
DEAD_REDIS = f"redis://127.0.0.1:{DEAD_PORT}/0"
# Marks the database connections of this test run's processes (other runs may go on beside it).
APPLICATION_NAME = f"otonari-reliability-{os.getpid()}"


def _port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _reset_connections() -> None:
    """Forget the broker connections and the result backend the app has made so far."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    app._local = threading.local()


@contextlib.contextmanager
def celery_configured(**conf: Any) -> Iterator[None]:
    """Change the Celery app's configuration in this process for a while, then restore it."""
    saved = {name: app.conf[name] for name in conf}
    app.conf.update(conf)
    _reset_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_connections()


@pytest.fixture
def redis_down() -> Iterator[str]:
    """The Celery broker and the result backend both on a port where nothing listens."""
    assert _port_is_closed(DEAD_PORT), f"something listens on {DEAD_PORT}; the test needs it dead"
    with celery_configured(broker_url=DEAD_REDIS, result_backend=DEAD_REDIS):
        yield DEAD_REDIS


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A "Redis" that accepts connections and never answers (hung, or behind a dead link)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):  # the listener closed at the end of the test
            while True:
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        listener.close()
        for conn in accepted:
            conn.close()


@pytest.fixture
def cache_down(settings) -> str:  # noqa: ANN001
    """The project's cache backend, as configured, but on a port where nothing listens."""
    assert _port_is_closed(DEAD_PORT), f"something listens on {DEAD_PORT}; the test needs it dead"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    return DEAD_REDIS


def database_url() -> str:
    """This test run's database (the test database, not the dev one), for a subprocess."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        f"?application_name={APPLICATION_NAME}"
    )


def admin_connection() -> psycopg.Connection:
    """A connection of its own (autocommit) to the test database, beside Django's."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )


def terminate_our_connections() -> None:
    """Our subprocesses' database sessions, so the test database can be dropped at the end."""
    with admin_connection() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE %s "
            "AND pid <> pg_backend_pid()",
            [f"{APPLICATION_NAME}%"],
        )


def our_sessions() -> list[tuple]:
    """What our subprocesses' database sessions are doing (for failure messages)."""
    with admin_connection() as conn:
        return conn.execute(
            "SELECT application_name, state, wait_event_type, wait_event, left(query, 120) "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name LIKE %s ORDER BY application_name",
            [f"{APPLICATION_NAME}%"],
        ).fetchall()


def subprocess_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "otonari"),
        "DEBUG": "1",
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition: Any, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


class Worker:
    """A real Celery worker process (solo pool) on this test run's database and broker keys."""

    def __init__(self, name: str, log_dir: Path, env: dict[str, str]) -> None:
        self.name = name
        self.application_name = f"{APPLICATION_NAME}-{name}"
        self.log = log_dir / f"worker-{name}.log"
        env = {
            **env,
            "DATABASE_URL": database_url().replace(APPLICATION_NAME, self.application_name),
        }
        self.process = start_process(
            [
                "-m", "celery", "-A", "tests.reliability.worker_app", "worker",
                "--pool=solo", "--without-heartbeat", "--without-mingle", "--without-gossip",
                "--loglevel=INFO", "-n", f"{name}@%h",
            ],
            env,
            self.log,
        )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30) -> None:
        assert wait_for(lambda: " ready." in self.output(), timeout, 0.1), self.output()

    def is_waiting_on_a_lock(self) -> bool:
        """Its task is inside a query that waits for a lock the test holds."""
        with admin_connection() as conn:
            return bool(
                conn.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = %s AND wait_event_type = 'Lock'",
                    [self.application_name],
                ).fetchone()
            )

    def signal(self, signum: int) -> None:
        os.kill(self.process.pid, signum)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def broker_keys() -> Iterator[str]:
    """Broker keys of this test's own (a prefix): only its worker processes see its tasks."""
    import redis

    prefix = f"otonari-reliability-{os.getpid()}-{time.monotonic_ns()}:"
    options = {**app.conf.broker_transport_options, "global_keyprefix": prefix}
    with celery_configured(broker_transport_options=options):
        yield prefix
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def start_worker(broker_keys, tmp_path, settings) -> Iterator[Any]:  # noqa: ANN001
    """Start real worker processes: ``start_worker("a")``; all are killed at the end."""
    started: list[Worker] = []
    env = subprocess_env(
        TEST_BROKER_KEYPREFIX=broker_keys, TASK_LEASE_SECONDS=str(settings.TASK_LEASE_SECONDS)
    )

    def start(name: str) -> Worker:
        worker = Worker(name, tmp_path, env)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
        terminate_our_connections()


@contextlib.contextmanager
def table_locked(table: str) -> Iterator[psycopg.Connection]:
    """Hold an exclusive lock on a table: a task that reads it waits, mid-task, until released."""
    conn = admin_connection()
    try:
        conn.execute("BEGIN")
        conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        yield conn
    finally:
        conn.execute("ROLLBACK")  # released (if the test has not already done so)
        conn.close()
