"""Escalation deadlines in effect: the deadlines file, overridden by what admins set.

The file (ESCALATION_FILE, or the built-in one) gives every deadline; an admin may change any
of them in the dashboard, which stores a row per (kind, urgency). The worker reads the rows on
every deadline check, so a change applies within seconds, to alerts already waiting too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.deadlines import Deadlines
from models import DeadlineSetting

SHORTEST = timedelta(minutes=1)  # the worker checks deadlines about once a poll
LONGEST = timedelta(days=30)  # a longer deadline would mean, in practice, no escalation


@dataclass(frozen=True)
class Change:
    """One deadline changed: which, from what and to what (None: the file's value)."""

    kind: str
    urgent: bool
    before: timedelta | None
    after: timedelta | None


def stored(session: Session) -> dict[tuple[str, bool], DeadlineSetting]:
    """Return the deadlines set in the dashboard, by (kind, urgent)."""
    return {(row.kind, row.urgent): row for row in session.scalars(select(DeadlineSetting))}


def in_effect(session: Session, base: Deadlines) -> Deadlines:
    """Return the file's deadlines with the dashboard's settings applied."""
    rows = session.execute(select(DeadlineSetting.kind, DeadlineSetting.urgent,
                                  DeadlineSetting.minutes))
    return base.overridden((kind, urgent, timedelta(minutes=minutes))
                           for kind, urgent, minutes in rows)


def within_limits(value: timedelta) -> bool:
    """Tell whether a deadline is one the service accepts: whole minutes, 1 minute to 30 days."""
    return SHORTEST <= value <= LONGEST and value.total_seconds() % 60 == 0


def apply(session: Session, wanted: dict[tuple[str, bool], timedelta | None],
          who: str) -> list[Change]:
    """Store the wanted deadlines (None: back to the file's) and return what changed."""
    rows = stored(session)
    changes = []
    for (kind, urgent), value in wanted.items():
        row = rows.get((kind, urgent))
        before = timedelta(minutes=row.minutes) if row is not None else None
        if value == before:
            continue
        if value is None and row is not None:
            session.delete(row)
        elif value is not None:
            if row is None:
                row = DeadlineSetting(kind=kind, urgent=urgent)
                session.add(row)
            row.minutes = int(value.total_seconds() // 60)
            row.updated_by, row.updated_at = who, datetime.now(UTC)
        changes.append(Change(kind, urgent, before, value))
    return changes
