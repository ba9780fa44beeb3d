"""A person's right to their data: everything held about one address, and its erasure.

A person is named by a phone number, in any form phonenumbers reads as elsewhere in the
project (`+383 44 123 456`, `044123456`, `00355 69 123 4567`), or by a Telegram chat id
(`5551`, or `telegram:5551`). A bare number that starts with neither `+`, `00` nor `0` is
read as a Telegram chat, since a phone written without its country code starts with 0.
The export holds only what is theirs: of a report they joined, not the words of the person
who filed it. Erasure uses the mechanism of retention (service/identity.py) at once and
for everything; reports stay, anonymised, with the event on their timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import (
    Contact,
    ContactPoint,
    ConversationSession,
    OutboxMessage,
    ProcessedInbound,
    Report,
    ReporterQuestion,
    ReportFollower,
    Teacher,
)
from models.optout import HASHED_ROLE, hashed
from models.phones import normalize_phone
from service.identity import (
    PHONE_CHANNELS,
    Removed,
    contacts_at,
    detach,
    forget,
    forget_address,
)

CHAT = re.compile(r"-?\d{1,19}")
CHAT_PREFIXES = ("telegram:", "tg:")
PHONE_PREFIXES = ("sms:", "tel:", "whatsapp:")


class SubjectError(ValueError):
    """An address that is neither a phone number nor a Telegram chat id, with the reason."""


@dataclass(frozen=True)
class Subject:
    """One person's address, as each channel stores it."""

    kind: str  # phone | telegram
    address: str  # E.164, or the chat id
    addresses: tuple[tuple[str, str], ...]  # (channel, address) as the tables hold them

    @property
    def masked(self) -> str:
        """Return the address with all but its country code and last two digits hidden."""
        if self.kind == "telegram":
            return "telegram " + "•" * max(len(self.address) - 2, 1) + self.address[-2:]
        code = f"+{phonenumbers.parse(self.address).country_code}"
        rest = self.address[len(code):]
        return code + "•" * max(len(rest) - 2, 1) + rest[-2:]

    def same_as(self, other: Subject) -> bool:
        """Tell whether two subjects name the same address."""
        return (self.kind, self.address) == (other.kind, other.address)


def parse_subject(raw: str) -> Subject:
    """Read a phone number or a Telegram chat id.

    :raise SubjectError: when it is neither.
    """
    text = raw.strip()
    lowered = text.lower()
    for prefix in CHAT_PREFIXES:
        if lowered.startswith(prefix):
            return _chat(text[len(prefix):].strip(), raw)
    phone_prefix = next((p for p in PHONE_PREFIXES if lowered.startswith(p)), None)
    if phone_prefix is not None:
        text = text[len(phone_prefix):].strip()
    elif CHAT.fullmatch(text) and not text.startswith("0"):
        return _chat(text, raw)
    try:
        number = normalize_phone(text)
    except ValueError as error:
        raise SubjectError(f"{raw.strip()!r} is neither a phone number nor a Telegram chat "
                           f"id ({error})") from error
    pairs = tuple((channel, number) for channel in PHONE_CHANNELS)
    return Subject("phone", number, (*pairs, ("whatsapp", f"whatsapp:{number}")))


def _chat(text: str, raw: str) -> Subject:
    """Return a Telegram chat subject, or raise when the id is not a number."""
    if not CHAT.fullmatch(text):
        raise SubjectError(f"{raw.strip()!r} is not a Telegram chat id")
    chat = str(int(text))
    return Subject("telegram", chat, (("telegram", chat),))


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


def staff_registrations(session: Session, subject: Subject) -> list[dict[str, Any]]:
    """Return the subject's registrations as a teacher or a contact point (kept on erasure)."""
    if subject.kind == "telegram":
        teachers = select(Teacher).where(Teacher.telegram_chat_id == subject.address)
        points = select(ContactPoint).where(ContactPoint.telegram_chat_id == subject.address)
    else:
        teachers = select(Teacher).where(Teacher.phone == subject.address)
        points = select(ContactPoint).where(ContactPoint.phone == subject.address)
    found: list[dict[str, Any]] = [
        {"as": "teacher", "name": t.name, "school": t.school.name, "active": t.active}
        for t in session.scalars(teachers.order_by(Teacher.id))]
    found += [{"as": "contact_point", "name": p.name, "role": p.role,
               "municipality": p.municipality.name_sq if p.municipality else None,
               "active": p.active} for p in session.scalars(points.order_by(ContactPoint.id))]
    return found


@dataclass
class Erased:
    """What an erasure removed, and the staff registrations it kept."""

    removed: Removed = field(default_factory=Removed)
    kept: list[dict[str, Any]] = field(default_factory=list)


def erase(session: Session, subject: Subject, now: datetime, actor: str) -> Erased:
    """Remove the subject's identity everywhere; their reports stay, anonymised."""
    done = Erased(kept=staff_registrations(session, subject))
    contacts = contacts_at(session, subject.addresses)
    ids = {c.id for c in contacts}
    if ids:
        linked = set(session.scalars(select(Report.id).where(
            Report.reporter_contact_id.in_(ids))))
        linked |= set(session.scalars(select(ReportFollower.report_id).where(
            ReportFollower.contact_id.in_(ids))))
        linked |= set(session.scalars(select(ReporterQuestion.report_id).where(
            ReporterQuestion.contact_id.in_(ids))))
        for report in session.scalars(select(Report).where(Report.id.in_(linked))
                                      .order_by(Report.id).with_for_update(of=Report)):
            done.removed.add(detach(session, report, ids, "request", actor, now))
    for contact in contacts:
        done.removed.add(forget(session, contact, now))
    for channel, address in subject.addresses:
        done.removed.add(forget_address(session, channel, address))
    return done
