"""A person's right to their data: everything held about one address, and its erasure.

A person is named by a phone number, in any form phonenumbers reads as elsewhere in the
project (`+383 44 123 456`, `044123456`, `00355 69 123 4567`), or by a Telegram chat id
(`5551`, or `telegram:5551`). A bare number that starts with neither `+`, `00` nor `0` is
read as a Telegram chat, since a phone written without its country code starts with 0.
The export (service/subject_export.py) holds only what is theirs: of a report they joined,
not the words of the person who filed it. Erasure uses the mechanism of retention
(service/identity.py) at once and for everything; reports stay, anonymised, with the event
on their timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import (
    ContactPoint,
    ConversationSession,
    Report,
    ReporterQuestion,
    ReportFollower,
    Teacher,
)
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


def staff_registrations(session: Session, subject: Subject) -> list[dict[str, Any]]:
    """Return the subject's registrations as a teacher or a contact point (kept on erasure)."""
    if subject.kind == "telegram":
        teachers = select(Teacher).where(Teacher.telegram_chat_id == subject.address)
        points = select(ContactPoint).where(ContactPoint.telegram_chat_id == subject.address)
    else:
        teachers = select(Teacher).where(Teacher.phone == subject.address)
        points = select(ContactPoint).where(or_(ContactPoint.phone == subject.address,
                                                ContactPoint.whatsapp == subject.address))
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
    # Not erased: a conversation holds a report about a child that is filed at this time.
    files_at: datetime | None = None


def files_at(session: Session, subject: Subject) -> datetime | None:
    """Return when a conversation of the subject's files the report it holds, if one does."""
    return session.scalar(select(func.min(ConversationSession.expires_at)).where(
        or_(*((ConversationSession.channel == channel) & (ConversationSession.address == address)
              for channel, address in subject.addresses))))


def erase(session: Session, subject: Subject, now: datetime, actor: str) -> Erased:
    """Remove the subject's identity everywhere; their reports stay, anonymised.

    Not while a conversation of theirs holds a report about a child still to be filed: a
    child must not be lost to an erasure, which may be asked again once it is filed.
    """
    pending = files_at(session, subject)
    if pending is not None:
        return Erased(files_at=pending)
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
