"""Shared test setup: the real services, named people (alice, bob, carol, mallory) and factories."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import make_user

SERVICE_HELP = {
    "postgres": (
        "PostgreSQL at 127.0.0.1:5432 is not reachable. Start it with:\n"
        "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
        "and run the suite through `make test` (it sets DATABASE_URL)."
    ),
    "redis": (
        "Redis at 127.0.0.1:6379 is not reachable. Start it with:\n"
        "  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no "
        "--dir /var/lib/redis --logfile /var/log/redis/ci.log\n"
        "and run the suite through `make test` (it sets REDIS_URL)."
    ),
}


def _check_services() -> list[str]:
    problems = []
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        problems.append(
            "The tests run against PostgreSQL, but DATABASE_URL is not a postgres:// URL.\n"
            + SERVICE_HELP["postgres"]
        )
    else:
        import psycopg

        try:
            psycopg.connect(
                host=database["HOST"] or "127.0.0.1",
                port=database["PORT"] or 5432,
                user=database["USER"],
                dbname="postgres",
                connect_timeout=3,
            ).close()
        except psycopg.OperationalError as error:
            problems.append(f"{SERVICE_HELP['postgres']}\n  ({error})")
    if not settings.REDIS_URL:
        problems.append("The tests need Redis, but REDIS_URL is not set.\n" + SERVICE_HELP["redis"])
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            problems.append(f"{SERVICE_HELP['redis']}\n  ({error})")
    return problems


def pytest_sessionstart(session: pytest.Session) -> None:
    problems = _check_services()
    if problems:
        pytest.exit("Required services are missing:\n\n" + "\n\n".join(problems), returncode=3)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ANN201
    """Before the last test's fixtures (and the test database) go away, close this thread's
    database connections: a connection still open keeps PostgreSQL from dropping the database."""
    if nextitem is None:
        from django.db import connections

        connections.close_all()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # noqa: ANN001
    """Tests make many users and never measure the hasher: skip its deliberate slowness."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _taxonomy_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (real threads, the Celery worker, the browser) empty the database when
    they end, taking the data migration's categories and topics with them: put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not transactional:
        return
    request.getfixturevalue("_django_db_helper")
    from requests_app.models import Category, Topic
    from requests_app.taxonomy import sync_taxonomy

    if not Topic.objects.exists():
        sync_taxonomy(Category, Topic)


@pytest.fixture(autouse=True)
def _fresh_state() -> None:
    """Each test starts in Japanese (the default) with an empty cache."""
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    translation.activate("ja")


@pytest.fixture(autouse=True, scope="session")
def _private_media(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN202
    """Attachments written by the tests go to a temporary private directory, never the
    checkout's private_media/."""
    from django.conf import settings as django_settings
    from django.test import override_settings

    root = tmp_path_factory.mktemp("private_media")
    storages = {
        **django_settings.STORAGES,
        "private": {
            "BACKEND": "otonari.private_storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    with override_settings(STORAGES=storages, PRIVATE_MEDIA_ROOT=root):
        yield root


@pytest.fixture(autouse=True, scope="session")
def _force_login_includes_the_second_factor():  # noqa: ANN202
    """`Client.force_login` skips every sign-in step; for staff that includes the second factor
    (accounts/middleware.py), so their session is marked as having passed it. The sign-in itself,
    code and all, is tested through the real pages in tests/accounts/. Patched once for the
    session, apart from each test's own `monkeypatch` (whose `undo()` must not remove it)."""
    from django.test import Client

    from accounts.mfa import mark_session_mfa, mfa_required

    force_login = Client.force_login

    def force_login_with_mfa(self: Client, user, backend=None) -> None:  # noqa: ANN001
        force_login(self, user, backend)
        if mfa_required(user):
            session = self.session
            mark_session_mfa(session, user)
            session.save()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", force_login_with_mfa)
        yield


@pytest.fixture
def alice(db):  # noqa: ANN001, ANN201
    """A resident who writes in Nepali."""
    return make_user("alice@example.com", preferred_language="ne", display_name="Alice")


@pytest.fixture
def mallory(db):  # noqa: ANN001, ANN201
    """An outsider: signed in, but none of the data is hers."""
    return make_user("mallory@example.com", display_name="Mallory")


@pytest.fixture
def carol(db):  # noqa: ANN001, ANN201
    """Staff."""
    return make_user("carol@example.com", is_staff=True, is_superuser=True, display_name="Carol")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """A real Celery worker (in a thread) consuming from the test Redis broker.

    Use it from `@pytest.mark.django_db(transaction=True)` tests: the worker runs in another
    thread with its own database connection, so it only sees committed rows.
    """
    from celery.contrib.testing.worker import start_worker

    from otonari.celery import app

    assert not app.conf.task_always_eager, "the worker tests need REDIS_URL set"
    app.control.purge()  # messages left by earlier runs name rows that no longer exist
    from celery.signals import task_postrun
    from django.db import connections

    def close_connections(**_kwargs: object) -> None:
        # The worker thread's own connection: closed after each task, so the test database can
        # be dropped at the end of the run (no "being accessed by other users").
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with django_db_blocker.unblock():
            with start_worker(
                app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
            ) as worker:
                yield worker
    finally:
        task_postrun.disconnect(close_connections)
