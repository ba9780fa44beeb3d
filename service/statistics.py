"""Statistics of a period: counts, response times and what went wrong, by SQL aggregates.

Everything is grouped in the database, so a six-month period of a million reports is read as
a few dozen rows. Percentiles use PostgreSQL's `percentile_cont`; SQLite has no such
function, so there the one column of durations is read and ranked in Python (SQLite is the
embedded, small install). Simulated reports are left out of everything.
"""

from __future__ import annotations

import statistics as stdlib_statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    cast,
    exists,
    extract,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from alerts.deadlines import Deadlines
from models import Municipality, Report, ReportRoute
from service.report_queries import local_midnight, overdue

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class Durations:
    """How long something took, in hours: how many, the median and the 90th percentile."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class PeriodStats:
    """The figures of one period (local calendar days, both ends included)."""

    start: date
    end: date
    total: int
    by_kind: list[tuple[str, int]]
    by_category: list[tuple[str, str, int]]
    by_municipality: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    acknowledge: Durations
    resolve: Durations
    unrouted: int
    overdue: int
    escalated: int
    urgent: int


def _month(session: Session) -> Any:
    """Return the SQL expression of a report's month, "YYYY-MM", in the database's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Europe/Tirane", Report.created_at), "YYYY-MM")
    return func.strftime("%Y-%m", Report.created_at)  # UTC: a month's edge may shift an hour


def _hours(session: Session, end_column: Any) -> Any:
    """Return the SQL expression of hours from a report's creation to `end_column`."""
    if session.get_bind().dialect.name == "postgresql":
        return extract("epoch", end_column - Report.created_at) / SECONDS_PER_HOUR
    return (func.julianday(end_column) - func.julianday(Report.created_at)) * 24.0


def _durations(session: Session, where: ColumnElement[bool], end_column: Any) -> Durations:
    """Return the count, median and 90th percentile of hours to `end_column`."""
    hours = _hours(session, end_column)
    done = and_(where, end_column.is_not(None))
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(select(
            func.count(), func.percentile_cont(0.5).within_group(cast(hours, Float)),
            func.percentile_cont(0.9).within_group(cast(hours, Float))).where(done)).one()
        return Durations(int(row[0]), _round(row[1]), _round(row[2]))
    values = sorted(float(v) for v in session.scalars(select(hours).where(done)))
    if not values:
        return Durations(0, None, None)
    return Durations(len(values), _round(stdlib_statistics.median(values)),
                     _round(_percentile(values, 0.9)))


def _percentile(ordered: list[float], share: float) -> float:
    """Return the continuous percentile of sorted values, as percentile_cont computes it."""
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _round(value: Any) -> float | None:
    """Return hours rounded to a hundredth, or None."""
    return None if value is None else round(float(value), 2)


def _grouped(session: Session, where: ColumnElement[bool], *columns: Any) -> list[Any]:
    """Return (columns…, count) rows, biggest first."""
    count = func.count(Report.id)
    return list(session.execute(select(*columns, count).where(where).group_by(*columns)
                                .order_by(count.desc(), *columns)))


def compute(session: Session, start: date, end: date, condition: ColumnElement[bool],
            deadlines: Deadlines, now: datetime) -> PeriodStats:
    """Return the statistics of reports received from `start` to `end` within `condition`."""
    where = and_(condition, Report.simulated.is_(False),
                 Report.created_at >= local_midnight(start),
                 Report.created_at < local_midnight(end + timedelta(days=1)))
    month = _month(session)
    counted = session.execute(select(
        func.count(Report.id),
        func.count(Report.id).filter(Report.unrouted.is_(True)),
        func.count(Report.id).filter(Report.urgent.is_(True)),
        func.count(Report.id).filter(overdue(deadlines, now)),
        func.count(Report.id).filter(exists(select(ReportRoute.id).where(
            ReportRoute.report_id == Report.id,
            or_(ReportRoute.level > 0, ReportRoute.escalated_at.is_not(None)))))).where(
        where)).one()
    municipalities = session.execute(
        select(func.coalesce(Municipality.name_sq, "–"), func.count(Report.id))
        .select_from(Report).outerjoin(Municipality, Municipality.id == Report.municipality_id)
        .where(where).group_by(Municipality.name_sq).order_by(func.count(Report.id).desc()))
    return PeriodStats(
        start=start, end=end, total=int(counted[0]),
        by_kind=[(r[0], int(r[1])) for r in _grouped(session, where, Report.kind)],
        by_category=[(r[0], r[1], int(r[2]))
                     for r in _grouped(session, where, Report.kind, Report.category)],
        by_municipality=[(str(r[0]), int(r[1])) for r in municipalities],
        by_month=sorted((str(r[0]), int(r[1])) for r in _grouped(session, where, month)),
        acknowledge=_durations(session, where, Report.acknowledged_at),
        resolve=_durations(session, where, Report.resolved_at),
        unrouted=int(counted[1]), urgent=int(counted[2]), overdue=int(counted[3]),
        escalated=int(counted[4]),
    )
