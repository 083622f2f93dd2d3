"""The programme numbers against a small world whose figures are worked out by hand.

The world, fiscal year 2026 (1 April 2026 – 31 March 2027, Japan time), seen on 8 December 2026:

- r1 (Alice): received 10 May, opened 11 May 10:00, accepted by Bob 20:00 (10 h), approved
  12 May 10:00 (24 h after opening), completed 20 May; feedback 5 and 4, both wish to continue;
  then an OFP pair: active 1 June, ended early 1 August (“Moved away”).
- r2 (Alice): received 1 June, opened 2 June 0:00, accepted by Bob 3 June (24 h), approved 4 June
  (48 h).
- r3 (Alice): received 1 July, cancelled 2 July.
- r4 (Alice): received 31 March 2026 23:30 (the previous fiscal year), opened 1 April 00:30.
- r5 (Alice): received 1 April 2026 00:10 Japan time (still 31 March in UTC).
- r6 (Mallory): received 5 August, in Vietnamese first, which no volunteer speaks.
- r7 (Mallory): received 1 September, opened, matched and completed in September (no match rows).
- r8 (Alice): received 1 March 2026, opened 2 March, accepted by Dan 3 March and withdrawn; accepted
  again by Dan 15 April (not a first acceptance) and approved 16 April (1,080 h after opening).
- Bob applied 20 April and was approved 22 April; Dan was approved in February.
"""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F

from desk.periods import between, fiscal_year_of, month_of
from desk.selectors import Filters, Seconds, percentiles, percentiles_by_rank, programme_numbers
from matching.models import MatchEvent, Role
from requests_app.models import Category
from tests.desk.history import (
    feedback_on,
    jst,
    match_with,
    pair_with,
    request_with,
    volunteer_moves,
)
from tests.factories import make_user
from tests.volunteers.factories import make_volunteer

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 8)
FISCAL_YEAR = fiscal_year_of(TODAY)


@pytest.fixture
def world(alice, bob, mallory):  # noqa: ANN001, ANN201
    dan = make_volunteer(make_user("dan@example.com", display_name="Dan"))
    r1 = request_with(
        alice,
        jst(2026, 5, 10, 9),
        ("submitted", "matching", jst(2026, 5, 11, 10)),
        ("matching", "matched", jst(2026, 5, 12, 10)),
        ("matched", "completed", jst(2026, 5, 20, 12)),
    )
    m1 = match_with(
        r1,
        bob,
        ("", "accepted", jst(2026, 5, 11, 20)),
        ("accepted", "approved", jst(2026, 5, 12, 10)),
        ("approved", "completed", jst(2026, 5, 20, 12)),
    )
    feedback_on(m1, Role.RESIDENT, jst(2026, 5, 20, 12), helpful=5, wants_to_continue=True)
    feedback_on(m1, Role.VOLUNTEER, jst(2026, 5, 21, 9), helpful=4, wants_to_continue=True)
    pair_with(
        m1,
        ("", "requested", jst(2026, 5, 25)),
        ("requested", "awaiting_consent", jst(2026, 5, 26)),
        ("awaiting_consent", "active", jst(2026, 6, 1)),
        ("active", "ended_early", jst(2026, 8, 1)),
        end_reason="Moved away",
    )
    r2 = request_with(
        alice,
        jst(2026, 6, 1),
        ("submitted", "matching", jst(2026, 6, 2)),
        ("matching", "matched", jst(2026, 6, 4)),
    )
    match_with(
        r2, bob, ("", "accepted", jst(2026, 6, 3)), ("accepted", "approved", jst(2026, 6, 4))
    )
    request_with(alice, jst(2026, 7, 1, 12), ("submitted", "cancelled", jst(2026, 7, 2, 12)))
    request_with(alice, jst(2026, 3, 31, 23, 30), ("submitted", "matching", jst(2026, 4, 1, 0, 30)))
    request_with(alice, jst(2026, 4, 1, 0, 10))
    request_with(mallory, jst(2026, 8, 5, 10), languages=["vi", "ja"])
    request_with(
        mallory,
        jst(2026, 9, 1),
        ("submitted", "matching", jst(2026, 9, 2)),
        ("matching", "matched", jst(2026, 9, 3)),
        ("matched", "completed", jst(2026, 9, 10)),
    )
    r8 = request_with(
        alice,
        jst(2026, 3, 1),
        ("submitted", "matching", jst(2026, 3, 2)),
        ("matching", "matched", jst(2026, 4, 16)),
    )
    match_with(
        r8, dan, ("", "accepted", jst(2026, 3, 3)), ("accepted", "withdrawn", jst(2026, 3, 4))
    )
    match_with(
        r8, dan, ("", "accepted", jst(2026, 4, 15)), ("accepted", "approved", jst(2026, 4, 16))
    )
    volunteer_moves(
        bob, ("", "applied", jst(2026, 4, 20)), ("applied", "approved", jst(2026, 4, 22))
    )
    volunteer_moves(dan, ("", "applied", jst(2026, 2, 1)), ("applied", "approved", jst(2026, 2, 3)))
    return {"r1": r1, "r2": r2, "r8": r8}


def figures(numbers, key: str) -> dict[str, list]:  # noqa: ANN001
    """A table's rows by their first cell (as text), without it."""
    return {str(row[0]): row[1:] for row in numbers.table(key).rows}


def column(numbers, key: str, index: int = 1) -> list:  # noqa: ANN001
    return [row[index] for row in numbers.table(key).rows]


@pytest.fixture
def numbers(world):  # noqa: ANN001, ANN201
    return programme_numbers(period=FISCAL_YEAR, today=TODAY)


def test_requests_by_stage_in_the_fiscal_year(numbers) -> None:  # noqa: ANN001
    # received r1 r2 r3 r5 r6 r7; opened r1 r2 r4 r7; matched r1 r2 r7 r8; completed r1 r7;
    # cancelled r3; closed none.
    assert column(numbers, "requests") == [6, 4, 4, 2, 1, 0]


def test_the_match_rate_is_completed_over_opened_beside_the_reference(numbers) -> None:  # noqa: ANN001
    assert column(numbers, "match_rate") == [50.0, 90.0]


def test_people_helped_this_fiscal_year_against_the_targets(numbers) -> None:  # noqa: ANN001
    rows = numbers.table("people_helped").rows
    assert [row[1:] for row in rows] == [[2, None], [170, 1.2], [300, 0.7]]


def test_time_to_first_acceptance_and_to_approval(numbers) -> None:  # noqa: ANN001
    # First acceptances: r1 10 h, r2 24 h (r8 was first accepted in March).
    # Approvals: r1 24 h, r2 48 h, r8 1,080 h. Nearest rank: median = ⌈n/2⌉th, p90 = ⌈0.9 n⌉th.
    assert [row[1:] for row in numbers.table("durations").rows] == [
        [10.0, 24.0, 2],
        [48.0, 1080.0, 3],
    ]


def test_feedback_figures(numbers) -> None:  # noqa: ANN001
    assert column(numbers, "helpfulness") == [0, 0, 0, 1, 1]
    assert [row[1:] for row in numbers.table("feedback").rows] == [
        [2, None],
        [2, 100.0],
        [2, 100.0],
        [0, 0.0],
    ]


def test_ofp_pairs(numbers) -> None:  # noqa: ANN001
    assert column(numbers, "ofp") == [1, 1, 0, 1]
    assert numbers.table("ofp_end_reasons").rows == [["Moved away", 1]]


def test_volunteers_and_their_load(numbers) -> None:  # noqa: ANN001
    # Bob applied and was approved in the year; Dan before it. In the year Bob took two tasks
    # (r1, r2), Dan one (r8).
    assert column(numbers, "volunteers") == [1, 1, 2]
    assert column(numbers, "load") == [1, 1, 0, 0, 0]


def test_languages_requested_against_languages_covered(numbers) -> None:  # noqa: ANN001
    rows = {str(row[0]): row[1:] for row in numbers.table("languages").rows}
    assert rows["日本語"] == [0, 2, ""]
    assert rows["ネパール語"] == [5, 2, ""]
    assert rows["ベトナム語"] == [1, 0, "募集が必要"]


def test_requests_by_category_and_language_month_by_month(numbers) -> None:  # noqa: ANN001
    by_category = numbers.table("by_category")
    healthcare = [str(c) for c in by_category.columns].index(
        Category.objects.get(code="healthcare").name
    )
    assert [row[0] for row in by_category.rows][:2] == ["2026年4月", "2026年5月"]
    assert [row[healthcare] for row in by_category.rows] == [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    by_language = numbers.table("by_language")
    assert [str(c) for c in by_language.columns][1:] == ["ネパール語", "ベトナム語"]
    assert [row[1:] for row in by_language.rows][:6] == [
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [0, 1],
        [1, 0],
    ]


def test_the_fiscal_year_starts_on_1_april_japan_time(world) -> None:  # noqa: ANN001
    assert fiscal_year_of(datetime.date(2026, 3, 31)).start == jst(2025, 4, 1)
    assert fiscal_year_of(datetime.date(2026, 4, 1)).start == jst(2026, 4, 1)
    assert FISCAL_YEAR.end == jst(2027, 4, 1)
    previous = programme_numbers(period=fiscal_year_of(datetime.date(2026, 3, 31)), today=TODAY)
    # r4 (23:30 on 31 March) and r8 are the previous year's; r5 (00:10 on 1 April) is not.
    assert column(previous, "requests")[:2] == [2, 1]
    current = column(programme_numbers(period=FISCAL_YEAR, today=TODAY), "requests")
    assert current[:2] == [6, 4]


def test_a_month_and_a_custom_period(world) -> None:  # noqa: ANN001
    may = programme_numbers(period=month_of(datetime.date(2026, 5, 15)), today=TODAY)
    assert column(may, "requests") == [1, 1, 1, 1, 0, 0]
    assert len(may.table("by_category").rows) == 1
    days = programme_numbers(
        period=between(datetime.date(2026, 6, 2), datetime.date(2026, 6, 3)), today=TODAY
    )
    assert column(days, "requests") == [0, 1, 0, 0, 0, 0]


def test_the_filters_narrow_the_numbers(world) -> None:  # noqa: ANN001
    vietnamese = programme_numbers(period=FISCAL_YEAR, filters=Filters(language="vi"), today=TODAY)
    assert column(vietnamese, "requests") == [1, 0, 0, 0, 0, 0]
    assert column(vietnamese, "volunteers") == [0, 0, 0]  # nobody speaks Vietnamese
    other = Category.objects.exclude(code="healthcare").first()
    elsewhere = programme_numbers(period=FISCAL_YEAR, filters=Filters(category=other), today=TODAY)
    assert column(elsewhere, "requests") == [0, 0, 0, 0, 0, 0]
    assert column(elsewhere, "people_helped")[0] == 2  # the whole programme, by design
    osaka = programme_numbers(period=FISCAL_YEAR, filters=Filters(prefecture="Osaka"), today=TODAY)
    assert column(osaka, "requests") == [0, 0, 0, 0, 0, 0]


def test_the_rank_percentiles_agree_with_postgresql(world) -> None:  # noqa: ANN001
    # The fallback (for SQLite in `make run`) against PERCENTILE_DISC, on the same values.
    values = MatchEvent.objects.annotate(
        seconds=Seconds(F("at") - F("match__created_at")) + F("pk")
    )
    assert percentiles_by_rank(values, "seconds") == percentiles(values, "seconds")


def test_the_numbers_take_the_same_queries_however_much_data(
    world,  # noqa: ANN001
    alice,  # noqa: ANN001
    bob,  # noqa: ANN001
    django_assert_num_queries,  # noqa: ANN001
) -> None:
    # Savepoint, SET LOCAL, 13 aggregates, release.
    with django_assert_num_queries(16):
        programme_numbers(period=FISCAL_YEAR, today=TODAY)
    for day in range(1, 20):
        help_request = request_with(
            alice,
            jst(2026, 10, day),
            ("submitted", "matching", jst(2026, 10, day, 6)),
        )
        match_with(help_request, bob, ("", "accepted", jst(2026, 10, day, 9)))
    with django_assert_num_queries(16):
        again = programme_numbers(period=FISCAL_YEAR, today=TODAY)
    assert column(again, "requests")[:2] == [25, 23]
