"""Statistics of a period: counts, response times and what went wrong, by SQL aggregates.

Everything is counted in the database: one pass groups the period's reports by kind,
category, municipality and month (a few thousand rows at most, summed here), one more
measures the delays. Days are local calendar days (Europe/Tirane), months too, so both
backends agree to the minute. Percentiles use PostgreSQL's `percentile_cont`; SQLite has
none, so there one column of hours is read and ranked in Python. Simulated reports are
left out of everything.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Float, and_, case, cast, extract, func, or_, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session

from alerts.deadlines import Deadlines
from models import Municipality, Report, ReportRoute
from service.report_queries import local_midnight, overdue

STEPS = (Report.acknowledged_at, Report.resolved_at)  # the steps whose delays are measured
SHARES = array([0.5, 0.9])  # the median and the 90th percentile
Counted = TypeVar("Counted", bound=tuple[Any, ...])
LONGEST = timedelta(days=5 * 366)  # a longer period is a typo, and would count too many months


@dataclass(frozen=True)
class Durations:
    """How long reports took to reach a step, in hours: how many did, median and 90th pct."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class PeriodStats:
    """The figures of reports received in one period (local days, both ends included)."""

    start: date
    end: date
    total: int
    urgent: int
    unrouted: int
    overdue: int  # still waiting past their deadline at the moment of computing
    escalated: int
    by_month: tuple[tuple[str, int], ...]  # ("YYYY-MM", count) for every month, zeros too
    by_kind: tuple[tuple[str, int], ...]  # biggest first
    by_category: tuple[tuple[str, str, int], ...]  # (kind, category, count), biggest first
    by_municipality: tuple[tuple[str, int], ...]  # Albanian name, "" for none; biggest first
    acknowledge: Durations
    resolve: Durations


def compute(session: Session, start: date, end: date, condition: ColumnElement[bool], *,
            deadlines: Deadlines | None = None, now: datetime | None = None) -> PeriodStats:
    """Return the statistics of the reports received from `start` to `end` within `condition`.

    `deadlines` (default: the built-in ones) and `now` decide which reports are overdue.

    :raise ValueError: when `end` is before `start` or the period is longer than LONGEST.
    """
    if end < start or end - start > LONGEST:
        raise ValueError(f"not a period: {start.isoformat()} to {end.isoformat()}")
    where = and_(condition, Report.simulated.is_(False),
                 Report.created_at >= local_midnight(start),
                 Report.created_at < local_midnight(end + timedelta(days=1)))
    months = month_spans(start, end)
    groups = _grouped(session, where, months,
                      overdue(deadlines or Deadlines.load(), now or datetime.now(UTC)))
    acknowledge, resolve = durations(session, where)
    return _summed(start, end, groups, [key for key, _, _ in months],
                   _names(session, {row[2] for row in groups}), acknowledge, resolve)


def _grouped(session: Session, where: ColumnElement[bool],
             months: list[tuple[str, datetime, datetime]],
             late: ColumnElement[bool]) -> Sequence[Sequence[Any]]:
    """Return the counts by kind, category, municipality and month, in one pass.

    Each row: kind, category, municipality id, month number, then the counts of reports,
    urgent, unrouted, overdue and escalated ones. The month is numbered by comparing with
    its local boundaries, which both backends can do (SQLite knows no time zones).
    """
    month = case(*((Report.created_at < until, index) for index, (_, _, until)
                   in enumerate(months[:-1])), else_=len(months) - 1).label("month")
    escalated = Report.id.in_(select(ReportRoute.report_id).where(
        or_(ReportRoute.level > 0, ReportRoute.escalated_at.is_not(None))))
    reports = func.count(Report.id)
    return session.execute(select(
        Report.kind, Report.category, Report.municipality_id, month, reports,
        reports.filter(Report.urgent.is_(True)), reports.filter(Report.unrouted.is_(True)),
        reports.filter(late), reports.filter(escalated),
    ).where(where).group_by(Report.kind, Report.category, Report.municipality_id, month)).all()


def _summed(start: date, end: date, groups: Sequence[Sequence[Any]], months: list[str],
            names: dict[int, str], acknowledge: Durations, resolve: Durations) -> PeriodStats:
    """Return the period's figures summed from the grouped counts."""
    totals = [0] * 5  # reports, urgent, unrouted, overdue, escalated
    kinds: Counter[str] = Counter()
    categories: Counter[tuple[str, str]] = Counter()
    places: Counter[int | None] = Counter()
    per_month = [0] * len(months)
    for kind, category, place, month, *counts in groups:
        totals = [total + int(count) for total, count in zip(totals, counts, strict=True)]
        reports = int(counts[0])
        kinds[kind] += reports
        categories[(kind, category)] += reports
        places[place] += reports
        per_month[month] += reports
    return PeriodStats(
        start=start, end=end, total=totals[0], urgent=totals[1], unrouted=totals[2],
        overdue=totals[3], escalated=totals[4],
        by_month=tuple(zip(months, per_month, strict=True)),
        by_kind=_biggest_first(kinds.items()),
        by_category=_biggest_first((kind, category, count)
                                   for (kind, category), count in categories.items()),
        by_municipality=_biggest_first((names.get(place, "") if place is not None else "", count)
                                       for place, count in places.items()),
        acknowledge=acknowledge, resolve=resolve)


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    """Return the Albanian names of some municipalities by id."""
    known = [ident for ident in ids if ident is not None]
    return {ident: name for ident, name in session.execute(
        select(Municipality.id, Municipality.name_sq).where(Municipality.id.in_(known)))}


def month_spans(start: date, end: date) -> list[tuple[str, datetime, datetime]]:
    """Return each calendar month the period touches: "YYYY-MM" and its part as UTC moments."""
    spans = []
    first = start
    while first <= end:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(following - timedelta(days=1), end)
        spans.append((first.strftime("%Y-%m"), local_midnight(first),
                      local_midnight(last + timedelta(days=1))))
        first = following
    return spans


def durations(session: Session, where: ColumnElement[bool]) -> tuple[Durations, Durations]:
    """Return how long the reports took to be acknowledged and to be resolved, in hours."""
    if session.get_bind().dialect.name == "postgresql":
        # Ranked in the database in one pass: percentile_cont skips the NULLs of reports that
        # have not reached a step, and takes both percentiles from one sort.
        measured: list[Any] = []
        for step in STEPS:
            hours = cast(extract("epoch", step - Report.created_at), Float) / 3600
            measured += [func.count(step), func.percentile_cont(SHARES).within_group(hours)]
        acknowledged, to_acknowledge, resolved, to_resolve = session.execute(
            select(*measured).where(where)).one()
        return _cut(acknowledged, to_acknowledge), _cut(resolved, to_resolve)
    # SQLite has no percentile function: read one column of hours at a time and rank it here,
    # with the same linear interpolation as percentile_cont ("inclusive" quantiles).
    acknowledge, resolve = (_ranked(sorted(float(value) for value in session.scalars(
        select((func.julianday(step) - func.julianday(Report.created_at)) * 24.0)
        .where(where, step.is_not(None))))) for step in STEPS)
    return acknowledge, resolve


def _cut(count: int, percentiles: list[float] | None) -> Durations:
    """Return the Durations of a count and its [median, 90th percentile] (None when empty)."""
    median, p90 = percentiles or (None, None)
    return Durations(int(count), _hours(median), _hours(p90))


def _ranked(values: list[float]) -> Durations:
    """Return the count, median and 90th percentile of sorted hours."""
    if len(values) < 2:  # quantiles() needs two points; a single one is every percentile
        only = _hours(values[0]) if values else None
        return Durations(len(values), only, only)
    return Durations(len(values), _hours(statistics.median(values)),
                     _hours(statistics.quantiles(values, n=10, method="inclusive")[8]))


def _hours(value: Any) -> float | None:
    """Return hours rounded to the hundredth (36 seconds), so both backends agree exactly."""
    return None if value is None else round(float(value), 2)


def _biggest_first(rows: Iterable[Counted]) -> tuple[Counted, ...]:
    """Return rows ending in a count as a tuple, biggest count first, then by name."""
    return tuple(sorted(rows, key=lambda row: (-row[-1], *row[:-1])))
