"""Time the staff desk's computations on a large synthetic programme, and print JSON.

    python manage.py bench_dashboard                      # 100,000 requests, 1,000,000 notifications
    python manage.py bench_dashboard --requests 2000 --notifications 10000 --runs 5

It WRITES to the configured database: synthetic people (emails ending in @bench.otonari.invalid)
with their requests, matches, feedback, OFP pairs and notifications, inserted with bulk_create in
batches. A second run reuses them; ``--reseed`` deletes them and seeds again, ``--delete`` only
deletes them. Run it against a database of its own, never production.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import random
import statistics
import time
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, models, reset_queries, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from desk.periods import fiscal_year_of, month_of
from desk.selectors import programme_numbers, queue_counts
from matching.models import (
    Feedback,
    Match,
    MatchEvent,
    MatchStatus,
    OFPEvent,
    OFPPair,
    OFPStatus,
    Role,
)
from notifications.models import Notification
from requests_app.choices import LANGUAGE_CODES
from requests_app.models import Category, HelpRequest, RequestStatus, StatusChange
from volunteers.models import Volunteer, VolunteerStatus, VolunteerStatusChange

DOMAIN = "bench.otonari.invalid"
BATCH = 5000
HOUR = datetime.timedelta(hours=1)
PREFECTURES = ["Tokyo", "Kanagawa", "Saitama", "Chiba", "Osaka", "Aichi"]
# How each synthetic request ends up, with weights. Requests older than OPEN_FOR are over (done,
# cancelled or closed), as staff close what nobody took: only recent ones wait in the queues.
OPEN_FOR = datetime.timedelta(days=60)
FINISHED = (RequestStatus.COMPLETED, RequestStatus.CANCELLED, RequestStatus.CLOSED)
FATES = {
    RequestStatus.SUBMITTED: 4,
    RequestStatus.MATCHING: 8,
    "accepted": 4,
    RequestStatus.MATCHED: 10,
    RequestStatus.COMPLETED: 58,
    RequestStatus.CANCELLED: 11,
    RequestStatus.CLOSED: 5,
}
EVENTS = [
    "request_received",
    "new_task",
    "volunteer_accepted",
    "match_approved",
    "reminder_day_before",
    "feedback_request",
]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


@contextlib.contextmanager
def _timestamps_as_given(*models_: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the past times we give instead of stamping “now”."""
    fields = [
        f
        for model in models_
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = "Seed a large synthetic programme (once) and time the work queue and the dashboard."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=100_000)
        parser.add_argument("--notifications", type=int, default=1_000_000)
        # 100,000 requests over five years is still some 70 times the programme's yearly volume.
        parser.add_argument(
            "--months", type=int, default=60, help="months the requests are spread over"
        )
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument("--reseed", action="store_true", help="delete and seed again")
        parser.add_argument("--delete", action="store_true", help="only delete the bench data")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reseed"] or options["delete"]:
            self._delete()
            if options["delete"]:
                return
        seeded = 0.0
        if not User.objects.filter(email__endswith="@" + DOMAIN).exists():
            started = time.perf_counter()
            self._seed(options)
            seeded = time.perf_counter() - started
            if connection.vendor == "postgresql":
                # Fresh statistics and visibility map, as autovacuum would leave them.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        today = timezone.localdate()
        report: dict[str, Any] = {
            "database": connection.vendor,
            "requests": HelpRequest.objects.count(),
            "notifications": Notification.objects.count(),
            "seed_seconds": round(seeded, 1),
            "runs": options["runs"],
        }
        timed = {
            "work_queue": lambda: queue_counts(),
            "dashboard_fiscal_year": lambda: programme_numbers(period=fiscal_year_of(today)),
            "dashboard_month": lambda: programme_numbers(period=month_of(today)),
        }
        for name, compute in timed.items():
            compute()  # warm the connection and the caches once
            times = []
            with CaptureQueriesContext(connection) as queries:
                for _run in range(options["runs"]):
                    start = time.perf_counter()
                    compute()
                    times.append((time.perf_counter() - start) * 1000)
            report[name] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(_percentile(times, 0.95), 1),
                "queries": len(queries) // options["runs"],
            }
            reset_queries()
        self.stdout.write(json.dumps(report, indent=2))

    # --- seeding ------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.stderr.write(text)

    def _seed(self, options: dict[str, Any]) -> None:
        rng = random.Random(options["seed"])  # noqa: S311 - synthetic data, not secrets
        now = timezone.now()
        span = datetime.timedelta(days=30 * options["months"])
        n_requests = options["requests"]
        categories = list(Category.objects.values_list("pk", flat=True))
        all_models = (
            User,
            Volunteer,
            VolunteerStatusChange,
            HelpRequest,
            StatusChange,
            Match,
            MatchEvent,
            Feedback,
            OFPPair,
            OFPEvent,
            Notification,
        )
        with _timestamps_as_given(*all_models), transaction.atomic():
            residents = self._users(rng, "resident", max(10, n_requests // 5), now - span)
            volunteer_users = self._users(rng, "volunteer", max(10, n_requests // 30), now - span)
            volunteers = self._volunteers(rng, volunteer_users, categories, now, span)
            self._requests(rng, residents, volunteers, categories, now, span, n_requests)
            self._notifications(rng, residents + volunteer_users, now, span, options)

    def _users(
        self, rng: random.Random, kind: str, count: int, since: datetime.datetime
    ) -> list[int]:
        self._say(f"{count} {kind} users")
        users = [
            User(
                email=f"{kind}{i}@{DOMAIN}",
                password="!",  # noqa: S106 - unusable: nobody logs in as a bench user
                display_name=f"{kind} {i}",
                preferred_language=rng.choice(["ja", "en", "ne"]),
                date_joined=since,
            )
            for i in range(count)
        ]
        return [u.pk for u in User.objects.bulk_create(users, batch_size=BATCH)]

    def _volunteers(self, rng, user_ids, categories, now, span):  # noqa: ANN001, ANN202
        self._say(f"{len(user_ids)} volunteers")
        rows = []
        for user_id in user_ids:
            created = now - span * rng.random()
            rows.append(
                Volunteer(
                    user_id=user_id,
                    languages=["ja", *rng.sample(LANGUAGE_CODES[1:8], rng.randint(0, 2))],
                    prefecture=rng.choice(PREFECTURES),
                    municipality="Bench",
                    modes=["in_person", "phone"],
                    availability=["weekday_daytime", "weekend"],
                    capacity=3,
                    contact_email="volunteer@" + DOMAIN,
                    status=VolunteerStatus.APPROVED
                    if rng.random() < 0.9
                    else VolunteerStatus.APPLIED,
                    created_at=created,
                    updated_at=created,
                )
            )
        volunteers = Volunteer.objects.bulk_create(rows, batch_size=BATCH)
        through = Volunteer.categories.through
        through.objects.bulk_create(
            [through(volunteer_id=v.pk, category_id=rng.choice(categories)) for v in volunteers],
            batch_size=BATCH,
        )
        changes = []
        for v in volunteers:
            changes.append(
                VolunteerStatusChange(
                    volunteer_id=v.pk, from_status="", to_status="applied", at=v.created_at
                )
            )
            if v.status == VolunteerStatus.APPROVED:
                changes.append(
                    VolunteerStatusChange(
                        volunteer_id=v.pk,
                        from_status="applied",
                        to_status="approved",
                        at=v.created_at + 24 * HOUR,
                    )
                )
        VolunteerStatusChange.objects.bulk_create(changes, batch_size=BATCH)
        return [v.pk for v in volunteers if v.status == VolunteerStatus.APPROVED]

    def _requests(self, rng, residents, volunteers, categories, now, span, count):  # noqa: ANN001, ANN202, C901
        fates = list(FATES)
        weights = list(FATES.values())
        finished_weights = [FATES[fate] if fate in FINISHED else 0 for fate in fates]
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            done += size
            plans = []
            for _i in range(size):
                created = now - span * rng.random()
                recent = now - created < OPEN_FOR
                fate = rng.choices(fates, weights if recent else finished_weights)[0]
                languages = [rng.choice(LANGUAGE_CODES[:8]), "ja"]
                plans.append((created, fate, languages))
            requests = self._insert_requests(rng, residents, categories, plans)
            changes, matches, match_events = [], [], []
            for request, (created, fate, _languages) in zip(requests, plans, strict=True):
                changes.append(
                    StatusChange(
                        request_id=request.pk, from_status="", to_status="submitted", at=created
                    )
                )
                if fate in (RequestStatus.SUBMITTED,):
                    continue
                if fate == RequestStatus.CANCELLED and rng.random() < 0.5:
                    changes.append(
                        StatusChange(
                            request_id=request.pk,
                            from_status="submitted",
                            to_status="cancelled",
                            at=created + 5 * HOUR,
                        )
                    )
                    continue
                opened = created + rng.uniform(1, 48) * HOUR
                changes.append(
                    StatusChange(
                        request_id=request.pk,
                        from_status="submitted",
                        to_status="matching",
                        at=opened,
                    )
                )
                if fate in (RequestStatus.MATCHING, RequestStatus.CANCELLED, RequestStatus.CLOSED):
                    end = {RequestStatus.CANCELLED: "cancelled", RequestStatus.CLOSED: "closed"}
                    if fate in end:
                        changes.append(
                            StatusChange(
                                request_id=request.pk,
                                from_status="matching",
                                to_status=end[fate],
                                at=opened + 72 * HOUR,
                            )
                        )
                    continue
                accepted = opened + rng.expovariate(1 / 30) * HOUR
                status = {
                    "accepted": MatchStatus.ACCEPTED,
                    RequestStatus.MATCHED: MatchStatus.APPROVED,
                    RequestStatus.COMPLETED: MatchStatus.COMPLETED,
                }[fate]
                approved = accepted + rng.expovariate(1 / 20) * HOUR
                agreed = approved + rng.uniform(24, 240) * HOUR
                completed = agreed + rng.uniform(2, 120) * HOUR
                match = Match(
                    request_id=request.pk,
                    volunteer_id=rng.choice(volunteers),
                    status=status,
                    agreed_time=agreed if status != MatchStatus.ACCEPTED else None,
                    created_at=accepted,
                    updated_at=accepted,
                    approved_at=approved if status != MatchStatus.ACCEPTED else None,
                    completed_at=completed if status == MatchStatus.COMPLETED else None,
                )
                matches.append(match)
                if status != MatchStatus.ACCEPTED:
                    changes.append(
                        StatusChange(
                            request_id=request.pk,
                            from_status="matching",
                            to_status="matched",
                            at=approved,
                        )
                    )
                if status == MatchStatus.COMPLETED:
                    changes.append(
                        StatusChange(
                            request_id=request.pk,
                            from_status="matched",
                            to_status="completed",
                            at=completed,
                        )
                    )
            StatusChange.objects.bulk_create(changes, batch_size=BATCH)
            Match.objects.bulk_create(matches, batch_size=BATCH)
            feedback, pairs = [], []
            for match in matches:
                match_events.append(
                    MatchEvent(
                        match_id=match.pk, from_status="", to_status="accepted", at=match.created_at
                    )
                )
                if match.approved_at:
                    match_events.append(
                        MatchEvent(
                            match_id=match.pk,
                            from_status="accepted",
                            to_status="approved",
                            at=match.approved_at,
                        )
                    )
                if match.completed_at:
                    match_events.append(
                        MatchEvent(
                            match_id=match.pk,
                            from_status="approved",
                            to_status="completed",
                            at=match.completed_at,
                        )
                    )
                    keep_going = rng.random() < 0.3
                    for role in (Role.RESIDENT, Role.VOLUNTEER):
                        feedback.append(
                            Feedback(
                                match_id=match.pk,
                                role=role,
                                happened=True,
                                helpful=rng.choices([1, 2, 3, 4, 5], [1, 2, 6, 20, 30])[0],
                                unsafe=rng.random() < 0.01,
                                wants_to_continue=keep_going,
                                created_at=match.completed_at,
                            )
                        )
                    if keep_going and rng.random() < 0.1:
                        pairs.append(match)
            MatchEvent.objects.bulk_create(match_events, batch_size=BATCH)
            Feedback.objects.bulk_create(feedback, batch_size=BATCH)
            self._pairs(rng, pairs, now)
            self._say(f"{done} requests")

    def _insert_requests(self, rng, residents, categories, plans):  # noqa: ANN001, ANN202
        final = {
            "accepted": RequestStatus.MATCHING,
        }
        return HelpRequest.objects.bulk_create(
            [
                HelpRequest(
                    resident_id=rng.choice(residents),
                    category_id=rng.choice(categories),
                    title="Bench request",
                    description="A synthetic request for the dashboard benchmark.",
                    languages=list(dict.fromkeys(languages)),
                    prefecture=rng.choice(PREFECTURES),
                    municipality="Bench",
                    mode="in_person",
                    availability=["weekday_daytime"],
                    status=final.get(fate, fate),
                    created_at=created,
                    updated_at=created,
                )
                for created, fate, languages in plans
            ],
            batch_size=BATCH,
        )

    def _pairs(self, rng, matches, now):  # noqa: ANN001, ANN202
        pairs, events = [], []
        for match in matches:
            start = match.completed_at + 7 * 24 * HOUR
            ended = rng.random() < 0.2
            finished = start + (rng.uniform(20, 150) if ended else 183) * 24 * HOUR
            if start > now:
                continue
            status = OFPStatus.ACTIVE
            if finished <= now:
                status = OFPStatus.ENDED_EARLY if ended else OFPStatus.COMPLETED
            pairs.append(
                OFPPair(
                    match_id=match.pk,
                    status=status,
                    start_date=start.date(),
                    end_date=(start + 183 * 24 * HOUR).date(),
                    resident_consent_at=start,
                    volunteer_consent_at=start,
                    end_reason="Moved to another city" if status == OFPStatus.ENDED_EARLY else "",
                    created_at=start,
                    updated_at=start,
                )
            )
        OFPPair.objects.bulk_create(pairs, batch_size=BATCH)
        for pair in pairs:
            start = pair.created_at
            events += [
                OFPEvent(pair_id=pair.pk, from_status="", to_status="requested", at=start),
                OFPEvent(
                    pair_id=pair.pk, from_status="requested", to_status="awaiting_consent", at=start
                ),
                OFPEvent(
                    pair_id=pair.pk, from_status="awaiting_consent", to_status="active", at=start
                ),
            ]
            if pair.status != OFPStatus.ACTIVE:
                events.append(
                    OFPEvent(
                        pair_id=pair.pk,
                        from_status="active",
                        to_status=pair.status,
                        at=start + 100 * 24 * HOUR,
                    )
                )
        OFPEvent.objects.bulk_create(events, batch_size=BATCH)

    def _notifications(self, rng, users, now, span, options):  # noqa: ANN001, ANN202
        count = options["notifications"]
        done = 0
        statuses = ["sent", "skipped", "failed", "pending"]
        while done < count:
            size = min(BATCH * 4, count - done)
            rows = []
            for i in range(done, done + size):
                created = now - span * rng.random()
                # Failed and pending emails are a small backlog, as staff resend or fix them.
                status = rng.choices(statuses, [900, 98, 1, 1])[0]
                rows.append(
                    Notification(
                        event=rng.choice(EVENTS),
                        recipient_id=rng.choice(users),
                        key=f"bench:{i}",
                        language="ja",
                        subject="Bench",
                        body_text="Bench",
                        body_html="<p>Bench</p>",
                        status=status,
                        attempts=5 if status == "failed" else 1,
                        created_at=created,
                        sent_at=created if status == "sent" else None,
                    )
                )
            Notification.objects.bulk_create(rows, batch_size=BATCH)
            done += size
            self._say(f"{done} notifications")

    def _delete(self) -> None:
        bench = User.objects.filter(email__endswith="@" + DOMAIN)
        with transaction.atomic():
            Notification.objects.filter(recipient__in=bench).delete()
            OFPPair.objects.filter(match__request__resident__in=bench).delete()
            Match.objects.filter(request__resident__in=bench).delete()
            HelpRequest.objects.filter(resident__in=bench).delete()
            Volunteer.objects.filter(user__in=bench).delete()
            bench.delete()
        self._say("bench data deleted")
