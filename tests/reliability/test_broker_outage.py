"""Redis down for Celery: a committed write is never turned into an error page or a long wait."""

from __future__ import annotations

import logging
import time

import pytest
from django.urls import reverse

from matching.ranking_models import RankingJob, RankingStatus
from matching.ranking_services import _publish_rank, _publish_refresh, rankings_sweep
from notifications.models import Notification, Status
from notifications.services import enqueue_delivery, notifications_sweep
from requests_app.models import HelpRequest
from tests.factories import form_data, make_request
from tests.reliability.conftest import celery_configured


@pytest.mark.django_db(transaction=True)
def test_a_request_is_saved_and_answered_at_once_while_redis_is_down(
    client,
    alice,
    redis_down,  # noqa: ANN001
    caplog,  # noqa: ANN001
) -> None:
    client.force_login(alice)
    caplog.set_level(logging.INFO)

    # Transactional: the on-commit publishes run inside the view, as in production.
    started = time.monotonic()
    response = client.post(reverse("requests:new"), form_data())
    elapsed = time.monotonic() - started

    help_request = HelpRequest.objects.get(resident=alice)
    assert response.status_code == 302
    assert response["Location"] == help_request.get_absolute_url()
    assert elapsed < 1.0, f"the page took {elapsed:.2f} s"
    # Both outbox rows wait for the sweep.
    assert RankingJob.objects.get(request=help_request).status == RankingStatus.PENDING
    notification = Notification.objects.get(recipient=alice, event="request_received")
    assert notification.status == Status.PENDING
    # The log names the tasks, never what the resident wrote.
    logged = caplog.text
    assert "matching.tasks.rank_request" in logged
    assert "notifications.tasks.send_notification" in logged
    assert help_request.title not in logged and alice.email not in logged


@pytest.mark.django_db
def test_every_publish_path_gives_up_quickly_and_quietly(alice, redis_down) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    notification = Notification.objects.get(recipient=alice, event="request_received")

    started = time.monotonic()
    assert _publish_rank(help_request.pk) is False
    assert enqueue_delivery(notification.pk) is False
    assert _publish_refresh(1) is False
    assert time.monotonic() - started < 1.0


@pytest.mark.django_db
def test_the_sweeps_keep_everything_pending_while_redis_is_down(alice, redis_down) -> None:  # noqa: ANN001
    make_request(alice)
    later = RankingJob.objects.get().requested_at.replace(year=2100)

    started = time.monotonic()
    assert rankings_sweep(now=later) == 0
    assert notifications_sweep(now=later).enqueued == 0
    assert time.monotonic() - started < 1.0
    assert RankingJob.objects.get().status == RankingStatus.PENDING
    assert Notification.objects.get().status == Status.PENDING


@pytest.mark.django_db
def test_a_broker_that_stopped_answering_holds_a_publish_for_half_a_second(
    alice,
    silent_redis,  # noqa: ANN001
) -> None:
    help_request = make_request(alice)

    with celery_configured(broker_url=silent_redis, result_backend=silent_redis):
        started = time.monotonic()
        assert _publish_rank(help_request.pk) is False
        elapsed = time.monotonic() - started

    assert elapsed < 1.0, f"the publish took {elapsed:.2f} s"
