"""Passing a report to another contact point: a new route, an alert, an event, the reporter told.

A contact point in another municipality moves the report there (a report near a border is
often filed in the wrong one); the earlier routes stay in the audit trail but stop
escalating, and the new contact point's escalation chain starts afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alerts.lifecycle import Actor, queue_reporter_update
from models import ContactPoint, OutboxMessage, Report, ReportEvent, ReportRoute
from models.reports import OPEN_STATUSES
from service.filing import alert_row, sent_to_entry


@dataclass(frozen=True)
class Reassigned:
    """The report now routed to `point_name` (and moved to `municipality_id` if it changed)."""

    reference: str
    point_name: str
    moved: bool


def reassign(session: Session, reference: str, point_id: int, actor: Actor, note: str,
             now: datetime) -> Reassigned | None:
    """Route an open report to another active contact point; None if it cannot be."""
    report = session.scalars(select(Report).where(Report.reference == reference)
                             .with_for_update()).first()
    point = session.get(ContactPoint, point_id)
    if report is None or point is None or not point.active or report.status not in \
            OPEN_STATUSES:
        return None
    # Earlier routes stop escalating; their pending alerts are not sent any more.
    session.execute(update(ReportRoute).where(ReportRoute.report_id == report.id,
                                              ReportRoute.state == "alerted")
                    .values(state="reassigned"))
    session.execute(update(OutboxMessage).where(
        OutboxMessage.report_id == report.id, OutboxMessage.status == "pending",
        OutboxMessage.purpose.in_(("alert", "escalation")))
        .values(status="cancelled", last_error="reassigned"))
    moved = point.municipality_id is not None and point.municipality_id != report.municipality_id
    if moved:
        report.municipality_id = point.municipality_id
        report.country = point.municipality.country if point.municipality else report.country
    session.add(ReportRoute(report_id=report.id, contact_point_id=point.id, role=point.role,
                            created_at=now, level=0, state="alerted"))
    session.add(OutboxMessage(**alert_row(report.id, report.reference, point, point.role, now)))
    session.add(ReportEvent(report_id=report.id, at=now, actor=actor.label, kind="reassigned",
                            from_status=report.status, to_status=report.status,
                            note=f"to {point.role}: {point.name}" + (f" — {note}" if note
                                                                     else ""),
                            data={"to": sent_to_entry(point.role, point), "moved": moved,
                                  **({"text": note} if note else {})}))
    report.unrouted = False
    report.updated_at = now
    queue_reporter_update(session, report, now, event="reassigned")
    return Reassigned(report.reference, point.name, moved)
