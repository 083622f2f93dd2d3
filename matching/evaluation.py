"""Offline evaluation of the volunteer ranking on labelled sets (shared/matching-eval format).

Metrics follow ``shared/matching-eval/README.md``: nDCG@5 (gain 2^rel - 1), top-1 acceptable
(rel >= 2), infeasible@5 (only requests with at least five rel >= 1 volunteers) and MRR of the
first rel-3 volunteer (rel-2 where the request has no 3). Judgements are kept apart from the
profiles, so nothing handed to a ranker can read them.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matching.ranking import (
    DEFAULT_WEIGHTS,
    RequestProfile,
    VolunteerIndex,
    VolunteerProfile,
    Weights,
    is_feasible,
    rank,
    request_text,
)

Rankings = dict[str, list[str]]
Judgements = dict[str, dict[str, int]]


@dataclass(frozen=True)
class EvalSet:
    name: str
    volunteers: tuple[VolunteerProfile, ...]
    requests: tuple[RequestProfile, ...]
    # request id -> {volunteer id: relevance}; empty when the file carries no judgements.
    judgements: Judgements

    @property
    def has_judgements(self) -> bool:
        return any(self.judgements.values())


def volunteer_from_dict(row: Mapping[str, Any]) -> VolunteerProfile:
    return VolunteerProfile(
        id=str(row["id"]),
        languages=tuple(row.get("languages", ())),
        prefecture=row.get("prefecture", ""),
        municipality=row.get("municipality", ""),
        categories=tuple(row.get("categories", ())),
        topics=tuple(row.get("topics", ())),
        modes=tuple(row.get("modes", ())),
        availability=tuple(row.get("availability", ())),
        bio=row.get("bio", ""),
    )


def request_from_dict(row: Mapping[str, Any]) -> RequestProfile:
    return RequestProfile(
        id=str(row["id"]),
        category=row.get("category", ""),
        topics=tuple(row.get("topics", ())),
        languages=tuple(row.get("languages", ())),
        prefecture=row.get("prefecture", ""),
        municipality=row.get("municipality", ""),
        mode=row.get("mode", ""),
        availability=tuple(row.get("availability", ())),
        title=row.get("title", ""),
        description=row.get("description", ""),
    )


def load_eval_set(path: str | Path) -> EvalSet:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    requests = data.get("requests", [])
    return EvalSet(
        name=data.get("name", Path(path).stem),
        volunteers=tuple(volunteer_from_dict(row) for row in data.get("volunteers", [])),
        requests=tuple(request_from_dict(row) for row in requests),
        judgements={
            str(row["id"]): {str(k): int(v) for k, v in (row.get("relevance") or {}).items()}
            for row in requests
        },
    )


# --- metrics -------------------------------------------------------------------------------


def dcg(relevances: Sequence[int]) -> float:
    return sum((2**rel - 1) / math.log2(position + 2) for position, rel in enumerate(relevances))


def ndcg_at(ranking: Sequence[str], judged: Mapping[str, int], k: int = 5) -> float | None:
    """nDCG@k of one ranking; None when the request has no relevant volunteer at all."""
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    if ideal == 0:
        return None
    return dcg([judged.get(vid, 0) for vid in ranking[:k]]) / ideal


def top1_acceptable(ranking: Sequence[str], judged: Mapping[str, int]) -> bool:
    return bool(ranking) and judged.get(ranking[0], 0) >= 2


def infeasible_at(
    ranking: Sequence[str], judged: Mapping[str, int], k: int = 5
) -> tuple[int, int] | None:
    """(rel-0 slots in the top k, k), or None when fewer than k volunteers have rel >= 1."""
    if sum(1 for rel in judged.values() if rel >= 1) < k:
        return None
    return sum(1 for vid in ranking[:k] if judged.get(vid, 0) == 0), k


def reciprocal_rank(ranking: Sequence[str], judged: Mapping[str, int]) -> float | None:
    """1/rank of the first rel-3 volunteer (rel-2 when none is 3); None when there is neither."""
    best = max(judged.values(), default=0)
    if best < 2:
        return None
    target = 3 if best >= 3 else 2
    for position, vid in enumerate(ranking, start=1):
        if judged.get(vid, 0) >= target:
            return 1.0 / position
    return 0.0


@dataclass(frozen=True)
class Metrics:
    ndcg5: float
    top1_acceptable: float
    infeasible5: float
    mrr: float
    requests: int

    def as_dict(self) -> dict[str, float]:
        return {
            "ndcg@5": round(self.ndcg5, 4),
            "top1_acceptable": round(self.top1_acceptable, 4),
            "infeasible@5": round(self.infeasible5, 4),
            "mrr": round(self.mrr, 4),
            "requests": self.requests,
        }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def compute_metrics(rankings: Mapping[str, Sequence[str]], judgements: Judgements) -> Metrics:
    ndcgs: list[float] = []
    tops: list[float] = []
    rrs: list[float] = []
    bad_slots = total_slots = 0
    for request_id, judged in judgements.items():
        ranking = list(rankings.get(request_id, ()))
        if (value := ndcg_at(ranking, judged)) is not None:
            ndcgs.append(value)
        tops.append(1.0 if top1_acceptable(ranking, judged) else 0.0)
        if (slots := infeasible_at(ranking, judged)) is not None:
            bad_slots += slots[0]
            total_slots += slots[1]
        if (rr := reciprocal_rank(ranking, judged)) is not None:
            rrs.append(rr)
    return Metrics(
        ndcg5=_mean(ndcgs),
        top1_acceptable=_mean(tops),
        infeasible5=bad_slots / total_slots if total_slots else 0.0,
        mrr=_mean(rrs),
        requests=len(judgements),
    )


# --- rankers under test ----------------------------------------------------------------------

Ranker = Callable[[RequestProfile, Sequence[VolunteerProfile]], list[str]]


def random_ranker(seed: int = 0) -> Ranker:
    """Baseline: every volunteer (feasible or not) in a seeded random order."""

    def rank_randomly(request: RequestProfile, volunteers: Sequence[VolunteerProfile]) -> list[str]:
        ids = sorted(v.id for v in volunteers)
        random.Random(f"{seed}:{request.id}").shuffle(ids)  # noqa: S311 - not for security
        return ids

    return rank_randomly


def filters_only_ranker(
    request: RequestProfile, volunteers: Sequence[VolunteerProfile]
) -> list[str]:
    """Baseline: the hard filters, feasible volunteers ordered by id."""
    return sorted(v.id for v in volunteers if is_feasible(request, v))


def run_ranker(ranker: Ranker, eval_set: EvalSet) -> Rankings:
    return {request.id: ranker(request, eval_set.volunteers) for request in eval_set.requests}


def ranker_rankings(
    eval_set: EvalSet, *, embedder=None, weights: Weights = DEFAULT_WEIGHTS
) -> Rankings:
    """The real ranker's full ranking (feasible volunteers, best first) for every request."""
    semantic = weights.uses_semantics
    index = VolunteerIndex.build(eval_set.volunteers, embedder=embedder if semantic else None)
    queries = (
        embedder.encode_queries([request_text(r) for r in eval_set.requests])
        if semantic and embedder is not None and eval_set.requests
        else [None] * len(eval_set.requests)
    )
    return {
        request.id: [
            c.volunteer_id
            for c in rank(request, index, embedder=embedder, weights=weights, query_vector=q)
        ]
        for request, q in zip(eval_set.requests, queries, strict=True)
    }


def evaluate(eval_set: EvalSet, *, embedder, seed: int = 0) -> tuple[dict[str, Metrics], Rankings]:
    """Metrics for the ranker, its ablation without semantics and the two baselines.

    Returns the metrics by row name and the ranker's own rankings (for --rankings-out).
    """
    ranked = ranker_rankings(eval_set, embedder=embedder)
    rows = {
        "ranker": compute_metrics(ranked, eval_set.judgements),
        "ranker_without_semantics": compute_metrics(
            ranker_rankings(eval_set, weights=DEFAULT_WEIGHTS.without_semantics()),
            eval_set.judgements,
        ),
        "filters_only": compute_metrics(
            run_ranker(filters_only_ranker, eval_set), eval_set.judgements
        ),
        "random": compute_metrics(run_ranker(random_ranker(seed), eval_set), eval_set.judgements),
    }
    return rows, ranked
