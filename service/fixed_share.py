"""The share of resolved hazards their reporters confirmed fixed, for the statistics.

Counted like the rest of the statistics (service/statistics.py): hazards received in the
period, local days with both ends included, simulated reports left out, within the
caller's `condition` (the user's scope, a country). Each resolution asked about counts once
however many people were asked: confirmed when someone said YES and nobody NO, not fixed
when anyone said NO (the hazard was reopened), unanswered when nobody answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from models import Report, ReporterQuestion
from service.report_queries import local_midnight


@dataclass(frozen=True)
class FixedShare:
    """How resolved hazards fared when their reporters were asked a week later."""

    asked: int  # resolutions whose reporters (or followers) were asked
    answered: int  # of those, answered by at least one person
    confirmed: int  # answered YES, and by nobody NO
    not_fixed: int  # answered NO by someone (reopened)

    @property
    def share(self) -> float | None:
        """Return the share confirmed fixed among those answered (None when none were)."""
        return self.confirmed / self.answered if self.answered else None


def confirmed_fixed(session: Session, start: date, end: date,
                    condition: ColumnElement[bool] | None = None) -> FixedShare:
    """Return how the hazards received from `start` to `end` fared when asked if fixed."""
    said_yes = func.max(case((ReporterQuestion.answer == "yes", 1), else_=0))
    said_no = func.max(case((ReporterQuestion.answer == "no", 1), else_=0))
    rounds = (
        select(said_yes.label("yes"), said_no.label("no"))
        .join(Report, Report.id == ReporterQuestion.report_id)
        # A person removed since (retention, or at their request) was still asked.
        .where(ReporterQuestion.kind == "fixed",
               or_(ReporterQuestion.contact_id.is_not(None),
                   ReporterQuestion.identity_removed),
               Report.simulated.is_(False),
               Report.created_at >= local_midnight(start),
               Report.created_at < local_midnight(end + timedelta(days=1)),
               condition if condition is not None else true())
        .group_by(ReporterQuestion.report_id, ReporterQuestion.resolved_at)
        .subquery())
    row = session.execute(select(
        func.count(),
        func.coalesce(func.sum(case((rounds.c.yes + rounds.c.no > 0, 1), else_=0)), 0),
        func.coalesce(func.sum(case((and_(rounds.c.yes == 1, rounds.c.no == 0), 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(rounds.c.no), 0))).one()
    return FixedShare(int(row[0]), int(row[1]), int(row[2]), int(row[3]))
