"""Measure the volunteer ranking on a labelled set and write the ranker's rankings (no database)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matching.embeddings import get_embedder
from matching.evaluation import evaluate, load_eval_set, ranker_rankings

COLUMNS = ("ndcg@5", "top1_acceptable", "infeasible@5", "mrr")


class Command(BaseCommand):
    # Pure computation: no database, URLs or templates, so no system checks either.
    requires_system_checks: list[str] = []

    help = (
        "Rank every request of an evaluation file; print metrics against its relevance judgements."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="evaluation JSON (shared/matching-eval format)")
        parser.add_argument(
            "--rankings-out", help='write {"request_id": ["volunteer_id", ...]} here'
        )
        parser.add_argument("--model", help="embedding model (default: settings.EMBEDDING_MODEL)")
        parser.add_argument("--seed", type=int, default=0, help="seed of the random baseline")

    def handle(self, *args, **options):
        try:
            eval_set = load_eval_set(options["path"])
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read {options['path']}: {exc}") from exc
        embedder = get_embedder(options["model"])
        self.stdout.write(
            f"{eval_set.name}: {len(eval_set.volunteers)} volunteers, {len(eval_set.requests)} requests, "
            f"model {embedder.name}"
        )
        if eval_set.has_judgements:
            rows, rankings = evaluate(eval_set, embedder=embedder, seed=options["seed"])
            self.stdout.write(self._table(rows))
        else:
            rankings = ranker_rankings(eval_set, embedder=embedder)
            self.stdout.write(
                "No relevance judgements in this file: metrics skipped, rankings only."
            )
        if options["rankings_out"]:
            out = Path(options["rankings_out"])
            out.write_text(
                json.dumps(rankings, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            self.stdout.write(f"Wrote rankings of {len(rankings)} requests to {out}")

    def _table(self, rows) -> str:
        width = max(len(name) for name in rows)
        lines = [f"{'':{width}}  " + "  ".join(f"{c:>15}" for c in COLUMNS)]
        for name, metrics in rows.items():
            values = metrics.as_dict()
            lines.append(f"{name:{width}}  " + "  ".join(f"{values[c]:>15.3f}" for c in COLUMNS))
        return "\n".join(lines)
