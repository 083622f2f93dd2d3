"""Reads for the staff desk: the work queue counts and the programme numbers.

Everything is computed by the database with conditional aggregates (a few queries per table,
never a Python loop over rows), so the number of queries is the same with ten requests or a
hundred thousand. Python only arranges the handful of aggregated numbers into tables.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from matching.models import Feedback, MatchEvent, MatchStatus, OFPEvent, OFPStatus
from requests_app.choices import LANGUAGE_CHOICES
from requests_app.models import Category, HelpRequest, RequestStatus, StatusChange
from volunteers.models import Volunteer, VolunteerStatus, VolunteerStatusChange

from .periods import JAPAN, Period, fiscal_year_of
from .queues import QUEUES, Queue

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- the work queue -----------------------------------------------------------------------------


@contextmanager
def _reporting() -> Iterator[None]:
    """One transaction for all the figures (one consistent snapshot). PostgreSQL's JIT compiler
    would spend longer compiling these aggregates than running them: off, for them only."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    count: int
    oldest: datetime.datetime | None


def _as_datetime(value: datetime.datetime | datetime.date | None) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime(value.year, value.month, value.day, tzinfo=JAPAN)


def queue_counts(
    *, queues: Sequence[Queue] = QUEUES, now: datetime.datetime | None = None
) -> list[QueueCount]:
    """How many rows each queue holds and when the oldest arrived: one query per table."""
    now = now or timezone.now()
    by_model: dict[type[models.Model], list[Queue]] = {}
    for queue in queues:
        by_model.setdefault(queue.model, []).append(queue)
    found: dict[str, QueueCount] = {}
    with _reporting():
        for model, model_queues in by_model.items():
            found.update(_model_queue_counts(model, model_queues, now))
    return [found[queue.key] for queue in queues]


def _model_queue_counts(
    model: type[models.Model], model_queues: list[Queue], now: datetime.datetime
) -> dict[str, QueueCount]:
    """The queues of one table in one query: a conditional count and minimum per queue."""
    annotations: dict[str, Any] = {}
    aggregates: dict[str, Aggregate] = {}
    for queue in model_queues:
        annotations.update(queue.annotations(now))
        condition = queue.base & queue.condition(now)
        aggregates[f"{queue.key}__count"] = Count("pk", filter=condition)
        aggregates[f"{queue.key}__oldest"] = Min(queue.age, filter=condition)
    rows = model._default_manager.filter(reduce(or_, (q.base for q in model_queues)))
    result = rows.annotate(**annotations).aggregate(**aggregates)
    return {
        queue.key: QueueCount(
            queue=queue,
            count=result[f"{queue.key}__count"],
            oldest=_as_datetime(result[f"{queue.key}__oldest"]),
        )
        for queue in model_queues
    }


# --- the programme numbers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What staff narrow the numbers to: a category, a prefecture, the resident's first language."""

    category: Category | None = None
    prefecture: str = ""
    language: str = ""

    def requests(self, prefix: str = "") -> Q:
        """The condition on help requests, reached through ``prefix`` (e.g. ``"match__request__"``)."""
        q = Q()
        if self.category is not None:
            q &= Q(**{f"{prefix}category": self.category})
        if self.prefecture:
            q &= Q(**{f"{prefix}prefecture": self.prefecture})
        if self.language:
            q &= Q(**{f"{prefix}languages__0": self.language})
        return q

    def volunteers(self, prefix: str = "") -> Q:
        """The same choice applied to volunteers: who offer the category, live in the
        prefecture, speak the language."""
        q = Q()
        if self.category is not None:
            offers = Volunteer.categories.through.objects.filter(
                volunteer=OuterRef(f"{prefix}pk" if prefix else "pk"), category=self.category
            )
            q &= Q(Exists(offers))
        if self.prefecture:
            q &= Q(**{f"{prefix}prefecture": self.prefecture})
        if self.language:
            q &= Q(**{f"{prefix}languages__icontains": f'"{self.language}"'})
        return q


@dataclass
class Table:
    """One block of the dashboard: a table, maybe drawn as a chart, downloadable as CSV.

    The first column names the rows; ``chart_columns`` are the numeric columns the chart draws.
    """

    key: str
    title: StrOrPromise
    columns: list[StrOrPromise]
    rows: list[list[Any]]
    chart: str = ""  # "" (table only), "bar" or "stacked"
    chart_columns: list[int] = field(default_factory=list)
    note: StrOrPromise = ""
    # The row labels are text people wrote (reasons), not ours: shown as such.
    user_text: bool = False

    def chart_data(self) -> dict[str, Any]:
        values = [row[i] for row in self.rows for i in self.chart_columns]
        return {
            "id": self.key,
            "stacked": self.chart == "stacked",
            # Counts get whole-number ticks; percentages and hours do not.
            "integer": all(isinstance(v, int) for v in values if v is not None),
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": str(self.columns[i]), "data": [row[i] for row in self.rows]}
                for i in self.chart_columns
            ],
        }


@dataclass
class Numbers:
    period: Period
    fiscal_year: Period
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


class Seconds(Func):
    """A duration in seconds, as a number the percentile functions can order."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)")

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        # Django keeps SQLite durations in microseconds.
        return self.as_sql(compiler, connection, template="(%(expressions)s) / 1000000.0")


class PercentileDisc(Aggregate):
    """PostgreSQL's nearest-rank percentile: the smallest value with at least ``p`` of the
    values at or below it."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


PERCENTILES = (0.5, 0.9)


def percentiles(values: models.QuerySet, name: str) -> tuple[int, list[float | None]]:
    """The count and the nearest-rank percentiles of the annotation ``name`` over ``values``.

    PostgreSQL computes them in one aggregate. Other databases (SQLite for ``make run``) take
    the value at the same rank with ORDER BY … LIMIT 1 OFFSET k, one query per percentile.
    """
    if connection.vendor == "postgresql":
        result = values.aggregate(
            n=Count(name),
            **{f"p{i}": PercentileDisc(name, p) for i, p in enumerate(PERCENTILES)},
        )
        return result["n"], [result[f"p{i}"] for i in range(len(PERCENTILES))]
    return percentiles_by_rank(values, name)


def percentiles_by_rank(values: models.QuerySet, name: str) -> tuple[int, list[float | None]]:
    count = values.aggregate(n=Count(name))["n"]
    found: list[float | None] = []
    for p in PERCENTILES:
        if not count:
            found.append(None)
            continue
        rank = max(1, -(-int(p * 1000) * count // 1000))  # ceil(p × n), exact for p in 1/1000s
        row = values.order_by(name).values_list(name, flat=True)[rank - 1 : rank]
        found.append(next(iter(row), None))
    return count, found


def _in(period: Period, name: str = "at") -> Q:
    return Q(**{f"{name}__gte": period.start, f"{name}__lt": period.end})


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _language_name(code: str | None) -> str:
    return str(dict(LANGUAGE_CHOICES).get(code or "", code or "—"))


def programme_numbers(
    *, period: Period, filters: Filters | None = None, today: datetime.date | None = None
) -> Numbers:
    filters = filters or Filters()
    fiscal_year = fiscal_year_of(today or timezone.localdate())
    with _reporting():
        received = _received(period, filters)
        tables = [
            *_request_tables(period, filters, fiscal_year, received),
            _durations_table(period, filters),
            *_feedback_tables(period, filters),
            *_ofp_tables(period, filters),
            *_volunteer_tables(period, filters, received),
            *_monthly_tables(period, received),
        ]
    return Numbers(period=period, fiscal_year=fiscal_year, tables=tables)


@dataclass(frozen=True)
class Received:
    """Requests received in the period, counted by (month, category, first language): one query
    that the request, language and month-by-month tables all read."""

    counts: list[dict[str, Any]]
    categories: list[Category]

    @property
    def total(self) -> int:
        return sum(row["n"] for row in self.counts)

    def by(self, *keys: str) -> dict[tuple[Any, ...], int]:
        totals: dict[tuple[Any, ...], int] = {}
        for row in self.counts:
            key = tuple(row[k] for k in keys)
            totals[key] = totals.get(key, 0) + row["n"]
        return totals


def _received(period: Period, filters: Filters) -> Received:
    counts = (
        HelpRequest.objects.filter(_in(period, "created_at"), filters.requests())
        .annotate(
            month=TruncMonth("created_at", tzinfo=JAPAN),
            language=KeyTextTransform("0", "languages"),
        )
        .values("month", "category", "language")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [{**row, "month": row["month"].date()} for row in counts]
    return Received(counts=rows, categories=list(Category.objects.order_by("position", "id")))


STAGES: tuple[tuple[str, StrOrPromise, Q], ...] = (
    (
        "opened",
        _("Opened for matching"),
        Q(from_status=RequestStatus.SUBMITTED, to_status=RequestStatus.MATCHING),
    ),
    ("matched", _("Matched (approved)"), Q(to_status=RequestStatus.MATCHED)),
    ("completed", _("Completed"), Q(to_status=RequestStatus.COMPLETED)),
    ("cancelled", _("Cancelled by the resident"), Q(to_status=RequestStatus.CANCELLED)),
    ("closed", _("Closed by staff"), Q(to_status=RequestStatus.CLOSED)),
)
STAGE_STATUSES = [
    RequestStatus.MATCHING,
    RequestStatus.MATCHED,
    RequestStatus.COMPLETED,
    RequestStatus.CANCELLED,
    RequestStatus.CLOSED,
]


def _request_tables(
    period: Period, filters: Filters, fiscal_year: Period, received: Received
) -> list[Table]:
    """Requests by stage reached in the period, the match rate, people helped this fiscal year."""
    # Opening, completing, cancelling and closing happen once per request; a request can be
    # approved again after a withdrawal, hence DISTINCT for “matched” only.
    flow = StatusChange.objects.filter(
        _in(period), filters.requests("request__"), to_status__in=STAGE_STATUSES
    ).aggregate(
        **{
            key: Count("request", distinct=True, filter=q)
            if key == "matched"
            else Count("pk", filter=q)
            for key, _label, q in STAGES
        }
    )
    helped = StatusChange.objects.filter(
        _in(fiscal_year), to_status=RequestStatus.COMPLETED
    ).aggregate(people=Count("request__resident", distinct=True))["people"]
    reference = round(settings.DESK_MATCH_RATE_REFERENCE * 100, 1)
    rate = _rate(flow["completed"], flow["opened"])
    return [
        Table(
            key="requests",
            title=_("Requests in the period"),
            columns=[_("Stage"), _("Requests")],
            rows=[[pgettext_lazy("request stage", "Received"), received.total]]
            + [[label, flow[key]] for key, label, _q in STAGES],
            chart="bar",
            chart_columns=[1],
            note=_("Each request is counted in every stage it reached during the period."),
        ),
        Table(
            key="match_rate",
            title=_("Match rate"),
            columns=[_("Figure"), _("Percent")],
            rows=[
                [_("Completed ÷ opened in the period"), rate],
                [_("Programme reference"), reference],
            ],
            chart="bar",
            chart_columns=[1],
        ),
        Table(
            key="people_helped",
            title=_("People helped this fiscal year"),
            columns=[_("Figure"), _("People"), _("Reached (percent)")],
            rows=[
                [_("People helped"), helped, None],
                *[
                    [
                        _("Yearly target: %(count)d people") % {"count": target},
                        target,
                        _rate(helped, target),
                    ]
                    for target in settings.DESK_YEARLY_TARGETS
                ],
            ],
            chart="bar",
            chart_columns=[1],
            note=_(
                "Residents with at least one request completed since 1 April (Japan time), "
                "in the whole programme: the period and the filters do not apply."
            ),
        ),
    ]


def _opening() -> FilteredRelation:
    """The request's one move from “received” to “looking for a volunteer” (joined, not a
    subquery per row)."""
    return FilteredRelation(
        "match__request__status_changes",
        condition=Q(
            match__request__status_changes__from_status=RequestStatus.SUBMITTED,
            match__request__status_changes__to_status=RequestStatus.MATCHING,
        ),
    )


def _durations_table(period: Period, filters: Filters) -> Table:
    """Hours from opening a request to its first acceptance, and to each approval."""
    accepted_before = MatchEvent.objects.filter(
        to_status=MatchStatus.ACCEPTED,
        match__request=OuterRef("match__request"),
        at__lt=period.start,
    )
    # Requests whose first acceptance ever falls in the period: their first acceptance in it,
    # for those not accepted before it began.
    first_acceptances = (
        MatchEvent.objects.filter(
            _in(period), filters.requests("match__request__"), to_status=MatchStatus.ACCEPTED
        )
        .exclude(Exists(accepted_before))
        .annotate(opening=_opening())
        .values("match__request")
        .annotate(seconds=Seconds(Min("at") - Min("opening__at")))
    )
    approvals = (
        MatchEvent.objects.filter(
            _in(period), filters.requests("match__request__"), to_status=MatchStatus.APPROVED
        )
        .annotate(opening=_opening())
        # One opening per request: a plain join, no grouping.
        .annotate(seconds=Seconds(F("at") - F("opening__at")))
    )
    rows = []
    for label, values in (
        (_("Opened → first acceptance"), first_acceptances),
        (_("Opened → approval"), approvals),
    ):
        count, (p50, p90) = percentiles(values, "seconds")
        rows.append([label, _hours(p50), _hours(p90), count])
    return Table(
        key="durations",
        title=_("Time to first acceptance and to approval (hours)"),
        columns=[_("Step"), _("Median"), _("90th percentile"), _("Requests")],
        rows=rows,
        chart="bar",
        chart_columns=[1, 2],
        note=_("For first acceptances and approvals that happened in the period."),
    )


def _feedback_tables(period: Period, filters: Filters) -> list[Table]:
    scores = range(1, 6)
    found = Feedback.objects.filter(
        _in(period, "created_at"), filters.requests("match__request__")
    ).aggregate(
        answers=Count("pk"),
        said_happened=Count("pk", filter=Q(happened=True)),
        continuing=Count("pk", filter=Q(happened=True, wants_to_continue=True)),
        flagged=Count("pk", filter=Q(unsafe=True)),
        **{f"helpful_{n}": Count("pk", filter=Q(helpful=n)) for n in scores},
    )
    return [
        Table(
            key="helpfulness",
            title=_("How helpful it was (1–5)"),
            columns=[_("Score"), _("Answers")],
            rows=[[str(n), found[f"helpful_{n}"]] for n in scores],
            chart="bar",
            chart_columns=[1],
        ),
        Table(
            key="feedback",
            title=_("Feedback"),
            columns=[_("Figure"), _("Number"), _("Percent")],
            rows=[
                [_("Answers"), found["answers"], None],
                [
                    _("Said it happened"),
                    found["said_happened"],
                    _rate(found["said_happened"], found["answers"]),
                ],
                [
                    _("Would like to continue"),
                    found["continuing"],
                    _rate(found["continuing"], found["said_happened"]),
                ],
                [_("Flagged unsafe"), found["flagged"], _rate(found["flagged"], found["answers"])],
            ],
            note=_("“Would like to continue” is a share of the answers that said it happened."),
        ),
    ]


def _ofp_tables(period: Period, filters: Filters) -> list[Table]:
    prefix = "pair__match__request__"
    moves = OFPEvent.objects.filter(_in(period), filters.requests(prefix)).exclude(
        from_status=F("to_status")
    )
    flow = moves.aggregate(
        started=Count("pair", distinct=True, filter=Q(to_status=OFPStatus.ACTIVE)),
        completed=Count("pair", distinct=True, filter=Q(to_status=OFPStatus.COMPLETED)),
        ended_early=Count("pair", distinct=True, filter=Q(to_status=OFPStatus.ENDED_EARLY)),
    )
    # Active at some point of the period: started before it ended, not finished before it began.
    spans = (
        OFPEvent.objects.filter(filters.requests(prefix), at__lt=period.end)
        .values("pair")
        .annotate(
            started_at=Min("at", filter=Q(to_status=OFPStatus.ACTIVE)),
            finished_at=Min(
                "at", filter=Q(to_status__in=[OFPStatus.COMPLETED, OFPStatus.ENDED_EARLY])
            ),
        )
    )
    active = spans.aggregate(
        n=Count(
            "pair",
            filter=Q(started_at__isnull=False)
            & (Q(finished_at__isnull=True) | Q(finished_at__gte=period.start)),
        )
    )["n"]
    reasons = (
        moves.filter(to_status=OFPStatus.ENDED_EARLY)
        .values("pair__end_reason")
        .annotate(n=Count("pair", distinct=True))
        .order_by("-n", "pair__end_reason")[:20]
    )
    return [
        Table(
            key="ofp",
            title=_("OFP pairs"),
            columns=[_("Figure"), _("Pairs")],
            rows=[
                [_("Started"), flow["started"]],
                [_("Active during the period"), active],
                [_("Completed six months"), flow["completed"]],
                [_("Ended early"), flow["ended_early"]],
            ],
            chart="bar",
            chart_columns=[1],
        ),
        Table(
            key="ofp_end_reasons",
            title=_("Why OFP pairs ended early"),
            columns=[_("Reason"), _("Pairs")],
            rows=[[row["pair__end_reason"] or "—", row["n"]] for row in reasons],
            note=_("The reasons as people wrote them; the 20 most frequent."),
            user_text=True,
        ),
    ]


LOAD_BUCKETS: tuple[tuple[StrOrPromise, Q], ...] = (
    (pgettext_lazy("tasks taken", "1"), Q(tasks=1)),
    (pgettext_lazy("tasks taken", "2"), Q(tasks=2)),
    (pgettext_lazy("tasks taken", "3"), Q(tasks=3)),
    (pgettext_lazy("tasks taken", "4"), Q(tasks=4)),
    (pgettext_lazy("tasks taken", "5 or more"), Q(tasks__gte=5)),
)


def _volunteer_tables(period: Period, filters: Filters, received: Received) -> list[Table]:
    flow = VolunteerStatusChange.objects.filter(
        _in(period), filters.volunteers("volunteer__")
    ).aggregate(
        applied=Count("volunteer", distinct=True, filter=Q(from_status="")),
        approved=Count(
            "volunteer",
            distinct=True,
            filter=Q(
                to_status=VolunteerStatus.APPROVED,
                from_status__in=[VolunteerStatus.APPLIED, VolunteerStatus.REJECTED],
            ),
        ),
    )
    # Load: how many tasks each volunteer took on (accepted) in the period.
    load = (
        MatchEvent.objects.filter(
            _in(period), filters.requests("match__request__"), to_status=MatchStatus.ACCEPTED
        )
        .values("match__volunteer")
        .annotate(tasks=Count("match", distinct=True))
        .aggregate(
            active=Count("match__volunteer"),
            most=Max("tasks"),
            **{
                f"load_{i}": Count("match__volunteer", filter=q)
                for i, (_label, q) in enumerate(LOAD_BUCKETS)
            },
        )
    )
    # Languages: the residents' first languages in the period against the languages of the
    # volunteers who can take tasks now.
    codes = [code for code, _label in LANGUAGE_CHOICES]
    requested = received.by("language")
    covered = Volunteer.objects.filter(
        filters.volunteers(), status=VolunteerStatus.APPROVED
    ).aggregate(**{code: Count("pk", filter=_speaks(code)) for code in codes})
    gap = _("Recruit")
    language_rows = []
    for code in codes:
        asked = requested.get((code,), 0)
        if asked or covered[code]:
            language_rows.append(
                [
                    _language_name(code),
                    asked,
                    covered[code],
                    gap if asked and not covered[code] else "",
                ]
            )
    return [
        Table(
            key="volunteers",
            title=_("Volunteers"),
            columns=[_("Figure"), _("Volunteers")],
            rows=[
                [_("Applied"), flow["applied"]],
                [_("Approved"), flow["approved"]],
                [_("Active (took on a task)"), load["active"]],
            ],
            chart="bar",
            chart_columns=[1],
        ),
        Table(
            key="load",
            title=_("Tasks taken on per active volunteer (fairness)"),
            columns=[_("Tasks taken on"), _("Volunteers")],
            rows=[[label, load[f"load_{i}"]] for i, (label, _q) in enumerate(LOAD_BUCKETS)],
            chart="bar",
            chart_columns=[1],
            note=ngettext_lazy(
                "The busiest volunteer took on %(count)d task.",
                "The busiest volunteer took on %(count)d tasks.",
                "count",
            )
            % {"count": load["most"] or 0},
        ),
        Table(
            key="languages",
            title=_("Languages requested and languages covered"),
            columns=[
                _("Language"),
                _("Requests (resident's first language)"),
                _("Volunteers who can take tasks"),
                _("Gap"),
            ],
            rows=language_rows,
            chart="bar",
            chart_columns=[1, 2],
            note=_("“Recruit”: residents asked in this language, and no volunteer speaks it."),
        ),
    ]


def _speaks(code: str) -> Q:
    """A volunteer whose languages include ``code`` (jsonb containment on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return Q(languages__contains=[code])
    return Q(languages__icontains=f'"{code}"')


def _month_label(month: datetime.date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def _monthly_tables(period: Period, received: Received) -> list[Table]:
    months = period.months()
    by_category = received.by("month", "category")
    by_language = received.by("month", "language")
    categories = received.categories
    languages = [
        code for code, _label in LANGUAGE_CHOICES if any(key[1] == code for key in by_language)
    ]
    return [
        Table(
            key="by_category",
            title=_("Requests by category, month by month"),
            columns=[_("Month"), *[category.name for category in categories]],
            rows=[
                [_month_label(m), *[by_category.get((m, c.pk), 0) for c in categories]]
                for m in months
            ],
            chart="stacked",
            chart_columns=list(range(1, len(categories) + 1)),
        ),
        Table(
            key="by_language",
            title=_("Requests by the resident's first language, month by month"),
            columns=[_("Month"), *[_language_name(code) for code in languages]],
            rows=[
                [_month_label(m), *[by_language.get((m, code), 0) for code in languages]]
                for m in months
            ],
            chart="stacked",
            chart_columns=list(range(1, len(languages) + 1)),
        ),
    ]
