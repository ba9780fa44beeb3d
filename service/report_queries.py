"""SQL conditions on reports shared by the dashboard's list and the statistics."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, and_, false, or_

from alerts.deadlines import Deadlines
from locales import LOCAL_ZONE
from models import Report

KINDS = ("hazard", "child_at_risk", "dropout")
WAITING = ("received", "routed")  # not yet taken up by anyone


def local_midnight(day: date) -> datetime:
    """Return the start of a local calendar day as a UTC moment."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def overdue(deadlines: Deadlines, now: datetime) -> ColumnElement[bool]:
    """Return the condition of a report waiting past its acknowledgement deadline."""
    cases = [and_(Report.kind == kind, Report.urgent.is_(urgent),
                  Report.created_at < now - deadlines.deadline_for(kind, urgent))
             for kind in KINDS for urgent in (True, False)]
    return and_(Report.status.in_(WAITING), or_(*cases) if cases else false())
