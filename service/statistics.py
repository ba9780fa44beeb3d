"""Statistics of a period: counts by every breakdown, response times, and what went late.

Counts come from the monthly roll-ups where they can (service/stat_sources.py): an admin's
or a coordinator's half-year reads a few thousand rows instead of every report. Days and
months are local (Europe/Tirane). Times to take-up and to resolution are counted in
duration classes (a minute wide below an hour, a tenth of an hour below a day, an hour
below 30 days, a day beyond) and their median and 90th percentile are interpolated between
class bounds, as PostgreSQL's percentile_cont would over those values. A report is taken up
in time when it was acknowledged before its escalation deadline (the deadlines in effect,
as the escalation uses them). Simulated reports are left out of everything.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session

from alerts.deadlines import Deadlines
from locales import LOCAL_ZONE
from models import Municipality, Report, School
from models.tallies import on_class_edge
from service.report_queries import KINDS, local_midnight
from service.stat_sources import (
    Month,
    Sums,
    durations_from_rollups,
    from_reports,
    from_rollups,
    missed,
)

Counted = TypeVar("Counted", bound=tuple[Any, ...])
LONGEST = timedelta(days=5 * 366)  # a longer period is a typo, and would count too many months
SHARES = (Fraction(1, 2), Fraction(9, 10))  # the median and the 90th percentile
NOT_KNOWN = "unknown"  # a breakdown value nobody gave


@dataclass(frozen=True)
class Scope:
    """Whose reports are counted: all, a municipality's, a country's, and/or a condition.

    `condition` is anything more (a focal point's roles), which the roll-ups cannot answer:
    then every figure is counted from the reports.
    """

    municipality_id: int | None = None
    country: str | None = None
    condition: ColumnElement[bool] | None = None

    def where(self) -> ColumnElement[bool]:
        """Return the scope as a condition on reports."""
        found: list[ColumnElement[bool]] = [true()]
        if self.municipality_id is not None:
            found.append(Report.municipality_id == self.municipality_id)
        if self.country is not None:
            found.append(Report.country == self.country)
        if self.condition is not None:
            found.append(self.condition)
        return and_(*found)


@dataclass(frozen=True)
class Durations:
    """How long reports took to reach a step, in hours: how many did, median and 90th pct."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Times:
    """One kind's response (kind "" for all): times, and take-ups before the deadline or not."""

    kind: str
    reports: int
    take_up: Durations
    resolve: Durations
    in_time: int  # taken up before the escalation deadline
    late: int  # taken up, but after the deadline
    missed: int  # not taken up, and the deadline has passed

    @property
    def share(self) -> float | None:
        """Return the percentage taken up in time of those whose deadline has come."""
        due = self.in_time + self.late + self.missed
        return round(100 * self.in_time / due, 1) if due else None


@dataclass(frozen=True)
class PeriodStats:
    """The figures of reports received in one period (local days, both ends included)."""

    start: date
    end: date
    current: bool  # the period reaches today: "overdue now" means something only then
    total: int
    urgent: int
    unrouted: int
    escalated: int
    late: int  # taken up, but after the escalation deadline
    missed: int  # never taken up, and the deadline has passed
    overdue: int | None  # the same, said of today: None for a past period
    by_month: tuple[tuple[str, int], ...]  # ("YYYY-MM", count) for every month, zeros too
    by_kind: tuple[tuple[str, int], ...]  # biggest first, as all of these
    by_category: tuple[tuple[str, str, int], ...]  # (kind, category, count)
    by_municipality: tuple[tuple[str, int], ...]  # Albanian name, "" for none
    by_country: tuple[tuple[str, int], ...]  # XK | AL, "" for not known
    by_sex: tuple[tuple[str, int], ...]  # children at risk only
    by_age_band: tuple[tuple[str, int], ...]
    by_school: tuple[tuple[str, int], ...]  # dropouts only: school name, "" for none
    by_reason: tuple[tuple[str, int], ...]
    acknowledge: Durations  # every kind together, as `times[-1]`
    resolve: Durations
    times: tuple[Times, ...]  # per kind present, then all kinds ("")


def compute(session: Session, start: date, end: date, scope: Scope | None = None, *,
            deadlines: Deadlines | None = None, now: datetime | None = None,
            rollups: bool = True) -> PeriodStats:
    """Return the statistics of the reports received from `start` to `end` within `scope`.

    `deadlines` (default: the built-in ones) and `now` decide what was late; `rollups`
    False counts everything from the reports (the reference the roll-ups are checked by).

    :raise ValueError: when `end` is before `start` or the period is longer than LONGEST.
    """
    if end < start or end - start > LONGEST:
        raise ValueError(f"not a period: {start.isoformat()} to {end.isoformat()}")
    scope, deadlines = scope or Scope(), deadlines or Deadlines.load()
    now = now or datetime.now(UTC)
    months = month_spans(start, end)
    counted = [m for m in months if m.whole] if rollups and scope.condition is None else []
    timed = counted if scope.municipality_id is None and all(
        on_class_edge(deadlines.deadline_for(kind, urgent))
        for kind in KINDS for urgent in (True, False)) else []
    sums = Sums()
    from_rollups(session, sums, counted, scope.municipality_id, scope.country)
    durations_from_rollups(session, sums, timed, scope.country, deadlines)
    where = scope.where()
    from_reports(session, sums, [m for m in months if m not in counted], where, deadlines,
                 counts=True)
    from_reports(session, sums, [m for m in counted if m not in timed], where, deadlines,
                 counts=False)
    missed(session, sums, months, where, deadlines, now)
    current = end >= now.astimezone(LOCAL_ZONE).date()
    return _summed(session, start, end, current, months, sums)


def _summed(session: Session, start: date, end: date, current: bool, months: list[Month],
            sums: Sums) -> PeriodStats:
    """Return the period's figures summed and sorted from what the sources added up."""
    totals, per = sums.totals, sums.per
    for name in ("sex", "age_band", "reason"):  # a value nobody gave is not known
        known: Counter[str] = Counter()
        for key, count in per[name].items():
            known[key or NOT_KNOWN] += count
        per[name] = known
    times = _times(sums, per["kind"])
    places = _names(session, Municipality.id, Municipality.name_sq, per["municipality"])
    schools = _names(session, School.id, School.name, {int(k) for k in per["school"] if k})
    return PeriodStats(
        start=start, end=end, current=current, total=totals[0], urgent=totals[1],
        unrouted=totals[2], escalated=totals[3], late=times[-1].late, missed=times[-1].missed,
        overdue=times[-1].missed if current else None,
        by_month=tuple((f"{m.key // 100:04d}-{m.key % 100:02d}", per["month"][m.key])
                       for m in months),
        by_kind=_biggest_first(per["kind"].items()),
        by_category=_biggest_first((kind, category, count)
                                   for (kind, category), count in per["category"].items()),
        by_municipality=_biggest_first((places.get(place, ""), count)
                                       for place, count in per["municipality"].items()),
        by_country=_biggest_first(per["country"].items()),
        by_sex=_biggest_first(per["sex"].items()),
        by_age_band=_biggest_first(per["age_band"].items()),
        by_school=_biggest_first((schools.get(int(key), key) if key else "", count)
                                 for key, count in per["school"].items()),
        by_reason=_biggest_first(per["reason"].items()),
        acknowledge=times[-1].take_up, resolve=times[-1].resolve, times=times)


def _times(sums: Sums, reports: Counter[str]) -> tuple[Times, ...]:
    """Return the response times of each kind present, then of all kinds together."""
    kinds = [kind for kind, _ in _biggest_first(reports.items())]
    classes: defaultdict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for (kind, _, step, minutes), count in sums.durations.items():
        classes[(kind, step)][minutes] += count
        classes[("", step)][minutes] += count
    found = []
    for kind in [*kinds, ""]:
        take_up, resolve = (classes.get((kind, step), Counter())
                            for step in ("take_up", "resolve"))
        in_time = sum(count for k, count in sums.in_time.items() if kind in ("", k))
        late_missed = sum(count for k, count in sums.missed.items() if kind in ("", k))
        found.append(Times(
            kind=kind, reports=sum(c for k, c in reports.items() if kind in ("", k)),
            take_up=percentiles(take_up), resolve=percentiles(resolve),
            in_time=in_time, late=sum(take_up.values()) - in_time, missed=late_missed))
    return tuple(found)


def percentiles(classes: Counter[int]) -> Durations:
    """Return the count, median and 90th percentile (hours) of durations counted by class."""
    ordered = sorted((minutes, count) for minutes, count in classes.items() if count)
    total = sum(count for _, count in ordered)
    if not total:
        return Durations(0, None, None)

    def at(position: int) -> int:
        """Return the class bound of the value at a 0-based position in sorted order."""
        for minutes, count in ordered:
            if position < count:
                return minutes
            position -= count
        return ordered[-1][0]

    found = []
    for share in SHARES:
        rank = share * (total - 1)
        low = int(rank)
        value = at(low) + (at(low + 1) - at(low)) * (rank - low) if rank > low else at(low)
        found.append(round(float(value) / 60, 2))
    return Durations(total, found[0], found[1])


def _names(session: Session, ident: Any, name: Any, ids: Iterable[Any]) -> dict[int, str]:
    """Return the names of some rows by id (municipalities, schools); 0 and "" are none."""
    known = [int(key) for key in ids if key]
    if not known:
        return {}
    return {key: value for key, value in session.execute(
        select(ident, name).where(ident.in_(known)))}


def month_spans(start: date, end: date) -> list[Month]:
    """Return each calendar month the period touches, with its part inside the period."""
    spans = []
    first = start
    while first <= end:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(following - timedelta(days=1), end)
        spans.append(Month(first.year * 100 + first.month, local_midnight(first),
                           local_midnight(last + timedelta(days=1)),
                           first.day == 1 and last == following - timedelta(days=1)))
        first = following
    return spans


def _biggest_first(rows: Iterable[Counted]) -> tuple[Counted, ...]:
    """Return rows ending in a count as a tuple, biggest count first, then by name."""
    return tuple(sorted((row for row in rows if row[-1]), key=lambda row: (-row[-1], *row[:-1])))
