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
from django.db.models import Count, F, Q
from django.utils import timezone

from otonari.queue import publish
from requests_app.models import HelpRequest, RequestStatus
from volunteers.models import Volunteer, VolunteerStatus

from . import events
from .embeddings import CachedEmbedder, get_embedder, text_hash
from .models import OPEN_TASK_STATUSES, MatchStatus
from .profiles import request_profile, volunteer_profile
from .ranking import (
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
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)  # a run older than this died with its worker
SWEEP_AFTER = datetime.timedelta(minutes=1)  # pending this long: the queue message was lost
MAX_ATTEMPTS = 5
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
    """Record that a request needs ranking (in the caller's transaction), queue it after commit."""
    now = timezone.now()
    updated = RankingJob.objects.filter(request_id=request_id).update(
        status=RankingStatus.PENDING, generation=F("generation") + 1, requested_at=now, attempts=0
    )
    if not updated:
        RankingJob.objects.create(request_id=request_id, requested_at=now)
    transaction.on_commit(partial(_publish_rank, request_id))


def _publish_rank(request_id: int) -> bool:
    from .tasks import rank_request  # the tasks module imports this one

    return publish(rank_request, request_id)


def ranking_run(*, request_id: int) -> int | None:
    """Rank one request if its job is due; returns the number of candidates, None if not due.

    Safe to run twice: a second delivery finds the job claimed or done and does nothing.
    """
    now = timezone.now()
    claimed = (
        RankingJob.objects.filter(request_id=request_id)
        .filter(
            Q(status=RankingStatus.PENDING)
            | Q(status=RankingStatus.RUNNING, claimed_at__lt=now - CLAIM_TIMEOUT)
        )
        .update(status=RankingStatus.RUNNING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    job = RankingJob.objects.get(request_id=request_id)
    help_request = (
        HelpRequest.objects.select_related("category").prefetch_related("topics").get(pk=request_id)
    )
    try:
        if help_request.status in RANKED_STATUSES:
            candidates, model_name = rank_help_request(help_request)
        else:
            candidates, model_name = [], ""
    except Exception as error:
        RankingJob.objects.filter(pk=job.pk, generation=job.generation).update(
            status=RankingStatus.FAILED if job.attempts >= MAX_ATTEMPTS else RankingStatus.PENDING,
            last_error=type(error).__name__,
        )
        raise
    with transaction.atomic():
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
        RankingJob.objects.filter(
            pk=job.pk, generation=job.generation, status=RankingStatus.RUNNING
        ).update(status=RankingStatus.DONE, ranked_at=now, model_name=model_name, last_error="")
        if help_request.status == RequestStatus.MATCHING:
            # Each volunteer hears of a task once, however often it is re-ranked.
            events.new_task_announce(help_request, [int(c.volunteer_id) for c in candidates])
    return len(candidates)


def rankings_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again what a broker outage or a dead worker left behind; returns how many."""
    now = now or timezone.now()
    due = RankingJob.objects.filter(
        Q(status=RankingStatus.PENDING, requested_at__lt=now - SWEEP_AFTER)
        | Q(status=RankingStatus.RUNNING, claimed_at__lt=now - CLAIM_TIMEOUT)
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


def ranked_candidates(help_request: HelpRequest) -> list[RankedRow]:
    """The stored ranking, best first, without volunteers who no longer fit; reasons in the
    active language. Ranks live when nothing is stored yet (e.g. before the first run)."""
    rows = list(
        RankedCandidate.objects.filter(request=help_request)
        .select_related("volunteer__user")
        .order_by("position")
    )
    request_prof = request_profile(help_request)
    if rows:
        pool = {p.id: p for p in volunteer_pool(only=[row.volunteer_id for row in rows])}
        return [
            RankedRow(
                volunteer=row.volunteer,
                position=row.position,
                score=row.score,
                reasons=[
                    render_reason(Reason(r["code"], r.get("params", {}))) for r in row.reasons
                ],
                open_tasks=pool[str(row.volunteer_id)].open_tasks,
            )
            for row in rows
            if str(row.volunteer_id) in pool
            and not failed_filters(request_prof, pool[str(row.volunteer_id)])
        ]
    candidates, _model = rank_help_request(help_request)
    ids = [int(c.volunteer_id) for c in candidates]
    volunteers = Volunteer.objects.select_related("user").in_bulk(ids)
    loads = {p.id: p.open_tasks for p in volunteer_pool(only=ids)}
    return [
        RankedRow(
            volunteer=volunteers[int(c.volunteer_id)],
            position=position,
            score=float(c.score),
            reasons=[render_reason(r) for r in c.reasons],
            open_tasks=loads.get(c.volunteer_id, 0),
        )
        for position, c in enumerate(candidates, start=1)
    ]


def board_scores(volunteer: Volunteer, request_ids: Iterable[int]) -> dict[int, float]:
    """How well this volunteer fits each request, from the stored rankings (one query)."""
    return dict(
        RankedCandidate.objects.filter(
            volunteer=volunteer, request_id__in=list(request_ids)
        ).values_list("request_id", "score")
    )
