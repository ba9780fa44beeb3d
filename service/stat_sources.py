"""Where a period's figures come from: the monthly roll-ups, or the reports themselves.

Both sources add into the same `Sums`, in the same units: the counts by each breakdown (the
database sums the roll-ups' rows, so that a half-year is a few hundred rows to read); the time
to each step in duration classes (models/tallies.py);
and, per kind, how many reports were taken up before their escalation deadline. Whole
months within the scope of an admin or a coordinator are read from the roll-ups; the
other months (the ragged ends of a period) and the scopes the roll-ups cannot answer (a
focal point's roles) are counted from the reports, with the very function that fills the
roll-ups, so either way gives the same figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from alerts.deadlines import Deadlines
from models import DurationRollup, Report, ReportRollup
from models.tallies import FACTS, duration_class, tally_of
from service.report_queries import overdue

CountKey = tuple[int, int, str, str, str, str]  # month, municipality, country, kind, dim, value
TIMES = select(Report.kind, Report.urgent, Report.created_at, Report.acknowledged_at,
               Report.resolved_at)


@dataclass(frozen=True)
class Month:
    """One calendar month of a period: YYYYMM, the part inside the period as UTC moments."""

    key: int
    since: datetime
    until: datetime
    whole: bool  # the period holds the whole month


BREAKDOWNS = ("month", "kind", "category", "municipality", "country", "sex", "age_band",
              "school", "reason")


def _breakdowns() -> dict[str, Counter[Any]]:
    """Return an empty counter per breakdown."""
    return {name: Counter() for name in BREAKDOWNS}


@dataclass
class Sums:
    """The period's figures as they are added up, before they are sorted and named.

    `totals` are reports, urgent, unrouted and escalated; `per` counts the reports by each
    breakdown (category as (kind, category); the others by their stored value).
    """

    totals: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    per: dict[str, Counter[Any]] = field(default_factory=_breakdowns)
    durations: Counter[tuple[str, bool, str, int]] = field(default_factory=Counter)
    in_time: Counter[str] = field(default_factory=Counter)  # by kind
    missed: Counter[str] = field(default_factory=Counter)  # not taken up, deadline past

    def add_counts(self, key: CountKey, counts: Sequence[int]) -> None:
        """Add one report's counts (reports, urgent, unrouted, escalated) under its key."""
        month, place, country, kind, dimension, value = key
        if dimension != "category":
            self.per[dimension][value] += counts[0]
            return
        self.add_totals(counts)
        for name, found in (("month", month), ("kind", kind), ("category", (kind, value)),
                            ("municipality", place), ("country", country)):
            self.per[name][found] += counts[0]

    def add_totals(self, counts: Sequence[Any]) -> None:
        """Add to the reports, urgent, unrouted and escalated totals."""
        for index, count in enumerate(counts):
            self.totals[index] += int(count)


def from_rollups(session: Session, sums: Sums, months: Sequence[Month],
                 municipality_id: int | None, country: str | None) -> None:
    """Add the counts of whole months from the roll-ups, summed by the database per breakdown.

    Every report has one category row per month, place and kind: the totals, months, kinds,
    categories, places and countries are sums of those; the other breakdowns, of their own.
    """
    if not months:
        return
    table = ReportRollup
    within: list[ColumnElement[bool]] = [table.month.in_([m.key for m in months])]
    if municipality_id is not None:
        within.append(table.municipality_id == municipality_id)
    if country is not None:
        within.append(table.country == country)
    category = and_(*within, table.dimension == "category")
    counts = [func.sum(column) for column in (table.reports, table.urgent, table.unrouted,
                                              table.escalated)]
    for kind, value, *summed in session.execute(select(table.kind, table.value, *counts)
                                                .where(category)
                                                .group_by(table.kind, table.value)):
        sums.add_totals(summed)
        sums.per["kind"][kind] += int(summed[0])
        sums.per["category"][(kind, value)] += int(summed[0])
    for name, column in (("month", table.month), ("municipality", table.municipality_id),
                         ("country", table.country)):
        for key, reports in session.execute(select(column, counts[0]).where(category)
                                            .group_by(column)):
            sums.per[name][key] += int(reports)
    for dimension, value, reports in session.execute(
            select(table.dimension, table.value, counts[0])
            .where(*within, table.dimension != "category")
            .group_by(table.dimension, table.value)):
        sums.per[dimension][value] += int(reports)


def durations_from_rollups(session: Session, sums: Sums, months: Sequence[Month],
                           country: str | None, deadlines: Deadlines) -> None:
    """Add the duration classes of whole months, and who was taken up in time, from roll-ups.

    Only for deadlines on class boundaries (models.tallies.on_class_edge): a class then lies
    wholly before or wholly after the deadline.
    """
    if not months:
        return
    table = DurationRollup
    query = select(table.kind, table.urgent, table.step, table.minutes,
                   func.sum(table.reports)).where(table.month.in_([m.key for m in months]))
    if country is not None:
        query = query.where(table.country == country)
    query = query.group_by(table.kind, table.urgent, table.step, table.minutes)
    limits: dict[tuple[str, bool], float] = {}
    for kind, urgent, step, minutes, count in session.execute(query):
        key = (kind, bool(urgent))
        sums.durations[(*key, step, minutes)] += int(count)
        if key not in limits:
            limits[key] = deadlines.deadline_for(*key).total_seconds() / 60
        if step == "take_up" and minutes < limits[key]:
            sums.in_time[kind] += int(count)


def from_reports(session: Session, sums: Sums, months: Sequence[Month],
                 where: ColumnElement[bool], deadlines: Deadlines, *, counts: bool) -> None:
    """Add the figures of some months counted from the reports (`counts`: more than times)."""
    for since, until in runs(months):
        within = and_(where, Report.simulated.is_(False), Report.created_at >= since,
                      Report.created_at < until)
        if counts:
            for row in session.execute(FACTS.where(within)):
                tally = tally_of(row)
                if tally is None:
                    continue
                place = (tally.month, tally.municipality_id, tally.country, tally.kind)
                for dimension, value in tally.breakdowns():
                    sums.add_counts((*place, dimension, value), tally.counts())
                _add_times(sums, row, tally.steps(), deadlines)
        else:
            for timed in session.execute(TIMES.where(within)):
                steps = [(step, duration_class(at - timed.created_at)) for step, at in
                         (("take_up", timed.acknowledged_at), ("resolve", timed.resolved_at))
                         if at is not None]
                _add_times(sums, timed, steps, deadlines)


def _add_times(sums: Sums, row: Any, steps: list[tuple[str, int]], deadlines: Deadlines) -> None:
    """Add one report's duration classes, and whether it was taken up in time (exactly)."""
    for step, minutes in steps:
        sums.durations[(row.kind, bool(row.urgent), step, minutes)] += 1
    deadline: timedelta = deadlines.deadline_for(row.kind, bool(row.urgent))
    if row.acknowledged_at is not None and row.acknowledged_at - row.created_at < deadline:
        sums.in_time[row.kind] += 1


def missed(session: Session, sums: Sums, months: Sequence[Month], where: ColumnElement[bool],
           deadlines: Deadlines, now: datetime) -> None:
    """Add, per kind, the reports not taken up although their deadline has passed at `now`."""
    late = overdue(deadlines, now)
    for since, until in runs(months):
        for kind, count in session.execute(
                select(Report.kind, func.count(Report.id)).where(
                    where, late, Report.simulated.is_(False), Report.created_at >= since,
                    Report.created_at < until).group_by(Report.kind)):
            sums.missed[kind] += int(count)


def runs(months: Sequence[Month]) -> list[tuple[datetime, datetime]]:
    """Return the months as runs of consecutive ones, to query each run at once."""
    found: list[tuple[datetime, datetime]] = []
    for month in months:
        if found and found[-1][1] == month.since:
            found[-1] = (found[-1][0], month.until)
        else:
            found.append((month.since, month.until))
    return found
