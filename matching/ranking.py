"""The one volunteer ranking: hard filters, then a scored and explained order of who fits best.

Everything here works on plain frozen dataclasses and numpy arrays, never the ORM, so the
evaluation command, the Celery task, the task board and the admin all call the same ``rank``.

How it scores, following the judgement rules in ``shared/matching-eval/README.md``:

* hard filters (category, shared language, mode, same prefecture in person, availability,
  approved, not paused, under capacity) remove a volunteer entirely;
* a volunteer with any "good fit" signal (request topic listed or told in the bio, the resident's
  first language, same municipality in person) goes above one with none;
* among them, first-hand experience with exactly this problem *together with* easy
  communication goes first. Experience is read from the free text: the request is compared
  with every bio clause (clauses that say "I have never done this" are kept apart and count
  against), and a small ja/en/ne topic lexicon notices topics told in other words.

For speed ``VolunteerIndex`` holds the profiles as arrays (boolean matrices for the set fields,
one profile vector per volunteer and the clause vectors in one matrix), built once and reused.
Vectors come from an embedder (see ``matching.embeddings``); pass a ``CachedEmbedder`` whose
store is pre-filled from the database so that unchanged texts are never encoded again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

import numpy as np

from matching.lexicon import topic_codes, topics_in
from matching.text_units import Clause, split_clauses
from requests_app.taxonomy import topic_names

IN_PERSON = "in_person"

# Hard-filter codes, in the order they are checked and reported.
FILTER_CATEGORY = "category"
FILTER_LANGUAGE = "language"
FILTER_MODE = "mode"
FILTER_PREFECTURE = "prefecture"
FILTER_AVAILABILITY = "availability"
FILTER_APPROVED = "approved"
FILTER_PAUSED = "paused"
FILTER_CAPACITY = "capacity"
FILTER_CODES = (
    FILTER_CATEGORY,
    FILTER_LANGUAGE,
    FILTER_MODE,
    FILTER_PREFECTURE,
    FILTER_AVAILABILITY,
    FILTER_APPROVED,
    FILTER_PAUSED,
    FILTER_CAPACITY,
)

# Reason codes (rendered by ``render_reason``).
REASON_BIO_MATCH = "bio_match"
REASON_TOPIC = "topic_experience"
REASON_FIRST_LANGUAGE = "first_language"
REASON_SAME_MUNICIPALITY = "same_municipality"
REASON_LOW_LOAD = "low_recent_load"


@dataclass(frozen=True, slots=True)
class VolunteerProfile:
    id: str
    languages: tuple[str, ...]
    prefecture: str
    municipality: str
    categories: tuple[str, ...]
    topics: tuple[str, ...]
    modes: tuple[str, ...]
    availability: tuple[str, ...]
    bio: str
    approved: bool = True
    paused: bool = False
    open_tasks: int = 0
    capacity: int = 3
    recent_load: int = 0  # requests taken recently; the DB layer decides the window


@dataclass(frozen=True, slots=True)
class RequestProfile:
    id: str
    category: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]  # most comfortable first
    prefecture: str
    municipality: str
    mode: str
    availability: tuple[str, ...]
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: Mapping[str, str | int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Candidate:
    volunteer_id: str
    score: float
    reasons: tuple[Reason, ...]
    components: Mapping[str, float] = field(hash=False)


@dataclass(frozen=True)
class Weights:
    """Every weight of the score, in one place. Components are 0/1 flags unless said otherwise."""

    # Any "good fit" signal of the judgement rules (topic listed or told in the bio, resident's
    # first language, same municipality in person): puts every such volunteer above those without.
    good_fit: float = 1.0
    # The request's topic is among the volunteer's listed topics (cheap to claim, so small).
    topic: float = 0.1
    # A bio clause without a lack cue names the request's topic (ja/en/ne lexicon).
    bio_topic: float = 0.4
    # The topic is named only in clauses that deny the experience ("never done this"): a decoy.
    bio_lacks_topic: float = -0.3
    # Speaks the resident's first language.
    first_language: float = 0.05
    # Same municipality, counted for in-person requests only.
    same_municipality: float = 0.15
    # Free-text experience (component "semantic": request vs bio, z-scored among candidates).
    semantic: float = 0.2
    # Experience AND easy communication (first language or same municipality): the rule for an
    # excellent fit, so the two multiply. Uses the positive part of "semantic".
    semantic_x_communication: float = 0.5
    # The lexicon's topic-in-bio AND easy communication.
    bio_topic_x_communication: float = 0.5
    # Fairness: 1 for no recent requests, falling to 0 at FAIRNESS_LOAD_CAP; a nudge, not a rule.
    fairness: float = 0.05
    # Inside "semantic": weight of the whole-profile vector next to the best bio clause.
    profile_share: float = 0.5
    # Inside "semantic": how much a denying clause that matches better than any positive clause
    # takes away (times the similarity gap).
    lack_penalty: float = 1.0

    def without_semantics(self) -> Weights:
        """The same ranker with no embedding model at all (the ablation)."""
        return replace(self, semantic=0.0, semantic_x_communication=0.0)

    @property
    def uses_semantics(self) -> bool:
        return bool(self.semantic or self.semantic_x_communication)


DEFAULT_WEIGHTS = Weights()
FAIRNESS_LOAD_CAP = 5
# Semantic z-scores are divided by at least this, so near-identical candidates don't blow up.
SEMANTIC_STD_FLOOR = 0.01
# A bio clause is quoted as a reason when the candidate's semantic z-score reaches this.
BIO_MATCH_THRESHOLD = 0.5
EXCERPT_CHARS = 140
# With a limit, only this many (or 10 x limit) best coarse candidates get clause-level scoring.
SHORTLIST_MIN = 200


# --- texts that get encoded ------------------------------------------------------------------


def _topic_labels(topics: Iterable[str]) -> str:
    parts = []
    for code in topics:
        names = topic_names(code)
        # Text is a TypedDict of ja/en/ne strings, but its .values() is typed as objects.
        parts.append(
            " / ".join(cast(Mapping[str, str], names).values()) if names else code.replace("_", " ")
        )
    return "; ".join(parts)


def request_text(request: RequestProfile) -> str:
    """The query text: title, description and the topic names in ja/en/ne."""
    return "\n".join(
        part for part in (request.title, request.description, _topic_labels(request.topics)) if part
    )


def volunteer_text(volunteer: VolunteerProfile) -> str:
    """The volunteer's profile passage: bio and listed topic names in ja/en/ne."""
    return "\n".join(part for part in (volunteer.bio, _topic_labels(volunteer.topics)) if part)


def volunteer_clauses(volunteer: VolunteerProfile) -> list[Clause]:
    """Bio clauses, each encoded as its own passage (``clause.text`` is what gets hashed)."""
    return split_clauses(volunteer.bio)


# --- hard filters ------------------------------------------------------------------------------


def _norm(value: str) -> str:
    return (value or "").strip().casefold()


def failed_filters(request: RequestProfile, volunteer: VolunteerProfile) -> tuple[str, ...]:
    """Codes of the hard filters this volunteer fails for this request (empty: feasible)."""
    failed = []
    if request.category not in volunteer.categories:
        failed.append(FILTER_CATEGORY)
    if not {_norm(c) for c in request.languages} & {_norm(c) for c in volunteer.languages}:
        failed.append(FILTER_LANGUAGE)
    if request.mode not in volunteer.modes:
        failed.append(FILTER_MODE)
    if request.mode == IN_PERSON and _norm(request.prefecture) != _norm(volunteer.prefecture):
        failed.append(FILTER_PREFECTURE)
    if not set(request.availability) & set(volunteer.availability):
        failed.append(FILTER_AVAILABILITY)
    if not volunteer.approved:
        failed.append(FILTER_APPROVED)
    if volunteer.paused:
        failed.append(FILTER_PAUSED)
    if volunteer.open_tasks >= volunteer.capacity:
        failed.append(FILTER_CAPACITY)
    return tuple(failed)


def is_feasible(request: RequestProfile, volunteer: VolunteerProfile) -> bool:
    return not failed_filters(request, volunteer)


# --- the index ---------------------------------------------------------------------------------


class _Vocab:
    """Codes -> column numbers, for boolean membership matrices."""

    def __init__(self, codes: Iterable[str] = ()):
        self.columns: dict[str, int] = {}
        for code in codes:
            self.add(code)

    def add(self, code: str) -> int:
        return self.columns.setdefault(code, len(self.columns))

    def matrix(self, rows: Sequence[Iterable[str]]) -> np.ndarray:
        for row in rows:
            for code in row:
                self.add(code)
        out = np.zeros((len(rows), max(len(self.columns), 1)), dtype=bool)
        for i, row in enumerate(rows):
            for code in row:
                out[i, self.columns[code]] = True
        return out

    def cols(self, codes: Iterable[str]) -> list[int]:
        return [self.columns[code] for code in codes if code in self.columns]


@dataclass
class VolunteerIndex:
    """Volunteers as arrays, built once and reused for every request.

    ``profile_vectors[i]`` is the passage vector of ``volunteer_text(volunteers[i])``; the clause
    vectors of volunteer i are rows ``clause_offsets[i]:clause_offsets[i + 1]`` of
    ``clause_vectors`` (texts in ``clause_texts``, lack cues in ``clause_lacks``). Vectors may
    be None: the index then ranks without semantics.
    """

    volunteers: tuple[VolunteerProfile, ...]
    profile_vectors: np.ndarray | None
    clause_vectors: np.ndarray | None
    clause_offsets: np.ndarray
    clause_texts: tuple[str, ...]
    clause_lacks: np.ndarray
    embedder_name: str | None = None

    def __post_init__(self) -> None:
        vols = self.volunteers
        n = len(vols)
        self.ids = np.array([v.id for v in vols], dtype=object)
        # Position of each id in sorted order: the deterministic tie-break, as an int array.
        self.id_rank = np.empty(n, dtype=np.int64)
        self.id_rank[sorted(range(n), key=lambda i: vols[i].id)] = np.arange(n)
        self.position = {v.id: i for i, v in enumerate(vols)}
        self.categories = _Vocab()
        self.category_matrix = self.categories.matrix([v.categories for v in vols])
        self.languages = _Vocab()
        self.language_matrix = self.languages.matrix(
            [[_norm(c) for c in v.languages] for v in vols]
        )
        self.modes = _Vocab()
        self.mode_matrix = self.modes.matrix([v.modes for v in vols])
        self.slots = _Vocab()
        self.availability_matrix = self.slots.matrix([v.availability for v in vols])
        self.topics = _Vocab(topic_codes())
        self.topic_matrix = self.topics.matrix([v.topics for v in vols])
        places = _Vocab()
        self.prefecture_ids = np.array(
            [places.add(_norm(v.prefecture)) for v in vols], dtype=np.int32
        )
        self._places = places
        towns = _Vocab()
        self.municipality_ids = np.array(
            [towns.add(f"{_norm(v.prefecture)}|{_norm(v.municipality)}") for v in vols],
            dtype=np.int32,
        )
        self._towns = towns
        self.available = np.array(
            [v.approved and not v.paused and v.open_tasks < v.capacity for v in vols], dtype=bool
        ).reshape(n)
        self.approved = np.array([v.approved for v in vols], dtype=bool).reshape(n)
        self.recent_load = np.array([v.recent_load for v in vols], dtype=np.int32).reshape(n)
        # Topics told in the bio, from the lexicon: in positive clauses / only in denying ones.
        self.bio_topic_matrix = np.zeros((n, len(self.topics.columns)), dtype=bool)
        self.bio_lack_matrix = np.zeros_like(self.bio_topic_matrix)
        for i in range(n):
            start, stop = int(self.clause_offsets[i]), int(self.clause_offsets[i + 1])
            told: set[str] = set()
            denied: set[str] = set()
            for text, lacks in zip(
                self.clause_texts[start:stop], self.clause_lacks[start:stop], strict=True
            ):
                (denied if lacks else told).update(topics_in(text))
            self.bio_topic_matrix[i, self.topics.cols(told)] = True
            self.bio_lack_matrix[i, self.topics.cols(denied - told)] = True

    def __len__(self) -> int:
        return len(self.volunteers)

    @property
    def has_vectors(self) -> bool:
        return self.profile_vectors is not None and self.clause_vectors is not None

    @classmethod
    def build(
        cls,
        volunteers: Sequence[VolunteerProfile],
        *,
        embedder=None,
        profile_vectors: np.ndarray | None = None,
        clause_vectors: np.ndarray | None = None,
    ) -> VolunteerIndex:
        """Index ``volunteers``; vectors are encoded with ``embedder`` unless given.

        Given vectors must follow ``volunteer_text`` per volunteer and ``volunteer_clauses`` per
        volunteer, flattened in order. Without either the index ranks without semantics.
        """
        volunteers = tuple(volunteers)
        clauses = [volunteer_clauses(v) for v in volunteers]
        counts = np.array([len(c) for c in clauses], dtype=np.int64)
        offsets = np.zeros(len(volunteers) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        texts = tuple(c.text for row in clauses for c in row)
        lacks = np.array([c.lacks for row in clauses for c in row], dtype=bool).reshape(len(texts))
        if embedder is not None and (profile_vectors is None or clause_vectors is None):
            profile_vectors = embedder.encode_passages([volunteer_text(v) for v in volunteers])
            clause_vectors = embedder.encode_passages(list(texts))
        if profile_vectors is not None and clause_vectors is not None:
            profile_vectors = np.ascontiguousarray(profile_vectors, dtype=np.float32)
            clause_vectors = np.ascontiguousarray(clause_vectors, dtype=np.float32)
            if len(profile_vectors) != len(volunteers) or len(clause_vectors) != len(texts):
                raise ValueError("vectors do not line up with the volunteers' texts")
        return cls(
            volunteers=volunteers,
            profile_vectors=profile_vectors,
            clause_vectors=clause_vectors,
            clause_offsets=offsets,
            clause_texts=texts,
            clause_lacks=lacks,
            embedder_name=getattr(embedder, "name", None),
        )

    def feasible_mask(self, request: RequestProfile) -> np.ndarray:
        """The hard filters over all volunteers at once (same rules as ``failed_filters``)."""
        n = len(self)
        mask = self.available.copy()
        cat = self.categories.cols([request.category])
        mask &= self.category_matrix[:, cat[0]] if cat else np.zeros(n, dtype=bool)
        langs = self.languages.cols(dict.fromkeys(_norm(c) for c in request.languages))
        mask &= self.language_matrix[:, langs].any(axis=1) if langs else np.zeros(n, dtype=bool)
        mode = self.modes.cols([request.mode])
        mask &= self.mode_matrix[:, mode[0]] if mode else np.zeros(n, dtype=bool)
        if request.mode == IN_PERSON:
            place = self._places.columns.get(_norm(request.prefecture))
            mask &= self.prefecture_ids == place if place is not None else np.zeros(n, dtype=bool)
        slots = self.slots.cols(dict.fromkeys(request.availability))
        mask &= self.availability_matrix[:, slots].any(axis=1) if slots else np.zeros(n, dtype=bool)
        return mask


# --- ranking -----------------------------------------------------------------------------------


def _segment_max(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Max of consecutive segments of ``values`` with the given lengths (-inf when empty)."""
    out = np.full(len(counts), -np.inf, dtype=np.float32)
    nonempty = counts > 0
    if values.size:
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        out[nonempty] = np.maximum.reduceat(values, starts[nonempty])
    return out


def _zscore(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    return (values - values.mean()) / max(float(values.std()), SEMANTIC_STD_FLOOR)


def _clause_rows(index: VolunteerIndex, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = index.clause_offsets[members]
    counts = index.clause_offsets[members + 1] - starts
    total = int(counts.sum())
    segment_starts = np.cumsum(counts) - counts
    rows = (
        np.arange(total, dtype=np.int64)
        - np.repeat(segment_starts, counts)
        + np.repeat(starts, counts)
    )
    return rows, counts


def rank(
    request: RequestProfile,
    volunteers: Sequence[VolunteerProfile] | VolunteerIndex,
    *,
    embedder=None,
    limit: int | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    query_vector: np.ndarray | None = None,
    timings: dict[str, float] | None = None,
) -> list[Candidate]:
    """Feasible volunteers for ``request``, best first, each with its score and reasons.

    ``volunteers`` is a list of profiles (indexed on the fly, encoding with ``embedder``) or a
    prebuilt ``VolunteerIndex``. ``embedder`` defaults to ``get_embedder()`` when semantics are
    needed; ``query_vector`` skips encoding the request. ``timings`` receives milliseconds per
    stage ("filter", "vector", "score"), for the benchmark.
    """
    t0 = time.perf_counter()
    semantic = weights.uses_semantics
    if (
        semantic
        and embedder is None
        and (query_vector is None or not isinstance(volunteers, VolunteerIndex))
    ):
        from matching.embeddings import get_embedder

        embedder = get_embedder()
    if isinstance(volunteers, VolunteerIndex):
        index = volunteers
    else:
        index = VolunteerIndex.build(volunteers, embedder=embedder if semantic else None)
    semantic = semantic and index.has_vectors

    members = np.flatnonzero(index.feasible_mask(request))
    t1 = time.perf_counter()

    req_topics = index.topics.cols(dict.fromkeys(request.topics))
    req_cols = np.asarray(req_topics, dtype=np.intp)
    first = index.languages.cols([_norm(request.languages[0])] if request.languages else [])
    none = np.zeros(len(members), dtype=bool)
    # ndarray.any(axis=1) is typed "np.bool | NDArray"; on these 2-D blocks it is always an array.
    topic = (
        cast(np.ndarray, index.topic_matrix[np.ix_(members, req_cols)].any(axis=1))
        if req_topics
        else none
    )
    bio_topic = (
        cast(np.ndarray, index.bio_topic_matrix[np.ix_(members, req_cols)].any(axis=1))
        if req_topics
        else none
    )
    bio_lacks = (
        cast(np.ndarray, index.bio_lack_matrix[np.ix_(members, req_cols)].any(axis=1))
        & ~bio_topic
        & ~topic
        if req_topics
        else none
    )
    first_language = index.language_matrix[members, first[0]] if first else none
    town = index._towns.columns.get(f"{_norm(request.prefecture)}|{_norm(request.municipality)}")
    same_town = (
        (index.municipality_ids[members] == town)
        if request.mode == IN_PERSON and town is not None
        else none
    )
    communication = first_language | same_town
    good_fit = topic | bio_topic | communication
    load = index.recent_load[members]
    fairness = 1.0 - np.minimum(load, FAIRNESS_LOAD_CAP) / FAIRNESS_LOAD_CAP
    structured = (
        weights.good_fit * good_fit
        + weights.topic * topic
        + weights.bio_topic * bio_topic
        + weights.bio_lacks_topic * bio_lacks
        + weights.first_language * first_language
        + weights.same_municipality * same_town
        + weights.bio_topic_x_communication * (bio_topic & communication)
        + weights.fairness * fairness
    ).astype(np.float32)

    sem = np.zeros(len(members), dtype=np.float32)
    best_clause = np.full(len(members), -1, dtype=np.int64)
    t2 = t1
    if semantic and len(members):
        # Narrowing for mypy: ``semantic`` implies ``index.has_vectors`` (both arrays present).
        assert index.profile_vectors is not None and index.clause_vectors is not None  # noqa: S101
        q = (
            query_vector
            if query_vector is not None
            else embedder.encode_queries([request_text(request)])[0]
        )
        q = np.asarray(q, dtype=np.float32)
        t1b = time.perf_counter()
        # Stage 1: one vector per volunteer. A full mat-vec beats gathering rows for big shares.
        if len(members) * 4 > len(index):
            profile = (index.profile_vectors @ q)[members]
        else:
            profile = index.profile_vectors[members] @ q
        shortlist = np.arange(len(members))
        if limit is not None and len(members) > max(SHORTLIST_MIN, 10 * limit):
            size = max(SHORTLIST_MIN, 10 * limit)
            coarse = (
                structured
                + weights.semantic * _zscore(profile)
                + weights.semantic_x_communication
                * (communication * np.maximum(_zscore(profile), 0))
            )
            shortlist = np.argpartition(-coarse, size)[:size]
        # Stage 2: the best positive and the best denying clause of each shortlisted volunteer.
        rows, counts = _clause_rows(index, members[shortlist])
        sims = index.clause_vectors[rows] @ q
        lacks = index.clause_lacks[rows]
        positive = _segment_max(np.where(lacks, -np.inf, sims).astype(np.float32), counts)
        denying = _segment_max(np.where(lacks, sims, -np.inf).astype(np.float32), counts)
        prof = profile[shortlist]
        pos = np.where(np.isfinite(positive), positive, prof)
        gap = np.where(np.isfinite(denying), np.maximum(denying - pos, 0.0), 0.0)
        evidence = pos + weights.profile_share * prof - weights.lack_penalty * gap
        sem_short = _zscore(evidence.astype(np.float32))
        sem[:] = -np.inf if limit is not None and len(shortlist) < len(members) else 0.0
        sem[shortlist] = sem_short
        # Remember each volunteer's best positive clause for the bio_match reason.
        seg = np.repeat(np.arange(len(shortlist)), counts)
        ranked_rows = np.lexsort((-np.where(lacks, -np.inf, sims), seg))
        firsts = np.cumsum(counts) - counts
        has_pos = np.isfinite(positive)
        best_clause[shortlist[has_pos]] = rows[ranked_rows[firsts[has_pos]]]
        t2 = time.perf_counter()
        if timings is not None:
            timings["encode"] = (t1b - t1) * 1000
            timings["vector"] = (t2 - t1b) * 1000

    sem_for_score = np.where(np.isfinite(sem), sem, -10.0)
    score = (
        structured
        + weights.semantic * sem_for_score
        + weights.semantic_x_communication * communication * np.maximum(sem_for_score, 0.0)
    )
    # Equal profiles must tie exactly: a vector encoded in another batch differs in the 7th
    # digit, which would otherwise decide between them by chance instead of by the id.
    score = np.round(score, 6)
    pool = np.arange(len(members))
    if limit is not None and len(members) > 4 * limit:
        # Everything tied with the limit-th score stays in, so the id tie-break is exact.
        kth = np.partition(-score, limit - 1)[limit - 1] if limit > 0 else -np.inf
        pool = np.flatnonzero(-score <= kth)
    order = pool[np.lexsort((index.id_rank[members[pool]], -score[pool]))]
    if limit is not None:
        order = order[:limit]

    others_loaded = bool(load.size and load.max() > 0)
    results = []
    for j in order:
        i = int(members[j])
        volunteer = index.volunteers[i]
        components = {
            "good_fit": float(good_fit[j]),
            "topic": float(topic[j]),
            "bio_topic": float(bio_topic[j]),
            "bio_lacks_topic": float(bio_lacks[j]),
            "first_language": float(first_language[j]),
            "same_municipality": float(same_town[j]),
            "communication": float(communication[j]),
            "semantic": float(sem_for_score[j]),
            "fairness": float(fairness[j]),
        }
        reasons = _reasons(
            request,
            volunteer,
            components,
            excerpt=index.clause_texts[best_clause[j]] if best_clause[j] >= 0 else "",
            weights=weights,
            fairness_used=others_loaded,
            topic_code=_first_topic(request.topics, volunteer.topics, index, i),
        )
        results.append(Candidate(volunteer.id, float(score[j]), reasons, components))
    if timings is not None:
        timings["filter"] = (t1 - t0) * 1000
        timings["score"] = (time.perf_counter() - t2) * 1000
        timings.setdefault("vector", 0.0)
    return results


def _first_topic(
    request_topics: Sequence[str], listed: Sequence[str], index: VolunteerIndex, i: int
) -> str | None:
    """The request topic the volunteer listed, else the first one their bio tells."""
    for code in request_topics:
        if code in listed:
            return code
    for code in request_topics:
        column = index.topics.columns.get(code)
        if column is not None and index.bio_topic_matrix[i, column]:
            return code
    return None


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _reasons(
    request: RequestProfile,
    volunteer: VolunteerProfile,
    components: Mapping[str, float],
    *,
    excerpt: str,
    weights: Weights,
    fairness_used: bool,
    topic_code: str | None,
) -> tuple[Reason, ...]:
    """Reasons for what actually lifted this volunteer, strongest first."""
    reasons = []
    if weights.uses_semantics and excerpt and components["semantic"] >= BIO_MATCH_THRESHOLD:
        reasons.append(Reason(REASON_BIO_MATCH, {"excerpt": _excerpt(excerpt)}))
    if topic_code and (components["topic"] or components["bio_topic"]):
        reasons.append(Reason(REASON_TOPIC, {"topic": topic_code}))
    if components["first_language"]:
        reasons.append(Reason(REASON_FIRST_LANGUAGE, {"language": _norm(request.languages[0])}))
    if components["same_municipality"]:
        reasons.append(Reason(REASON_SAME_MUNICIPALITY, {"municipality": volunteer.municipality}))
    if fairness_used and weights.fairness and volunteer.recent_load == 0:
        reasons.append(Reason(REASON_LOW_LOAD, {"count": volunteer.recent_load}))
    return tuple(reasons)


def render_reason(reason: Reason) -> str:
    """The reason as a short phrase in the active Django language."""
    from matching.text_reasons import render

    return render(reason)
