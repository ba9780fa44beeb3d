"""Keeping the monthly roll-ups exact: each report's tally, recounted whenever it may change.

`recount` reads the reports as they now are, compares each with its stored tally and moves
only the difference into the roll-ups, so it may run any number of times: it changes nothing
the second time. It runs in the transaction that changes a report:

- after every ORM flush that adds, changes or deletes a report (its place, country, kind,
  category, urgency, routing, details, school, take-up or resolution), or adds or escalates
  one of its routes (the hook at the end of this module);
- from filing, which inserts reports with Core statements the hook does not see;
- from `catch_up`, for rows written behind the application's back (bulk loads, the upgrade
  to the revision that brought the roll-ups): reports without a tally get one, and the tally
  of a report deleted or marked simulated is taken back out.

Months are local (Europe/Tirane) calendar months; durations are counted in classes (see
`duration_class`), so that a half-year's percentiles come from a few thousand rows.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, delete, event, exists, insert, inspect, or_, select
from sqlalchemy.orm import Session, UOWTransaction

from models.batch import Batch
from models.reports import Report, ReportRoute
from models.rollups import DurationRollup, ReportRollup, ReportTally

ZONE = ZoneInfo("Europe/Tirane")  # locales.LOCAL_ZONE, which models/ may not import
CHUNK = 500  # reports read per statement (well below SQLite's limit of bound parameters)
TALLIES, ROLLUPS, DURATIONS = (cast(Table, model.__table__)
                               for model in (ReportTally, ReportRollup, DurationRollup))
COUNTS = ("reports", "urgent", "unrouted", "escalated")
# Report attributes a tally depends on; a flush changing any other one recounts nothing.
COUNTED = frozenset({"created_at", "municipality_id", "country", "kind", "category", "urgent",
                     "unrouted", "simulated", "school_id", "details", "acknowledged_at",
                     "resolved_at"})
ESCALATED = exists(select(ReportRoute.id).where(
    ReportRoute.report_id == Report.id,
    or_(ReportRoute.level > 0, ReportRoute.escalated_at.is_not(None))))
FACTS = select(
    Report.id, Report.created_at, Report.municipality_id, Report.country, Report.kind,
    Report.category, Report.urgent, Report.unrouted, Report.simulated, Report.school_id,
    Report.details["sex"].as_string().label("sex"),
    Report.details["age_band"].as_string().label("age_band"),
    Report.details["reason"].as_string().label("reason"),
    Report.acknowledged_at, Report.resolved_at, ESCALATED.label("escalated"))


def month_of(at: datetime) -> int:
    """Return the local calendar month of a moment as YYYYMM."""
    local = at.astimezone(ZONE)
    return local.year * 100 + local.month


def duration_class(took: timedelta) -> int:
    """Return the lower bound, in minutes, of the class a duration falls in.

    Classes are a minute wide below an hour, six minutes (a tenth of an hour) below a day,
    an hour below 30 days and a day beyond: percentiles are taken over these bounds.
    """
    minutes = max(0, int(took.total_seconds() // 60))
    for limit, width in ((60, 1), (24 * 60, 6), (30 * 24 * 60, 60)):
        if minutes < limit:
            return minutes - minutes % width
    return minutes - minutes % (24 * 60)


def on_class_edge(deadline: timedelta) -> bool:
    """Tell whether a deadline falls on a class boundary, so classes tell early from late."""
    seconds = deadline.total_seconds()
    if seconds % 60:
        return False
    minutes = int(seconds // 60)
    for limit, width in ((60, 1), (24 * 60, 6), (30 * 24 * 60, 60)):
        if minutes <= limit:
            return minutes % width == 0
    return minutes % (24 * 60) == 0


@dataclass(frozen=True)
class Tally:
    """What one report counts as: where and when, what, and how long it took."""

    month: int
    municipality_id: int
    country: str
    kind: str
    category: str
    urgent: bool
    unrouted: bool
    escalated: bool
    sex: str
    age_band: str
    school_id: int
    reason: str
    to_take_up: int | None
    to_resolve: int | None

    def breakdowns(self) -> list[tuple[str, str]]:
        """Return the (dimension, value) pairs the report is counted under."""
        found = [("category", self.category)]
        if self.kind == "child_at_risk":
            found += [("sex", self.sex), ("age_band", self.age_band)]
        if self.kind == "dropout":
            found += [("school", str(self.school_id or "")), ("reason", self.reason)]
        return found

    def counts(self) -> tuple[int, int, int, int]:
        """Return what the report adds to a roll-up row: itself, urgent, unrouted, escalated."""
        return 1, int(self.urgent), int(self.unrouted), int(self.escalated)

    def steps(self) -> list[tuple[str, int]]:
        """Return the steps the report reached, with their duration classes."""
        return [(step, took) for step, took in (("take_up", self.to_take_up),
                                                ("resolve", self.to_resolve)) if took is not None]


def _word(value: Any, length: int) -> str:
    """Return a stored detail as a short word, "" when absent."""
    return str(value)[:length] if value not in (None, "") else ""


def tally_of(row: Any) -> Tally | None:
    """Return what a report row of FACTS counts as; None for a simulated report."""
    if row.simulated:
        return None

    def took(at: datetime | None) -> int | None:
        """Return the class of the time from filing to `at`."""
        return None if at is None else duration_class(at - row.created_at)

    return Tally(
        month=month_of(row.created_at), municipality_id=row.municipality_id or 0,
        country=row.country or "", kind=row.kind, category=row.category,
        urgent=bool(row.urgent), unrouted=bool(row.unrouted), escalated=bool(row.escalated),
        sex=_word(row.sex, 16), age_band=_word(row.age_band, 16),
        school_id=row.school_id or 0, reason=_word(row.reason, 32),
        to_take_up=took(row.acknowledged_at), to_resolve=took(row.resolved_at))


class Changes:
    """The difference recounting makes: tallies to replace and roll-up rows to shift."""

    def __init__(self) -> None:
        """Start with no change."""
        self.counts: dict[tuple[Any, ...], list[int]] = {}
        self.durations: Counter[tuple[Any, ...]] = Counter()
        self.replaced: list[int] = []
        self.new: list[dict[str, Any]] = []

    def move(self, report_id: int, before: Tally | None, after: Tally | None) -> None:
        """Take a report's old tally out of the roll-ups and put its new one in."""
        for tally, sign in ((before, -1), (after, 1)):
            if tally is None:
                continue
            place = (tally.month, tally.municipality_id, tally.country, tally.kind)
            for dimension, value in tally.breakdowns():
                shift = self.counts.setdefault((*place, dimension, value), [0, 0, 0, 0])
                for index, count in enumerate(tally.counts()):
                    shift[index] += sign * count
            for step, minutes in tally.steps():
                self.durations[(tally.month, tally.country, tally.kind, tally.urgent, step,
                                minutes)] += sign
        if before is not None:
            self.replaced.append(report_id)
        if after is not None:
            self.new.append({"report_id": report_id, **vars(after)})

    def write_tallies(self, connection: Connection) -> None:
        """Store the new tallies in place of the old ones."""
        for start in range(0, len(self.replaced), CHUNK):
            connection.execute(delete(TALLIES).where(
                TALLIES.c.report_id.in_(self.replaced[start:start + CHUNK])))
        if self.new:
            connection.execute(insert(TALLIES), self.new)
        self.replaced, self.new = [], []

    def shift_rollups(self, connection: Connection) -> None:
        """Add the differences to the roll-up rows, in key order so that writers never deadlock."""
        batch = Batch()
        self.rollups_into(batch)
        batch.run(connection)

    def rollups_into(self, batch: Batch) -> None:
        """Queue the roll-up rows' differences in a batch of writes, in key order."""
        counts = [dict(zip(("month", "municipality_id", "country", "kind", "dimension",
                            "value", *COUNTS), (*key, *shift), strict=True))
                  for key, shift in sorted(self.counts.items()) if any(shift)]
        durations = [dict(zip(("month", "country", "kind", "urgent", "step", "minutes",
                               "reports"), (*key, shift), strict=True))
                     for key, shift in sorted(self.durations.items()) if shift]
        batch.upsert(ROLLUPS, COUNTS, counts)
        batch.upsert(DURATIONS, ("reports",), durations)
        self.counts, self.durations = {}, Counter()


def count_new_report(batch: Batch, report_id: int, values: Mapping[str, Any]) -> None:
    """Queue a report's tally and roll-up rows, from the values it was just inserted with.

    Filing inserts with Core, past the flush hook; a new report has no tally yet, and its
    facts are the values written, so nothing needs reading back.
    """
    tally = tally_of(_NewReport(values))
    if tally is None:
        return
    changes = Changes()
    changes.move(report_id, None, tally)
    batch.insert(TALLIES, changes.new)
    changes.rollups_into(batch)


class _NewReport:
    """A report's inserted values, read the way `tally_of` reads a row of FACTS."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        """Keep the values; details give sex, age band and reason as their JSON text."""
        self.__dict__.update(values)
        details = values.get("details")
        for name in ("sex", "age_band", "reason"):
            found = details.get(name) if isinstance(details, dict) else None
            setattr(self, name, _json_text(found))
        self.escalated = False  # no route has been escalated yet
        self.acknowledged_at = self.resolved_at = None


def _json_text(value: Any) -> str | None:
    """Return a JSON value as the database's ->> would: text as it is, the rest as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def recount(connection: Connection, report_ids: Iterable[int]) -> int:
    """Bring the tallies and roll-ups of these reports up to date; return how many changed."""
    changes = Changes()
    changed = _compare(connection, sorted(set(report_ids)), changes)
    changes.shift_rollups(connection)
    return changed


def _compare(connection: Connection, ids: list[int], changes: Changes) -> int:
    """Compare the reports with their tallies, chunk by chunk, writing the new tallies."""
    changed = 0
    names = [field.name for field in fields(Tally)]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        fresh = {row.id: tally_of(row) for row in connection.execute(
            FACTS.where(Report.id.in_(chunk)))}
        stored = {row.report_id: Tally(**{name: getattr(row, name) for name in names})
                  for row in connection.execute(
                      select(TALLIES).where(TALLIES.c.report_id.in_(chunk)))}
        for ident in chunk:
            before, after = stored.get(ident), fresh.get(ident)
            if before != after:
                changes.move(ident, before, after)
                changed += 1
        changes.write_tallies(connection)
    return changed


def catch_up(connection: Connection) -> int:
    """Tally the reports that have no tally and drop the tallies of reports no longer counted."""
    missing = connection.scalars(select(Report.id).where(
        Report.simulated.is_(False),
        ~exists(select(TALLIES.c.report_id).where(TALLIES.c.report_id == Report.id)))).all()
    stale = connection.scalars(select(TALLIES.c.report_id).where(~exists(
        select(Report.id).where(Report.id == TALLIES.c.report_id,
                                Report.simulated.is_(False))))).all()
    # One pass of roll-up writes at the end: a bulk load touches each row many times.
    return recount(connection, [*missing, *stale])


def rebuilt_rollups(connection: Connection) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Return the roll-ups as the stored tallies sum up (non-zero rows, sorted): a check."""
    changes = Changes()
    names = [field.name for field in fields(Tally)]
    for row in connection.execute(select(TALLIES)):
        changes.move(0, None, Tally(**{name: getattr(row, name) for name in names}))
    return ([(*key, *shift) for key, shift in sorted(changes.counts.items())],
            [(*key, count) for key, count in sorted(changes.durations.items())])


def stored_rollups(connection: Connection) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Return the stored roll-up rows that are not zero, sorted like `rebuilt_rollups`."""
    counts = [tuple(row) for row in connection.execute(
        select(ROLLUPS).where(ROLLUPS.c.reports != 0))]
    durations = [tuple(row) for row in connection.execute(
        select(DURATIONS).where(DURATIONS.c.reports != 0))]
    return sorted(counts), sorted(durations)


def _touched(session: Session) -> set[int]:
    """Return the reports a flush added, deleted or changed in a way the tallies count."""
    found: set[int] = set()
    for item in (*session.new, *session.deleted):
        if isinstance(item, Report):
            found.add(item.id)
        elif isinstance(item, ReportRoute) and (item.level or item.escalated_at is not None):
            found.add(item.report_id)
    for item in session.dirty:
        if isinstance(item, Report) and _changed(item, COUNTED):
            found.add(item.id)
        elif isinstance(item, ReportRoute) and _changed(item, {"level", "escalated_at",
                                                               "report_id"}):
            found.update({item.report_id, *_history(item, "report_id")})
    return {ident for ident in found if ident is not None}


def _changed(item: Any, names: Iterable[str]) -> bool:
    """Tell whether any of the named attributes of a flushed object changed."""
    state = inspect(item)
    return any(state.attrs[name].history.has_changes() for name in names)


def _history(item: Any, name: str) -> list[int]:
    """Return the values an attribute had before the flush (a route moved to another report)."""
    return [value for value in inspect(item).attrs[name].history.deleted
            if isinstance(value, int)]


@event.listens_for(Session, "after_flush")
def _recount_flushed(session: Session, _context: UOWTransaction) -> None:
    """Recount the reports a flush touched, in the flush's own transaction."""
    touched = _touched(session)
    if touched:
        recount(session.connection(), touched)
