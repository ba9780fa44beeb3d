"""Status changes by contact points and staff, with their audit events and reporter updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.focal_actions import TAKEN_UP as TAKEN_UP
from handlers.focal_actions import TRANSITIONS as TRANSITIONS
from handlers.focal_actions import decide as decide
from models import (
    Contact,
    OutboxMessage,
    Report,
    ReportEvent,
    ReportFollower,
    ReportRoute,
)

ActorKind = Literal["contact_point", "staff", "system", "service", "reporter"]
RefusalReason = Literal["not_found", "not_allowed", "reason_required"]
# The transitions, and `decide` over them, live with the focal action table in
# handlers/focal_actions.py: one statement of what may become what.

# The changes a reporter is told about.
REPORTER_TOLD = frozenset({"acknowledged", "resolved", "closed"})


@dataclass(frozen=True)
class Actor:
    """Who changes a report: a contact point, a staff member, the system, or a service
    answering a referral."""

    kind: ActorKind
    id: int | None = None
    name: str = ""

    @property
    def label(self) -> str:
        """Return how the audit trail names the actor, e.g. "contact_point:7"."""
        return f"{self.kind}:{self.id}" if self.id is not None else self.kind


@dataclass(frozen=True)
class StatusChange:
    """A change made (or a polite no-op when `changed` is False), and whether the reporter hears."""

    reference: str
    from_status: str
    to_status: str
    changed: bool = True
    reporter_told: bool = False


@dataclass(frozen=True)
class Refused:
    """Why a change was not made; "not_found" also covers a report the actor may not touch."""

    reference: str
    reason: RefusalReason
    status: str | None = None


def may_change(actor: Actor, routed_point_ids: set[int]) -> bool:
    """Tell whether the actor may touch a report routed to these contact points.

    A reporter only reopens a report (see `change_status`), through the service that
    checked it is theirs; no chat word makes them an actor.
    """
    if actor.kind == "contact_point":
        return actor.id is not None and actor.id in routed_point_ids
    return actor.kind in ("staff", "system", "reporter")


def change_status(session: Session, reference: str, actor: Actor, to_status: str, *,
                  reason: str | None = None, note: str = "",
                  now: datetime) -> StatusChange | Refused:
    """Change a report's status as `actor`, record the event, and queue the reporter update."""
    report = session.scalar(select(Report).where(Report.reference == reference.upper().strip())
                            .with_for_update())
    points = set() if report is None else set(session.scalars(
        select(ReportRoute.contact_point_id).where(ReportRoute.report_id == report.id)))
    if report is None or not may_change(actor, {p for p in points if p is not None}) or (
            actor.kind == "reporter" and to_status != "reopened"):
        # The same answer as for a reference that does not exist: no probing of references.
        return Refused(reference, "not_found")
    current = report.status
    verdict = decide(current, to_status, reason)
    if verdict == "noop":
        return StatusChange(report.reference, current, current, changed=False)
    if verdict != "ok":
        return Refused(report.reference, verdict, current)
    _apply(session, report, to_status, reason, now)
    text = f"{reason}: {note}" if reason and note else (reason or note)
    data = {key: value for key, value in (("reason", reason), ("text", note)) if value}
    session.add(ReportEvent(report_id=report.id, at=now, actor=actor.label, kind="status",
                            from_status=current, to_status=to_status, note=text, data=data))
    told = to_status in REPORTER_TOLD and queue_reporter_update(session, report, now)
    return StatusChange(report.reference, current, to_status, reporter_told=told)


def _apply(session: Session, report: Report, to_status: str, reason: str | None,
           now: datetime) -> None:
    """Set the new status and its timestamps; acknowledging stops every escalation."""
    report.status = to_status
    report.updated_at = now
    if to_status == "reopened":
        # Not resolved any more; the first acknowledgement stays, for the response times.
        report.resolved_at = None
        return
    if to_status == "acknowledged":
        report.acknowledged_at = report.acknowledged_at or now
        for route in session.scalars(select(ReportRoute).where(
                ReportRoute.report_id == report.id,
                ReportRoute.state.in_(("alerted", "exhausted")))):
            route.state = "acknowledged"
    if to_status in ("resolved", "closed"):
        report.resolved_at = now
        report.acknowledged_at = report.acknowledged_at or now
    if to_status == "closed":
        report.close_reason = reason


def queue_reporter_update(session: Session, report: Report, now: datetime,
                          event: str = "status") -> bool:
    """Queue an update (new status, or new holder) for the reporter and followers; False if none."""
    if report.simulated:
        return False
    followers = session.scalars(select(ReportFollower.contact_id).where(
        ReportFollower.report_id == report.id).order_by(ReportFollower.id))
    told = False
    for contact_id in dict.fromkeys([report.reporter_contact_id, *followers]):
        contact = session.get(Contact, contact_id) if contact_id is not None else None
        if contact is None or contact.opted_out:
            continue
        payload: dict[str, Any] = {"event": event, "reference": report.reference,
                                   "status": report.status, "reason": report.close_reason}
        session.add(OutboxMessage(
            purpose="reporter_update", report_id=report.id, contact_point_id=None,
            contact_id=contact.id, channel=contact.channel, address=contact.address,
            language=contact.language or report.language, payload=payload, status="pending",
            attempts=0, due_at=now, created_at=now, last_error=""))
        told = True
    return told
