"""Adding to a filed report: later answers of its reporter reach those who hold it.

A child in danger is filed as soon as the place is known; what the reporter says next
completes the same report (`AddToReport`). A teacher flagging a pupil already flagged adds
to that report instead of filing it twice. Each addition is an event on the report, and
every contact point holding it gets an update; a category that brings in a new role (sexual
abuse also goes to the police liaison) routes and alerts that role too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.types import AddToReport, Reply
from models import ContactPoint, OutboxMessage, Report, ReportEvent, ReportRoute
from service.filing import alert_row, delivery_address, sent_to_entry
from service.routes import route_report

FIELDS = ("category", "description", "anonymous", "callback_consent", "incomplete")
# Changes the holders are told of; finishing the questions alone is only an event.
TOLD = ("category", "description", "anonymous", "callback_consent", "details")
HOLDING = ("alerted", "acknowledged", "exhausted")  # route states of those who hold a report


def add_to_report(session: Session, effect: AddToReport, contact_id: int,
                  at: datetime) -> Reply | None:
    """Apply the reporter's addition to their own report and tell its holders; return the reply."""
    report = session.scalars(select(Report).where(Report.reference == effect.reference)
                             .with_for_update()).first()
    if report is None or report.reporter_contact_id != contact_id:
        return effect.gone
    changed = apply_changes(report, effect.changes, at)
    if not changed:
        return effect.done
    session.add(ReportEvent(report_id=report.id, at=at, actor="reporter", kind="update",
                            from_status=report.status, to_status=report.status,
                            note="added by the reporter: " + ", ".join(changed),
                            data={"fields": changed}))
    if "category" in changed:
        route_new_roles(session, report, at)
    told = [name for name in changed if name in TOLD or name.startswith("details.")]
    if told and not report.simulated:
        queue_updates(session, report, told, at)
    return effect.done


def apply_changes(report: Report, changes: dict[str, Any], at: datetime) -> list[str]:
    """Set the changed fields on the report; return the names of those that really changed."""
    changed: list[str] = []
    for name in FIELDS:
        if name not in changes or changes[name] is None:
            continue
        value = changes[name]
        if name == "description" and report.description and value not in report.description:
            value = f"{report.description}\n\n{value}"
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed.append(name)
    details = changes.get("details")
    if isinstance(details, dict):
        merged = dict(report.details or {})
        for key, value in details.items():
            if merged.get(key) != value:
                merged[key] = value
                changed.append(f"details.{key}")
        report.details = merged
    if changed:
        report.updated_at = at
    return changed


def holders(session: Session, report: Report) -> list[ContactPoint]:
    """Return the active contact points holding the report now, each once."""
    points = session.scalars(
        select(ContactPoint).join(ReportRoute, ReportRoute.contact_point_id == ContactPoint.id)
        .where(ReportRoute.report_id == report.id, ReportRoute.state.in_(HOLDING),
               ContactPoint.active).order_by(ReportRoute.id))
    return list(dict.fromkeys(points))


def queue_updates(session: Session, report: Report, fields: list[str], at: datetime) -> None:
    """Queue one update per holder naming what the reporter added (rendered when sent)."""
    for point in holders(session, report):
        channel, address = delivery_address(point)
        session.add(OutboxMessage(
            purpose="report_update", report_id=report.id, contact_point_id=point.id,
            contact_id=None, channel=channel, address=address, language=point.language,
            payload={"event": "update", "reference": report.reference, "fields": fields},
            status="pending", attempts=0, due_at=at, created_at=at, last_error=""))


def route_new_roles(session: Session, report: Report, at: datetime) -> None:
    """Route the report again for its new category and alert any role it did not reach yet."""
    routing = route_report(session, report.kind, report.category, report.urgent,
                           report.municipality_id, report.school_id, report.language,
                           report.country)
    reached = set(session.scalars(select(ReportRoute.role).where(
        ReportRoute.report_id == report.id)))
    for target in routing.targets:
        if target.role in reached or not target.contact_point_ids:
            continue
        point = session.get(ContactPoint, target.contact_point_ids[0])
        if point is None:
            continue
        session.add(ReportRoute(report_id=report.id, contact_point_id=point.id,
                                role=target.role, created_at=at))
        session.add(ReportEvent(report_id=report.id, at=at, actor="system", kind="routing",
                                note=f"{target.role}: {point.name} (the category changed)",
                                data={"routes": [sent_to_entry(target.role, point)],
                                      "why": "category"}))
        if not report.simulated:
            session.add(OutboxMessage(**alert_row(report.id, report.reference, point,
                                                  target.role, at)))
