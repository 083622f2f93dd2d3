"""The matching panel on a request's admin page: stored candidates with reasons in every state,
the current match with its actions, and a web process that never ranks or encodes."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext

from matching import embeddings, ranking, ranking_services
from matching.models import Decline, Match, MatchStatus
from matching.ranking_models import RankedCandidate, RankingJob, RankingStatus
from matching.ranking_services import ranking_run
from matching.selectors import candidates_for_request
from matching.services import match_accept
from requests_app.models import RequestStatus
from requests_app.services import request_transition
from tests.factories import make_user, url_in
from tests.volunteers.factories import make_open_request, make_volunteer

pytestmark = pytest.mark.django_db


@contextmanager
def ranking_forbidden() -> Iterator[None]:
    """Fails the test if anything in here ranks, loads the embedding model or encodes a text."""

    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the web process ranked or encoded")

    with (
        mock.patch.object(embeddings, "_cache", {}),  # a model loaded earlier must load again
        mock.patch.object(embeddings, "load_embedder", forbidden),
        mock.patch.object(embeddings.CachedEmbedder, "_encode", forbidden),
        mock.patch.object(ranking, "rank", forbidden),
        mock.patch.object(ranking_services, "rank", forbidden),
        mock.patch.object(ranking_services, "rank_help_request", forbidden),
    ):
        yield


@pytest.fixture
def dan(db):  # noqa: ANN001, ANN201
    """A second approved volunteer who fits Alice's usual request."""
    return make_volunteer(make_user("dan@example.com", display_name="Dan"))


def page_of(client, help_request, language: str = "en") -> str:  # noqa: ANN001
    url = url_in(language, "admin:requests_app_helprequest_change", help_request.pk)
    with ranking_forbidden():
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def propose_url(help_request, volunteer) -> str:  # noqa: ANN001
    return (
        f"{url_in('en', 'admin:matching_match_propose', help_request.pk)}?volunteer={volunteer.pk}"
    )


def in_progress_text(job: RankingJob, language: str) -> str:
    with translation.override(language):
        time = date_format(timezone.localtime(job.requested_at), "DATETIME_FORMAT")
        return escape(gettext("Ranking in progress (queued at %(time)s).") % {"time": time})


@pytest.mark.parametrize("language", ["ja", "en", "ne"])
def test_with_no_stored_ranking_the_page_says_ranking_in_progress_and_ranks_nothing(
    client,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    carol,  # noqa: ANN001
    language: str,
) -> None:
    task = make_open_request(alice)  # queued for ranking; no worker ran yet
    client.force_login(carol)
    html = page_of(client, task, language)
    assert in_progress_text(RankingJob.objects.get(request=task), language) in html
    assert not RankedCandidate.objects.exists()
    assert propose_url(task, bob) not in html
    assert 'form="rank-again-form"' not in html  # a fresh job needs no "rank again"


def test_a_stored_ranking_shows_the_candidates_with_reasons(client, alice, bob, dan, carol) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    assert ranking_run(request_id=task.pk) == 2
    client.force_login(carol)
    html = page_of(client, task)
    with translation.override("en"), ranking_forbidden():
        rows = candidates_for_request(task)
    assert {row.volunteer for row in rows} == {bob, dan}
    for row in rows:
        assert row.reasons
        for reason in row.reasons:
            assert escape(reason) in html
        assert propose_url(task, row.volunteer) in html
    assert "Ranking in progress" not in html
    assert "Ranked at" in html


def test_after_acceptance_the_candidates_stay_with_the_match_and_its_actions(
    client,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    dan,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    task = make_open_request(alice)
    ranking_run(request_id=task.pk)
    match = match_accept(help_request=task, volunteer=bob)
    client.force_login(carol)
    html = page_of(client, task)
    assert "Current match: Waiting for staff approval" in html
    assert url_in("en", "admin:matching_match_approve", match.pk) in html
    assert url_in("en", "admin:matching_match_reject", match.pk) in html
    # Dan is still listed to compare, but a second proposal waits until this match is gone.
    assert url_in("en", "admin:volunteers_volunteer_change", dan.pk) in html
    assert propose_url(task, dan) not in html
    assert "first reject the current match" in html

    client.post(url_in("en", "admin:matching_match_reject", match.pk), {"reason": "No reply"})
    html = page_of(client, task)
    assert "Latest match" in html
    assert "Earlier match: Not approved" in html
    assert propose_url(task, dan) in html  # propose another


def test_after_approval_the_candidates_and_the_match_state_stay(
    client,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    dan,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    task = make_open_request(alice)
    ranking_run(request_id=task.pk)
    match = match_accept(help_request=task, volunteer=bob)
    # Approved as match_approve leaves it (its own rules are tested in test_match_admin).
    Match.objects.filter(pk=match.pk).update(status=MatchStatus.APPROVED)
    request_transition(help_request=task, to=RequestStatus.MATCHED, by=carol)
    client.force_login(carol)
    html = page_of(client, task)
    assert "Current match: Approved" in html
    assert url_in("en", "admin:matching_match_reject", match.pk) in html
    assert url_in("en", "admin:volunteers_volunteer_change", dan.pk) in html
    assert "?volunteer=" not in html


def test_declines_and_filters_that_no_longer_pass_are_shown_without_a_propose_button(
    client,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    dan,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    task = make_open_request(alice)
    ranking_run(request_id=task.pk)
    Decline.objects.create(request=task, volunteer=bob)
    dan.status = "paused"
    dan.save(update_fields=["status"])
    client.force_login(carol)
    html = page_of(client, task)
    assert "said this request is not for them" in html
    assert "paused" in html
    assert propose_url(task, bob) not in html
    assert propose_url(task, dan) not in html


def test_staff_without_the_approve_permission_see_no_action_buttons(client, alice, bob) -> None:  # noqa: ANN001
    clerk = make_user("clerk@example.com", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename="view_helprequest"))
    task = make_open_request(alice)
    ranking_run(request_id=task.pk)
    match = match_accept(help_request=task, volunteer=bob)
    client.force_login(clerk)
    html = page_of(client, task)
    assert "Current match: Waiting for staff approval" in html
    assert url_in("en", "admin:matching_match_approve", match.pk) not in html


def test_the_page_makes_the_same_number_of_queries_for_one_or_six_candidates(
    client,  # noqa: ANN001
    django_assert_num_queries,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    carol,  # noqa: ANN001
) -> None:
    one = make_open_request(alice, title="One candidate")
    ranking_run(request_id=one.pk)
    match_accept(help_request=one, volunteer=bob)
    for number in range(5):
        make_volunteer(make_user(f"v{number}@example.com", display_name=f"V{number}"))
    six = make_open_request(alice, title="Six candidates")
    ranking_run(request_id=six.pk)
    match_accept(help_request=six, volunteer=bob)
    assert RankedCandidate.objects.filter(request=one).count() == 1
    assert RankedCandidate.objects.filter(request=six).count() == 6
    client.force_login(carol)
    page_of(client, one)  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as baseline:
        page_of(client, one)
    with django_assert_num_queries(len(baseline)):
        html = page_of(client, six)
    assert html.count("admin/volunteers/volunteer/") >= 6


def test_a_failed_ranking_can_be_queued_again_through_the_outbox(
    client,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    carol,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    task = make_open_request(alice)
    RankingJob.objects.filter(request=task).update(status=RankingStatus.FAILED, attempts=5)
    generation = RankingJob.objects.get(request=task).generation
    client.force_login(carol)
    html = page_of(client, task)
    assert "The ranking failed" in html
    assert 'form="rank-again-form"' in html
    url = url_in("en", "admin:requests_app_helprequest_rank_again", task.pk)
    assert url in html
    with ranking_forbidden(), django_capture_on_commit_callbacks() as queued:
        response = client.post(url)
    assert response.status_code == 302
    job = RankingJob.objects.get(request=task)
    assert (job.status, job.generation, job.attempts) == (RankingStatus.PENDING, generation + 1, 0)
    assert len(queued) == 1  # the publish, after commit: a worker ranks it
    assert not RankedCandidate.objects.exists()


def test_a_ranking_on_its_way_is_not_queued_twice(client, alice, carol) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    generation = RankingJob.objects.get(request=task).generation
    client.force_login(carol)
    with ranking_forbidden():
        client.post(url_in("en", "admin:requests_app_helprequest_rank_again", task.pk))
    assert RankingJob.objects.get(request=task).generation == generation


def test_a_stale_ranking_says_so_and_offers_rank_again(client, alice, carol) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    RankingJob.objects.filter(request=task).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client.force_login(carol)
    html = page_of(client, task)
    assert "taking longer than usual" in html
    assert 'form="rank-again-form"' in html


def test_rank_again_needs_post_and_the_change_permission(client, alice) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    RankingJob.objects.filter(request=task).update(status=RankingStatus.FAILED)
    clerk = make_user("clerk@example.com", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename="view_helprequest"))
    client.force_login(clerk)
    url = url_in("en", "admin:requests_app_helprequest_rank_again", task.pk)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert RankingJob.objects.get(request=task).status == RankingStatus.FAILED


def test_a_closed_request_is_not_ranked_again(client, alice, carol) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    request_transition(help_request=task, to=RequestStatus.CLOSED, by=carol)
    RankingJob.objects.filter(request=task).update(status=RankingStatus.FAILED)
    client.force_login(carol)
    response = client.post(
        url_in("en", "admin:requests_app_helprequest_rank_again", task.pk), follow=True
    )
    assert "Only a request that is received or looking for a volunteer is ranked." in (
        response.content.decode()
    )
    assert RankingJob.objects.get(request=task).status == RankingStatus.FAILED


def test_the_task_board_reads_the_stored_ranking_and_never_ranks(client, alice, bob) -> None:  # noqa: ANN001
    task = make_open_request(alice)
    ranking_run(request_id=task.pk)
    client.force_login(bob.user)
    with ranking_forbidden():
        board = client.get(url_in("en", "matching:board"))
        detail = client.get(url_in("en", "matching:task", task.pk))
    assert board.status_code == detail.status_code == 200
    assert task.title in board.content.decode()
    assert Match.objects.count() == 0
