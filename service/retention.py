"""Retention: a set time after a report is resolved or closed, its reporter's identity goes.

`retain` removes (service/identity.py) the people tied to every report finished more than
SINJALIZO_RETENTION_DAYS ago: its reporter, those who joined it, those asked about it. A
person who still has a report open, or one finished more recently, keeps their contact and
stays on that report. A contact that no report names any more and that has been silent
for the same period is removed too (kept as a one-way hash while it is opted out), and
so are conversation states and processed-message records older than the period.
Teachers and contact points are staff: retention keeps them and the reports they filed.

`daily` runs it once a day whichever worker gets there first: the last run is a row in
`periodic_runs`, claimed with one conditional UPDATE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import (
    Contact,
    ConversationSession,
    PeriodicRun,
    ProcessedInbound,
    Report,
    ReporterQuestion,
    ReportFollower,
    Subscription,
)
from models.optout import HASHED_ROLE
from service.identity import (
    Removed,
    audit,
    detach,
    forget,
    people_of,
    staff_contacts,
    touched,
)

FINISHED = ("resolved", "closed")
BATCH = 200
DAY = timedelta(days=1)
AGAIN = timedelta(minutes=1)  # a run cut short by its limit goes on this soon
RUN = "retention"


@dataclass
class Retained:
    """What one call removed, and whether more was left for the next call."""

    removed: Removed = field(default_factory=Removed)
    more: bool = False


def due_reports(session: Session, cutoff: datetime, after: int) -> list[Report]:
    """Return a batch of reports finished before `cutoff` that still name someone not staff."""
    staff = staff_contacts()
    names = or_(
        Report.reporter_contact_id.is_not(None) & Report.reporter_contact_id.not_in(staff),
        exists(select(ReportFollower.id).where(ReportFollower.report_id == Report.id,
                                               ReportFollower.contact_id.not_in(staff))),
        exists(select(ReporterQuestion.id).where(
            ReporterQuestion.report_id == Report.id, ReporterQuestion.contact_id.is_not(None),
            ReporterQuestion.contact_id.not_in(staff))))
    return list(session.scalars(
        select(Report).where(Report.status.in_(FINISHED), Report.resolved_at <= cutoff,
                             Report.id > after, names)
        .order_by(Report.id).limit(BATCH)
        # A worker acting on one of them at this moment keeps it until the next run.
        .with_for_update(skip_locked=True, of=Report)))


def silent_contacts(session: Session, cutoff: datetime, after: int) -> list[Contact]:
    """Return a batch of contacts no report names, silent since before `cutoff`, not staff."""
    spoke_since = exists(select(ConversationSession.id).where(
        ConversationSession.channel == Contact.channel,
        ConversationSession.address == Contact.address,
        ConversationSession.updated_at > cutoff))
    return list(session.scalars(
        select(Contact).where(
            Contact.id > after, Contact.role != HASHED_ROLE,
            Contact.id.not_in(staff_contacts()),
            func.coalesce(Contact.last_seen_at, Contact.created_at) <= cutoff,
            ~exists(select(Report.id).where(Report.reporter_contact_id == Contact.id)),
            ~exists(select(ReportFollower.id).where(ReportFollower.contact_id == Contact.id)),
            ~exists(select(ReporterQuestion.id).where(ReporterQuestion.contact_id == Contact.id)),
            # A subscriber asked to be written to: kept while subscribed (CK ends it).
            ~exists(select(Subscription.id).where(Subscription.contact_id == Contact.id)),
            ~spoke_since)
        .order_by(Contact.id).limit(BATCH).with_for_update(skip_locked=True, of=Contact)))


def retain(session: Session, now: datetime, days: int, limit: int | None = None) -> Retained:
    """Remove what the retention period no longer allows to keep; at most `limit` of each."""
    cutoff = now - timedelta(days=days)
    done = Retained()
    staff = set(session.scalars(staff_contacts()))
    last = seen = 0
    while not _full(seen, limit) and (batch := due_reports(session, cutoff, last)):
        for report in batch:
            done.removed.add(detach(session, report, people_of(session, report) - staff,
                                    "retention", "system", now))
        last, seen = batch[-1].id, seen + len(batch)
    done.more = _full(seen, limit)
    last = seen = 0
    while not _full(seen, limit) and (contacts := silent_contacts(session, cutoff, last)):
        for contact in contacts:
            done.removed.add(forget(session, contact, now))
        last, seen = contacts[-1].id, seen + len(contacts)
    done.more = done.more or _full(seen, limit)
    done.removed.conversations += touched(session.execute(delete(ConversationSession).where(
        ConversationSession.updated_at <= cutoff, ConversationSession.expires_at.is_(None))))
    done.removed.inbound += touched(session.execute(delete(ProcessedInbound).where(
        ProcessedInbound.received_at <= cutoff)))
    return done


def _full(seen: int, limit: int | None) -> bool:
    """Tell whether a loop has handled as many rows as it may."""
    return limit is not None and seen >= limit


def claim(session: Session, name: str, now: datetime, every: timedelta) -> bool:
    """Claim a periodic job's run if `every` has passed since its last; tell whether we did.

    One conditional UPDATE: two workers cannot both win it, and on PostgreSQL a worker
    finding the row locked by a run in progress skips it instead of waiting.
    """
    free = select(PeriodicRun.name).where(PeriodicRun.name == name).with_for_update(
        skip_locked=True)
    won = touched(session.execute(update(PeriodicRun).where(
        PeriodicRun.name == name, PeriodicRun.name.in_(free),
        or_(PeriodicRun.last_run_at.is_(None), PeriodicRun.last_run_at <= now - every))
        .values(last_run_at=now)))
    if won or session.get(PeriodicRun, name) is not None:
        return bool(won)
    try:
        with session.begin_nested():  # the first run ever: whoever inserts the row runs it
            session.add(PeriodicRun(name=name, last_run_at=now, result={}))
        return True
    except IntegrityError:
        return False


def next_run(session: Session, name: str, now: datetime, every: timedelta) -> datetime:
    """Return when a periodic job is next due, as its row says."""
    last = session.scalar(select(PeriodicRun.last_run_at).where(PeriodicRun.name == name))
    return last + every if last is not None else now


def daily(session: Session, now: datetime, days: int, limit: int = 1000) -> Retained | None:
    """Run retention if no worker has today; None when it was not this one's turn."""
    if not claim(session, RUN, now, DAY):
        return None
    done = retain(session, now, days, limit)
    row = session.get(PeriodicRun, RUN)
    if row is not None:
        row.result = {**done.removed.counts(), "more": done.more}
        if done.more:  # cut short: the rest follows in a minute, not tomorrow
            row.last_run_at = now - DAY + AGAIN
    if not done.removed.nothing:
        audit(session, "retention", now, {"by": "worker", "days": days,
                                          **done.removed.counts()})
    return done


class DailyRetention:
    """The worker's tick: retention once a day; between runs it does not even ask."""

    __name__ = "retention"

    def __init__(self, days: int) -> None:
        self.days = days
        self.due_at: datetime | None = None  # when the database said the next run is due

    def __call__(self, session: Session, now: datetime) -> None:
        """Run today's retention if it is due and no other worker has run it."""
        if self.due_at is not None and now < self.due_at:
            return
        daily(session, now, self.days)
        self.due_at = next_run(session, RUN, now, DAY)
