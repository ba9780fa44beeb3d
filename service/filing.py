"""Storing a finished report: the report, its events, routes, photos and alerts together."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from handlers.types import Draft
from models import (
    Attachment,
    ContactPoint,
    OutboxMessage,
    Report,
    ReportEvent,
    ReportRoute,
)
from models.batch import Batch
from models.tallies import count_new_report
from service.places import PlaceIndex
from service.routes import municipality_country


def table(model: type[Any]) -> Table:
    """Return a model's table, for the Core statements of the hot path."""
    return cast(Table, model.__table__)


REPORTS, EVENTS, ROUTES = table(Report), table(ReportEvent), table(ReportRoute)
OUTBOX, ATTACHMENTS = table(OutboxMessage), table(Attachment)
# Built once and run as Core: filing is the busiest write, and the ORM adds nothing here.
NEW_REPORT = insert(REPORTS).returning(REPORTS.c.id)


def store_report(session: Session, draft: Draft, reporter_id: int | None, channel: str,
                 language: str, at: datetime, simulated: bool = False, *,
                 batch: Batch | None = None, places: PlaceIndex | None = None,
                 points: Mapping[int, Any] | None = None) -> int:
    """Insert the report and all that goes with it in the caller's transaction; return its id.

    The report is inserted at once (its id is needed); its events, routes, alerts and tallies
    go into `batch` when the caller sends its writes together, else they are sent here.
    `places` and `points` (contact point rows by id, as routing read them) spare reading
    the municipality's country and the contact points again. A report with no
    `reporter_id` (one sent through Open311) has nobody to tell of its progress.
    """
    connection = session.connection()
    values = _report_values(session, draft, reporter_id, channel, language, at, simulated,
                            places)
    report_id: int = connection.execute(NEW_REPORT, values).scalar_one()
    writes = batch if batch is not None else Batch()
    writes.insert(ATTACHMENTS, [
        {"report_id": report_id, "kind": "photo", "channel": channel, "file_id": file_id,
         "created_at": at} for file_id in draft.photos])
    routes, alerts, note, sent_to = _routing_rows(session, report_id, draft, at, points or {})
    writes.insert(EVENTS, [
        {"report_id": report_id, "at": at, "actor": "reporter", "kind": "status",
         "from_status": None, "to_status": "received", "note": f"filed by {channel}",
         "data": {"channel": channel, "urgent": draft.urgent,
                  "incomplete": draft.incomplete}},
        {"report_id": report_id, "at": at, "actor": "system", "kind": "status",
         "from_status": "received", "to_status": "routed", "note": note,
         "data": {"routes": sent_to, "unrouted": draft.routing.unrouted}},
    ])
    writes.insert(ROUTES, routes)
    if not simulated:
        writes.insert(OUTBOX, alerts)
        # Core inserts pass the flush hook by: count the report here.
        count_new_report(writes, report_id, values)
    if batch is None:
        writes.run(connection)
    return report_id


def _report_values(session: Session, draft: Draft, reporter_id: int | None, channel: str,
                   language: str, at: datetime, simulated: bool,
                   places: PlaceIndex | None) -> dict[str, Any]:
    """Return the report row's values."""
    # The municipality's country, when it is known (a teacher's dropout carries no place).
    country = (municipality_country(session, draft.municipality_id, places)
               if draft.municipality_id is not None else None) or draft.country
    return {
        "reference": draft.reference, "kind": draft.kind, "category": draft.category,
        "urgent": draft.urgent, "status": "routed", "municipality_id": draft.municipality_id,
        "school_id": draft.school_id, "latitude": draft.lat, "longitude": draft.lon,
        "place_text": draft.place_text[:200], "location": draft.location,
        "settlement": (draft.settlement or "")[:120] or None, "country": country,
        "incomplete": draft.incomplete, "description": draft.description,
        "details": draft.details, "anonymous": draft.anonymous,
        "callback_consent": draft.callback_consent, "reporter_contact_id": reporter_id,
        "channel": channel, "language": language, "unrouted": draft.routing.unrouted,
        "simulated": simulated, "created_at": at, "updated_at": at,
    }


def _routing_rows(session: Session, report_id: int, draft: Draft, at: datetime,
                  points: Mapping[int, Any]) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]], str, list[dict[str, Any]]]:
    """Return the route rows, one alert per role's first contact point, the note, the sent-to."""
    routes: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    sent_to: list[dict[str, Any]] = []
    for target in draft.routing.targets:
        if not target.contact_point_ids:
            continue
        point = points.get(target.contact_point_ids[0]) or session.connection().execute(
            POINT, {"point_id": target.contact_point_ids[0]}).first()
        if point is None:
            continue
        routes.append({"report_id": report_id, "contact_point_id": point.id,
                       "role": target.role, "created_at": at})
        alerts.append(alert_row(report_id, draft.reference, point, target.role, at))
        sent_to.append(sent_to_entry(target.role, point))
    note = "; ".join(f"{s['role']}: {s['name']}" for s in sent_to) or "no contact point"
    if draft.routing.unrouted:
        note = f"unrouted, national fallback ({note})"
    return routes, alerts, note, sent_to


def sent_to_entry(role: str, point: Any) -> dict[str, Any]:
    """Return one contact point an event sent the report to, as the event's data keeps it."""
    return {"role": role, "point": point.id, "name": point.name}


def alert_row(report_id: int, reference: str, point: Any, role: str,
              at: datetime) -> dict[str, Any]:
    """Return the outbox row alerting one contact point (a row or a model) of a new report."""
    channel, address = delivery_address(point)
    return {"purpose": "alert", "report_id": report_id, "contact_point_id": point.id,
            "contact_id": None, "channel": channel, "address": address,
            "language": point.language, "status": "pending", "attempts": 0,
            "payload": {"event": "new_report", "reference": reference, "role": role},
            "due_at": at, "created_at": at, "last_error": ""}


def delivery_address(point: Any) -> tuple[str, str]:
    """Pick how to reach a contact point (row or model): Telegram, WhatsApp, SMS, e-mail, else
    the log."""
    if point.telegram_chat_id:
        return "telegram", point.telegram_chat_id
    if getattr(point, "whatsapp", None):
        return "whatsapp", point.whatsapp
    if point.phone:
        return "sms", point.phone
    if point.email:
        return "email", point.email
    return "log", point.name


POINT = select(ContactPoint.id, ContactPoint.name, ContactPoint.telegram_chat_id,
               ContactPoint.phone, ContactPoint.whatsapp, ContactPoint.email,
               ContactPoint.language).where(
    ContactPoint.id == bindparam("point_id"))
