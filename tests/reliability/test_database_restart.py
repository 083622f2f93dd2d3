"""The database dropped the web process's connection (a restart, a failover): the next page works.

A real gunicorn process keeps its connection between requests (CONN_MAX_AGE); the test kills that
connection from PostgreSQL's side, as a restart does, and loads a page again.
"""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tests.donations.factories import make_campaign
from tests.reliability.conftest import (
    APPLICATION_NAME,
    admin_connection,
    database_url,
    start_process,
    subprocess_env,
    terminate_our_connections,
    wait_for,
)

WEB = f"{APPLICATION_NAME}-web"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def _web_backends() -> list[int]:
    with admin_connection() as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [WEB],
        ).fetchall()
    return [pid for (pid,) in rows]


@pytest.fixture
def gunicorn(tmp_path):  # noqa: ANN001, ANN201
    """The site under gunicorn (one sync worker), on this test run's database."""
    port = _free_port()
    env = subprocess_env(DATABASE_URL=database_url().replace(APPLICATION_NAME, WEB))
    log = tmp_path / "gunicorn.log"
    process = start_process(
        ["-m", "gunicorn", "otonari.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env,
        log,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return _get(base + "/healthz")[0] == 200
        except OSError:
            return False

    try:
        assert wait_for(up, 30, 0.2), log.read_text()
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        terminate_our_connections()


@pytest.mark.django_db(transaction=True)
def test_a_page_loads_after_the_database_dropped_the_connection(gunicorn) -> None:  # noqa: ANN001
    campaign = make_campaign()
    url = f"{gunicorn}/en/support/"
    status, body = _get(url)
    assert status == 200 and campaign.title_en in body
    (backend,) = _web_backends()  # one connection, kept between requests

    with admin_connection() as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", [backend])
    assert wait_for(lambda: backend not in _web_backends(), 5)

    status, body = _get(url)
    assert status == 200
    assert campaign.title_en in body
    assert _web_backends() and backend not in _web_backends()  # it connected again
