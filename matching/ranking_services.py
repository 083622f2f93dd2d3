"""The ranking against the database: schedule (outbox), run, store candidates, read them back.

``matching.ranking.rank`` does the work on plain profiles; this module feeds it the approved
volunteers with their current load, keeps every encoded text in ``Embedding`` so an unchanged
text is never encoded again, and stores the result as ``RankedCandidate`` rows that the task
board and the staff admin read.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
from django.db import transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from otonari.leases import Heartbeat, task_lease
from otonari.queue import publish
from requests_app.models import HelpRequest, RequestStatus
from volunteers.models import Volunteer, VolunteerStatus

from . import events
from .embeddings import CachedEmbedder, get_embedder, text_hash
from .models import OPEN_TASK_STATUSES, MatchStatus
from .profiles import request_profile, volunteer_profile
from .ranking import (
    FILTER_APPROVED,
    Candidate,
    Reason,
    VolunteerIndex,
    VolunteerProfile,
    failed_filters,
    rank,
    render_reason,
    request_text,
    volunteer_clauses,
    volunteer_text,
)
from .ranking_models import Embedding, RankedCandidate, RankingJob, RankingStatus

logger = logging.getLogger(__name__)

RANK_LIMIT = 20  # candidates kept per request
RECENT_LOAD_DAYS = 30  # the window of "recent load" for fairness
# A running job's claim is a lease (settings.TASK_LEASE_SECONDS, otonari/leases.py): renewed while
# its worker lives, handed on by the sweep soon after the worker died.
SWEEP_AFTER = datetime.timedelta(minutes=1)  # pending this long: the queue message was lost
MAX_ATTEMPTS = 5
STALE_AFTER = datetime.timedelta(minutes=2)  # queued this long: staff may queue it again
RANKED_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.MATCHING)


# --- the vector store ---------------------------------------------------------------------------


class DbVectorStore(MutableMapping[tuple[str, str], np.ndarray]):
    """``Embedding`` rows of one model as a ``CachedEmbedder`` store: preload, encode, flush."""

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self._new: dict[tuple[str, str], np.ndarray] = {}

    def preload(self, keys: Iterable[tuple[str, str]]) -> None:
        wanted = {key for key in keys if key not in self._vectors}
        hashes = sorted({text_hash_ for _kind, text_hash_ in wanted})
        for start in range(0, len(hashes), 1000):
            rows = Embedding.objects.filter(
                model_name=self.model_name, text_hash__in=hashes[start : start + 1000]
            ).only("kind", "text_hash", "dim", "vector")
            for row in rows:
                self._vectors[(row.kind, row.text_hash)] = row.as_array()

    def flush(self) -> int:
        """Write the vectors encoded since the last flush; returns how many."""
        rows = [
            Embedding(
                model_name=self.model_name,
                kind=kind,
                text_hash=hash_,
                dim=int(vector.shape[0]),
                vector=np.ascontiguousarray(vector, dtype=np.float32).tobytes(),
            )
            for (kind, hash_), vector in self._new.items()
        ]
        Embedding.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        self._new.clear()
        return len(rows)

    def __getitem__(self, key: tuple[str, str]) -> np.ndarray:
        return self._vectors[key]

    def __setitem__(self, key: tuple[str, str], vector: np.ndarray) -> None:
        self._vectors[key] = vector
        self._new[key] = vector

    def __delitem__(self, key: tuple[str, str]) -> None:
        del self._vectors[key]
        self._new.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._vectors

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._vectors)

    def __len__(self) -> int:
        return len(self._vectors)


def _db_embedder() -> tuple[CachedEmbedder, DbVectorStore]:
    shared = get_embedder()  # the model, loaded once per process
    store = DbVectorStore(shared.name)
    return CachedEmbedder(shared.inner, store), store


def _keys_for(
    name: str, requests: Sequence[str], volunteers: Sequence[VolunteerProfile]
) -> Iterator[tuple[str, str]]:
    for text in requests:
        yield ("query", text_hash(name, text))
    for volunteer in volunteers:
        yield ("passage", text_hash(name, volunteer_text(volunteer)))
        for clause in volunteer_clauses(volunteer):
            yield ("passage", text_hash(name, clause.text))


# --- the pool -------------------------------------------------------------------------------------


def volunteer_pool(*, only: Iterable[int] | None = None) -> list[VolunteerProfile]:
    """Approved (or paused) volunteers as profiles with their open tasks and recent load."""
    since = timezone.now() - datetime.timedelta(days=RECENT_LOAD_DAYS)
    volunteers = (
        Volunteer.objects.filter(status__in=[VolunteerStatus.APPROVED, VolunteerStatus.PAUSED])
        .prefetch_related("categories", "topics")
        .annotate(
            open_count=Count(
                "matches", filter=Q(matches__status__in=OPEN_TASK_STATUSES), distinct=True
            ),
            recent_count=Count(
                "matches",
                filter=Q(
                    matches__created_at__gte=since,
                    matches__status__in=[*OPEN_TASK_STATUSES, MatchStatus.COMPLETED],
                ),
                distinct=True,
            ),
        )
        .order_by("pk")
    )
    if only is not None:
        volunteers = volunteers.filter(pk__in=list(only))
    return [
        replace(volunteer_profile(v, open_tasks=v.open_count), recent_load=v.recent_count)
        for v in volunteers
    ]


def rank_help_request(
    help_request: HelpRequest, *, limit: int | None = RANK_LIMIT
) -> tuple[list[Candidate], str]:
    """Rank the volunteer pool for one request (no writes but new embeddings)."""
    profile = request_profile(help_request)
    pool = volunteer_pool()
    embedder, store = _db_embedder()
    store.preload(_keys_for(embedder.name, [request_text(profile)], pool))
    index = VolunteerIndex.build(pool, embedder=embedder)
    candidates = rank(profile, index, embedder=embedder, limit=limit)
    store.flush()
    return candidates, embedder.name


# --- the outbox -----------------------------------------------------------------------------------


def ranking_schedule(*, request_id: int) -> None:
    """Record that a request needs ranking (in the caller's transaction), queue it after commit.

    A run in progress keeps its claim: it sees the newer generation when it ends and hands the
    job back for another run, so two runs of one request never overlap."""
    now = timezone.now()
    updated = RankingJob.objects.filter(request_id=request_id).update(
        status=Case(
            When(status=RankingStatus.RUNNING, then=Value(RankingStatus.RUNNING)),
            default=Value(RankingStatus.PENDING),
        ),
        generation=F("generation") + 1,
        requested_at=now,
        attempts=0,
    )
    if not updated:
        RankingJob.objects.create(request_id=request_id, requested_at=now)
    transaction.on_commit(partial(_publish_rank, request_id))


def _publish_rank(request_id: int) -> bool:
    from .tasks import rank_request  # the tasks module imports this one

    return publish(rank_request, request_id)


def _lease_expired(now: datetime.datetime) -> Q:
    return Q(status=RankingStatus.RUNNING) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - task_lease())
    )


def ranking_run(*, request_id: int) -> int | None:
    """Rank one request if its job is due; returns the number of candidates, None if not run.

    Safe to run twice: a second delivery finds the job claimed or done and does nothing. The
    claim is a lease kept alive while this runs; the result is written only if this run still
    holds it (never over a run that took over) and the request was not edited meanwhile.
    """
    now = timezone.now()
    claimed = (
        RankingJob.objects.filter(request_id=request_id)
        .filter(
            Q(status=RankingStatus.PENDING) | (_lease_expired(now) & Q(attempts__lt=MAX_ATTEMPTS))
        )
        .update(status=RankingStatus.RUNNING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    job = RankingJob.objects.get(request_id=request_id)
    lease = Heartbeat(RankingJob.objects.filter(pk=job.pk, status=RankingStatus.RUNNING), token=now)
    try:
        with lease:
            help_request = (
                HelpRequest.objects.select_related("category")
                .prefetch_related("topics")
                .get(pk=request_id)
            )
            if help_request.status in RANKED_STATUSES:
                candidates, model_name = rank_help_request(help_request)
            else:
                candidates, model_name = [], ""
    except Exception as error:
        with transaction.atomic():
            generation = _still_ours(lease)
            if generation is not None:
                edited = generation != job.generation  # a fresh version gets fresh tries
                gave_up = not edited and job.attempts >= MAX_ATTEMPTS
                RankingJob.objects.filter(pk=job.pk).update(
                    status=RankingStatus.FAILED if gave_up else RankingStatus.PENDING,
                    last_error=type(error).__name__,
                )
                if edited:
                    transaction.on_commit(partial(_publish_rank, request_id))
        raise
    with transaction.atomic():
        generation = _still_ours(lease)
        if generation is None:
            logger.warning(
                "Ranking of request %s was taken over; this run's result is dropped.", request_id
            )
            return None
        if generation != job.generation:
            # Edited while it ranked: this result answers an older version. Once more.
            RankingJob.objects.filter(pk=job.pk).update(status=RankingStatus.PENDING)
            transaction.on_commit(partial(_publish_rank, request_id))
            return None
        if help_request.status in RANKED_STATUSES:  # a closed request keeps its last ranking
            RankedCandidate.objects.filter(request_id=request_id).delete()
            RankedCandidate.objects.bulk_create(
                [
                    RankedCandidate(
                        request_id=request_id,
                        volunteer_id=int(candidate.volunteer_id),
                        position=position,
                        score=float(candidate.score),
                        reasons=[
                            {"code": r.code, "params": dict(r.params)} for r in candidate.reasons
                        ],
                        components={k: float(v) for k, v in candidate.components.items()},
                        model_name=model_name,
                        ranked_at=now,
                    )
                    for position, candidate in enumerate(candidates, start=1)
                ]
            )
        RankingJob.objects.filter(pk=job.pk).update(
            status=RankingStatus.DONE, ranked_at=now, model_name=model_name, last_error=""
        )
        if help_request.status == RequestStatus.MATCHING:
            # Each volunteer hears of a task once, however often it is re-ranked.
            events.new_task_announce(help_request, [int(c.volunteer_id) for c in candidates])
    return len(candidates)


def _still_ours(lease: Heartbeat) -> int | None:
    """Lock the job row if this run still holds it; its generation, or None if taken over.

    The lock fences the write that follows: a run taking over waits for it, then finds the job
    done (or handed back) and leaves it alone."""
    return lease.ours().select_for_update().values_list("generation", flat=True).first()


def rankings_sweep(*, now: datetime.datetime | None = None) -> int:
    """Beat, every OUTBOX_SWEEP_SECONDS: queue again what a broker outage or a dead worker left
    behind, and give up on a job whose worker died MAX_ATTEMPTS times; returns how many queued."""
    now = now or timezone.now()
    RankingJob.objects.filter(_lease_expired(now), attempts__gte=MAX_ATTEMPTS).update(
        status=RankingStatus.FAILED, last_error="WorkerLost"
    )
    due = RankingJob.objects.filter(
        Q(status=RankingStatus.PENDING, requested_at__lt=now - SWEEP_AFTER) | _lease_expired(now)
    ).values_list("request_id", flat=True)[:500]
    return sum(_publish_rank(request_id) for request_id in due)


def embeddings_refresh_volunteer(*, volunteer_id: int) -> int:
    """Encode a volunteer's changed texts now, so rankings never wait for them; returns new rows."""
    pool = volunteer_pool(only=[volunteer_id])
    if not pool:
        return 0
    embedder, store = _db_embedder()
    store.preload(_keys_for(embedder.name, [], pool))
    VolunteerIndex.build(pool, embedder=embedder)
    return store.flush()


def ranking_volunteer_changed(*, volunteer_id: int) -> int:
    """After a volunteer is approved or changes their profile: re-rank the open requests they fit.

    Call it inside the transaction that changed the volunteer: the outbox rows commit with it,
    and encoding the new texts is queued after commit (best effort; a ranking encodes what is
    missing anyway)."""
    pool = volunteer_pool(only=[volunteer_id])
    if not pool:
        return 0
    profile = replace(pool[0], open_tasks=0)  # rank them even when busy today
    open_requests = (
        HelpRequest.objects.filter(status__in=RANKED_STATUSES)
        .select_related("category")
        .prefetch_related("topics")
    )
    fits = [r.pk for r in open_requests if not failed_filters(request_profile(r), profile)]
    with transaction.atomic():
        for request_id in fits:
            ranking_schedule(request_id=request_id)
        transaction.on_commit(partial(_publish_refresh, volunteer_id))
    return len(fits)


def _publish_refresh(volunteer_id: int) -> bool:
    from .tasks import refresh_volunteer_embeddings

    return publish(refresh_volunteer_embeddings, volunteer_id)


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedRow:
    volunteer: Volunteer
    position: int
    score: float
    reasons: list[str]
    open_tasks: int


@dataclass(frozen=True)
class StoredCandidate:
    """A stored candidate as staff compare them, also after someone accepted."""

    volunteer: Volunteer
    position: int
    score: float
    reasons: list[str]
    open_tasks: int
    failed: tuple[str, ...]  # the hard filters the volunteer fails today; empty: still fits
    ranked_at: datetime.datetime


def stored_candidates(help_request: HelpRequest) -> list[StoredCandidate]:
    """Every stored candidate of a request, best first, with reasons in the active language and
    the hard filters each one fails today. Never ranks or encodes, in a fixed number of queries
    (the web process only reads what the worker stored)."""
    rows = list(
        RankedCandidate.objects.filter(request=help_request)
        .select_related("volunteer__user")
        .order_by("position")
    )
    if not rows:
        return []
    request_prof = request_profile(help_request)
    pool = {p.id: p for p in volunteer_pool(only=[row.volunteer_id for row in rows])}
    candidates = []
    for row in rows:
        profile = pool.get(str(row.volunteer_id))  # missing: no longer approved
        candidates.append(
            StoredCandidate(
                volunteer=row.volunteer,
                position=row.position,
                score=row.score,
                reasons=[
                    render_reason(Reason(r["code"], r.get("params", {}))) for r in row.reasons
                ],
                open_tasks=profile.open_tasks if profile else 0,
                failed=failed_filters(request_prof, profile) if profile else (FILTER_APPROVED,),
                ranked_at=row.ranked_at,
            )
        )
    return candidates


def ranked_candidates(help_request: HelpRequest) -> list[RankedRow]:
    """The stored ranking, best first, without volunteers who no longer fit; reasons in the
    active language. Empty until a worker stored a ranking: see ``ranking_state``."""
    return [
        RankedRow(
            volunteer=candidate.volunteer,
            position=candidate.position,
            score=candidate.score,
            reasons=candidate.reasons,
            open_tasks=candidate.open_tasks,
        )
        for candidate in stored_candidates(help_request)
        if not candidate.failed
    ]


@dataclass(frozen=True)
class RankingState:
    """Where the ranking of one request stands, for staff: queued, ranked, failed or stuck."""

    status: str  # a RankingStatus, or "" if the request was never queued
    requested_at: datetime.datetime | None = None
    ranked_at: datetime.datetime | None = None
    stuck: bool = False  # failed, lost or its worker died: staff may queue it again

    @property
    def in_progress(self) -> bool:
        return self.status in (RankingStatus.PENDING, RankingStatus.RUNNING)

    @property
    def failed(self) -> bool:
        return self.status == RankingStatus.FAILED


def _ranking_stuck(job: RankingJob, now: datetime.datetime) -> bool:
    if job.status == RankingStatus.FAILED:
        return True
    if job.status == RankingStatus.PENDING:
        return job.requested_at < now - STALE_AFTER
    if job.status == RankingStatus.RUNNING:
        # Only once its claim ran out: a live worker may still be ranking it.
        return job.claimed_at is None or job.claimed_at < now - task_lease()
    return False


def ranking_state(
    help_request: HelpRequest, *, now: datetime.datetime | None = None
) -> RankingState:
    """The ranking job of a request as staff see it (one query)."""
    job = RankingJob.objects.filter(request=help_request).first()
    if job is None:
        return RankingState(status="", stuck=help_request.status in RANKED_STATUSES)
    return RankingState(
        status=job.status,
        requested_at=job.requested_at,
        ranked_at=job.ranked_at,
        stuck=_ranking_stuck(job, now or timezone.now()),
    )


class RankingError(Exception):
    """A ranking request staff may not make (the message is translated)."""


def ranking_retry(*, help_request: HelpRequest, now: datetime.datetime | None = None) -> bool:
    """Staff's "rank again": queue a failed, lost or stuck ranking once more through the outbox
    (the worker ranks; never this process). False if a ranking is already on its way."""
    if help_request.status not in RANKED_STATUSES:
        raise RankingError(
            _("Only a request that is received or looking for a volunteer is ranked.")
        )
    with transaction.atomic():
        job = RankingJob.objects.select_for_update().filter(request=help_request).first()
        if job is not None and not _ranking_stuck(job, now or timezone.now()):
            return False
        ranking_schedule(request_id=help_request.pk)
    return True


def board_scores(volunteer: Volunteer, request_ids: Iterable[int]) -> dict[int, float]:
    """How well this volunteer fits each request, from the stored rankings (one query)."""
    return dict(
        RankedCandidate.objects.filter(
            volunteer=volunteer, request_id__in=list(request_ids)
        ).values_list("request_id", "score")
    )
