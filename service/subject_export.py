"""Everything held about one address, as JSON-ready data: the export of a person's data.

Only what is theirs: their contacts, opt-outs (also one kept as a hash), the municipalities
whose awareness messages they receive, the reports they
filed with their own words, the reports they joined without the filer's words, the messages
sent to them and received from them, the questions relayed to them, their conversation
state, and any staff registration of the address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import (
    Contact,
    ConversationSession,
    Municipality,
    OutboxMessage,
    ProcessedInbound,
    Report,
    ReporterQuestion,
    ReportFollower,
    Subscription,
)
from models.optout import HASHED_ROLE, hashed
from service.identity import contacts_at
from service.subject import Subject, staff_registrations


def _when(at: datetime | None) -> str | None:
    """Return an instant as ISO 8601, or None."""
    return at.isoformat() if at is not None else None


def export(session: Session, subject: Subject, now: datetime) -> dict[str, Any]:
    """Return everything held about one address, as plain JSON-ready data."""
    contacts = contacts_at(session, subject.addresses)
    ids = {c.id for c in contacts}
    return {
        "address": subject.address,
        "kind": subject.kind,
        "exported_at": now.isoformat(),
        "contacts": [{"channel": c.channel, "address": c.address, "language": c.language,
                      "first_seen": _when(c.created_at), "last_seen": _when(c.last_seen_at),
                      "opted_out": c.opted_out} for c in contacts],
        "opt_outs": _opt_outs(session, subject, contacts),
        "subscriptions": [
            {"municipality": town, "language": language, "since": _when(since)}
            for town, language, since in session.execute(
                select(Municipality.name_sq, Subscription.language, Subscription.created_at)
                .join(Municipality, Municipality.id == Subscription.municipality_id)
                .where(Subscription.contact_id.in_(ids)).order_by(Subscription.id))],
        "reports_filed": [_filed(r) for r in session.scalars(
            select(Report).where(Report.reporter_contact_id.in_(ids)).order_by(Report.id))],
        "reports_joined": _joined(session, ids),
        "messages_sent": [_sent(m) for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.contact_id.in_(ids))
            .order_by(OutboxMessage.id))],
        "messages_received": [
            {"channel": p.channel, "message_id": p.external_id, "at": _when(p.received_at),
             "our_replies": p.replies}
            for p in session.scalars(select(ProcessedInbound).where(
                _pairs(ProcessedInbound, subject)).order_by(ProcessedInbound.id))],
        "questions": _questions(session, ids),
        "conversations": [
            {"channel": s.channel, "updated_at": _when(s.updated_at), "state": s.state}
            for s in session.scalars(select(ConversationSession).where(
                _pairs(ConversationSession, subject)).order_by(ConversationSession.id))],
        "staff_registrations": staff_registrations(session, subject),
    }


def _pairs(model: type[ProcessedInbound] | type[ConversationSession], subject: Subject) -> Any:
    """Return the condition "(channel, address) is one of the subject's"."""
    return or_(*((model.channel == channel) & (model.address == address)
                 for channel, address in subject.addresses))


def _opt_outs(session: Session, subject: Subject, contacts: list[Contact]) -> list[dict[str, Any]]:
    """Return the subject's opt-outs: on their contact, or kept as a one-way hash."""
    found = [{"channel": c.channel, "since": _when(c.opted_out_at), "kept_as": "address"}
             for c in contacts if c.opted_out]
    for channel, address in subject.addresses:
        row = session.scalar(select(Contact).where(
            Contact.channel == channel, Contact.address == hashed(channel, address),
            Contact.role == HASHED_ROLE, Contact.opted_out))
        if row is not None:
            found.append({"channel": channel, "since": _when(row.opted_out_at),
                          "kept_as": "one-way hash"})
    return found


def _filed(report: Report) -> dict[str, Any]:
    """Return a report the subject filed, with their own words."""
    return {"reference": report.reference, "kind": report.kind, "category": report.category,
            "description": report.description, "place_text": report.place_text or None,
            "status": report.status, "urgent": report.urgent, "anonymous": report.anonymous,
            "callback_consent": report.callback_consent, "channel": report.channel,
            "language": report.language, "created_at": _when(report.created_at),
            "resolved_at": _when(report.resolved_at)}


def _joined(session: Session, ids: set[int]) -> list[dict[str, Any]]:
    """Return the reports the subject joined: what and when, not the filer's words."""
    rows = session.execute(select(Report, ReportFollower.created_at).join(
        ReportFollower, ReportFollower.report_id == Report.id)
        .where(ReportFollower.contact_id.in_(ids)).order_by(ReportFollower.id)).all()
    return [{"reference": r.reference, "kind": r.kind, "category": r.category,
             "status": r.status, "joined_at": _when(at)} for r, at in rows]


def _sent(message: OutboxMessage) -> dict[str, Any]:
    """Return a message sent (or to be sent) to the subject."""
    return {"purpose": message.purpose, "channel": message.channel,
            "address": message.address, "language": message.language,
            "content": message.payload, "status": message.status,
            "created_at": _when(message.created_at), "sent_at": _when(message.sent_at),
            "delivery": message.delivery_status}


def _questions(session: Session, ids: set[int]) -> list[dict[str, Any]]:
    """Return the questions relayed to the subject, with their answers."""
    rows = session.execute(select(ReporterQuestion, Report.reference).join(
        Report, Report.id == ReporterQuestion.report_id)
        .where(ReporterQuestion.contact_id.in_(ids)).order_by(ReporterQuestion.id)).all()
    return [{"reference": reference, "kind": q.kind, "question": q.text,
             "asked_at": _when(q.asked_at), "answer": q.answer,
             "answered_at": _when(q.answered_at)} for q, reference in rows]
