"""Storing a finished report: the report, its events, routes, photos and alerts together."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from handlers.types import Draft
from models import (
    Attachment,
    Contact,
    ContactPoint,
    OutboxMessage,
    Report,
    ReportEvent,
    ReportRoute,
)


def store_report(session: Session, draft: Draft, reporter: Contact, channel: str,
                 language: str, at: datetime, simulated: bool = False) -> Report:
    """Add the report and all that goes with it to the caller's transaction."""
    report = Report(
        reference=draft.reference, kind=draft.kind, category=draft.category,
        urgent=draft.urgent, status="received", municipality_id=draft.municipality_id,
        school_id=draft.school_id, latitude=draft.lat, longitude=draft.lon,
        place_text=draft.place_text[:200], description=draft.description,
        details=draft.details, anonymous=draft.anonymous,
        callback_consent=draft.callback_consent, reporter_contact_id=reporter.id,
        channel=channel, language=language, unrouted=draft.routing.unrouted,
        simulated=simulated, created_at=at, updated_at=at,
    )
    session.add(report)
    session.flush()
    session.add(ReportEvent(report_id=report.id, at=at, actor="reporter", kind="status",
                            to_status="received", note=f"filed by {channel}"))
    for file_id in draft.photos:
        session.add(Attachment(report_id=report.id, kind="photo", channel=channel,
                               file_id=file_id))
    _route(session, report, draft, at, simulated)
    return report


def _route(session: Session, report: Report, draft: Draft, at: datetime,
           simulated: bool) -> None:
    """Record the routing and queue one alert per contact point first in its chain."""
    alerted: list[str] = []
    for target in draft.routing.targets:
        if not target.contact_point_ids:
            continue
        point = session.execute(POINT, {"point_id": target.contact_point_ids[0]}).first()
        if point is None:
            continue
        session.add(ReportRoute(report_id=report.id, contact_point_id=point.id,
                                role=target.role, created_at=at))
        alerted.append(f"{target.role}: {point.name}")
        if not simulated:
            session.add(alert_for(report, point, target.role, at))
    note = "; ".join(alerted) or "no contact point"
    if draft.routing.unrouted:
        note = f"unrouted, national fallback ({note})"
    session.add(ReportEvent(report_id=report.id, at=at, actor="system", kind="status",
                            from_status="received", to_status="routed", note=note))
    report.status = "routed"


def alert_for(report: Report, point: Any, role: str, at: datetime) -> OutboxMessage:
    """Return the outbox row alerting one contact point (a row or a model) of a new report."""
    channel, address = delivery_address(point)
    return OutboxMessage(
        purpose="alert", report_id=report.id, contact_point_id=point.id, channel=channel,
        address=address, language=point.language,
        payload={"event": "new_report", "reference": report.reference, "role": role},
        due_at=at, created_at=at,
    )


def delivery_address(point: Any) -> tuple[str, str]:
    """Pick how to reach a contact point (row or model): Telegram, SMS, e-mail, else the log."""
    if point.telegram_chat_id:
        return "telegram", point.telegram_chat_id
    if point.phone:
        return "sms", point.phone
    if point.email:
        return "email", point.email
    return "log", point.name


POINT = select(ContactPoint.id, ContactPoint.name, ContactPoint.telegram_chat_id,
               ContactPoint.phone, ContactPoint.email, ContactPoint.language).where(
    ContactPoint.id == bindparam("point_id"))
FIND_CONTACT = select(Contact).where(Contact.channel == bindparam("channel"),
                                     Contact.address == bindparam("address"))


def find_contact(session: Session, channel: str, address: str) -> Contact | None:
    """Return the contact for an address, if it has written before."""
    return session.scalar(FIND_CONTACT, {"channel": channel, "address": address})
