"""Time the real rank() path on synthetic volunteers against a plain numpy top-k floor (no database)."""

from __future__ import annotations

import json
import random
import resource
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from matching.ranking import (
    RequestProfile,
    VolunteerIndex,
    VolunteerProfile,
    rank,
    volunteer_clauses,
)
from requests_app.taxonomy import CATEGORIES, PREFECTURE_CODES

LANGUAGES = ("ja", "en", "ne", "zh", "vi", "tl", "pt", "id", "ko", "my")
MODES = ("in_person", "phone", "online")
SLOTS = ("weekday_daytime", "weekday_evening", "weekend")
SENTENCES = (
    "I have lived in {town} for {years} years.",
    "I often help neighbours with {topic}.",
    "I worked at the city office for {years} years.",
    "I have never done {topic} myself, but I can interpret.",
    "{town}に{years}年住んでいます。",
    "{topic}の手続きを何度も手伝いました。",
    "म {town} मा {years} वर्षदेखि बस्छु।",
)


def _unit_rows(rng: np.random.Generator, rows: int, dim: int) -> np.ndarray:
    matrix = rng.standard_normal((rows, dim), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix


def _pick(rnd: random.Random, items, low: int, high: int) -> tuple:
    return tuple(rnd.sample(items, rnd.randint(low, min(high, len(items)))))


def _place(rnd: random.Random) -> tuple[str, str]:
    # Half of everyone in the three biggest prefectures, as in real life; 5 towns per prefecture.
    prefecture = (
        rnd.choice(("Tokyo", "Kanagawa", "Osaka"))
        if rnd.random() < 0.5
        else rnd.choice(PREFECTURE_CODES)
    )
    return prefecture, f"{prefecture} town {rnd.randint(1, 5)}"


def synthetic_volunteers(count: int, seed: int) -> list[VolunteerProfile]:
    rnd = random.Random(seed)  # noqa: S311 - synthetic data, not security
    categories = list(CATEGORIES)
    out = []
    for i in range(count):
        cats = _pick(rnd, categories, 1, 2)
        topics = _pick(rnd, [t for c in cats for t in CATEGORIES[c]["topics"]], 1, 3)
        prefecture, town = _place(rnd)
        bio = " ".join(
            rnd.choice(SENTENCES).format(
                town=town, years=rnd.randint(1, 30), topic=rnd.choice(topics).replace("_", " ")
            )
            for _ in range(3)
        )
        out.append(
            VolunteerProfile(
                id=f"v{i:06d}",
                languages=("ja", *_pick(rnd, LANGUAGES[1:], 0, 2)),
                prefecture=prefecture,
                municipality=town,
                categories=cats,
                topics=topics,
                modes=_pick(rnd, MODES, 1, 3),
                availability=_pick(rnd, SLOTS, 1, 3),
                bio=bio,
                open_tasks=rnd.randint(0, 3),
                recent_load=rnd.randint(0, 4),
            )
        )
    return out


def synthetic_requests(count: int, seed: int) -> list[RequestProfile]:
    rnd = random.Random(seed + 1)  # noqa: S311 - synthetic data, not security
    out = []
    for i in range(count):
        category = rnd.choice(list(CATEGORIES))
        prefecture, town = _place(rnd)
        out.append(
            RequestProfile(
                id=f"r{i:05d}",
                category=category,
                topics=_pick(rnd, list(CATEGORIES[category]["topics"]), 1, 2),
                languages=_pick(rnd, LANGUAGES, 1, 3),
                prefecture=prefecture,
                municipality=town,
                mode=rnd.choice(MODES),
                availability=_pick(rnd, SLOTS, 1, 2),
                title="help",
                description="help",
            )
        )
    return out


def _percentiles(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(float(np.percentile(values, 50)), 2),
        "p95": round(float(np.percentile(values, 95)), 2),
    }


def _rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Command(BaseCommand):
    # Pure computation: no database, URLs or templates, so no system checks either.
    requires_system_checks: list[str] = []

    help = (
        "Benchmark rank() (filters + scoring + reasons, top k) against a numpy brute-force top-k."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--volunteers", default="1000,10000,100000", help="comma-separated sizes"
        )
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--dim", type=int, default=384)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        try:
            sizes = [int(size) for size in options["volunteers"].split(",") if size.strip()]
        except ValueError as exc:
            raise CommandError("--volunteers takes comma-separated integers") from exc
        limit, dim, seed = options["limit"], options["dim"], options["seed"]
        requests = synthetic_requests(options["requests"], seed)
        rng = np.random.default_rng(seed)
        queries = _unit_rows(rng, len(requests), dim)
        for size in sizes:
            started = time.perf_counter()
            volunteers = synthetic_volunteers(size, seed)
            clause_count = sum(len(volunteer_clauses(v)) for v in volunteers)
            index = VolunteerIndex.build(
                volunteers,
                profile_vectors=_unit_rows(rng, size, dim),
                clause_vectors=_unit_rows(rng, clause_count, dim),
            )
            build_s = time.perf_counter() - started
            rank_ms, vector_ms, floor_ms, feasible = [], [], [], []
            for request, query in zip(requests, queries, strict=True):
                timings: dict[str, float] = {}
                t0 = time.perf_counter()
                result = rank(request, index, query_vector=query, limit=limit, timings=timings)
                rank_ms.append((time.perf_counter() - t0) * 1000)
                vector_ms.append(timings["vector"])
                feasible.append(int(index.feasible_mask(request).sum()))
                assert len(result) <= limit  # noqa: S101 - a broken bench must not print numbers
                t0 = time.perf_counter()
                scores = index.profile_vectors @ query
                top = np.argpartition(-scores, limit)[:limit]
                top = top[np.argsort(-scores[top])]
                floor_ms.append((time.perf_counter() - t0) * 1000)
            vector_bytes = index.profile_vectors.nbytes + index.clause_vectors.nbytes
            report = {
                "volunteers": size,
                "clauses": clause_count,
                "requests": len(requests),
                "limit": limit,
                "feasible_mean": round(float(np.mean(feasible)), 1),
                "rank_ms": _percentiles(rank_ms),
                "rank_vector_part_ms": _percentiles(vector_ms),
                "numpy_floor_ms": _percentiles(floor_ms),
                "vector_part_over_floor_p50": round(
                    float(np.median(vector_ms) / max(np.median(floor_ms), 1e-6)), 2
                ),
                "vector_part_over_floor_p95": round(
                    float(np.percentile(vector_ms, 95) / max(np.percentile(floor_ms, 95), 1e-6)), 2
                ),
                "rss_mb": _rss_mb(),
                "vector_matrix_mb": round(vector_bytes / 2**20, 1),
                "build_s": round(build_s, 1),
            }
            self.stdout.write(json.dumps(report))
            del index, volunteers
