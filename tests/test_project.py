"""Project-level checks: deployment settings and the docker-compose file."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import compose

ROOT = pathlib.Path(__file__).resolve().parent.parent
COMPOSE_BINARY = pathlib.Path(compose.__file__).with_name("docker-compose")


# Set for the browser tests in this process only (their live server runs beside an event loop);
# a production-like command must not inherit it.
TEST_ONLY_ENV = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    inherited = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_ENV}
    return subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, env={**inherited, **env}, timeout=120
    )


def test_healthz_answers_when_the_database_is_up(client, db) -> None:  # noqa: ANN001
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY="x7#kq!2v9zPm@4rT8wLs$Yb6nC1dF3hJ5gK0eQ-uA_iO+pZ-long-random-3fK9",
        ALLOWED_HOSTS="otonari.example",
        DATABASE_URL="postgres://otonari@db.example:5432/otonari",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_collectstatic_builds_the_manifest_whitenoise_serves(tmp_path: pathlib.Path) -> None:
    result = _run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        DEBUG="0",
        SECRET_KEY="x7#kq!2v9zPm@4rT8wLs$Yb6nC1dF3hJ5gK0eQ-uA_iO+pZ-long-random-3fK9",
        ALLOWED_HOSTS="otonari.example",
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    import json

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "css/site.css" in manifest["paths"]
    hashed = manifest["paths"]["css/site.css"]
    assert (tmp_path / hashed).exists() and (tmp_path / f"{hashed}.gz").exists()


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _run([sys.executable, "manage.py", "check"], DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_docker_compose_file_is_valid() -> None:
    result = _run(
        [str(COMPOSE_BINARY), "-f", "docker-compose.yml", "config", "--quiet"], SECRET_KEY="s"
    )
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [str(COMPOSE_BINARY), "-f", "docker-compose.yml", "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_compose_validator_catches_a_broken_file(tmp_path: pathlib.Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  web:\n    depends_on: [nowhere]\n    image: x\n")
    result = _run([str(COMPOSE_BINARY), "-f", str(broken), "config", "--quiet"])
    assert result.returncode != 0


def test_docker_compose_has_the_full_stack() -> None:
    result = _run(
        [str(COMPOSE_BINARY), "-f", "docker-compose.yml", "config", "--format", "json"],
        SECRET_KEY="s",
    )
    import json

    config = json.loads(result.stdout)
    services = config["services"]
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} <= set(services)
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], name
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["redis"]["condition"] == "service_healthy"
