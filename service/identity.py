"""Removing a person's identity while keeping the reports, anonymised: one mechanism for all.

Retention (service/retention.py) uses it a set time after a report is finished; a person's
own request (service/subject.py) uses it at once, for everything. A person's identity is a
contact (models.Contact: a phone number or a Telegram chat) and what hangs on it:

- the reports it filed or joined: unlinked, with an `identity_removed` event on each, the
  report, its description and its timeline staying;
- the questions relayed to it: unlinked, still counted as asked in the statistics;
- the outbox messages to it: address, text and provider id emptied; one still waiting is
  not sent (`skipped`, with the reason);
- its conversation state and the records of its processed messages: deleted;
- the contact itself: deleted, or, while it is opted out, kept only as a one-way hash of
  the address so that the opt-out keeps holding (models/optout.py).

Teachers and contact points are registered by staff: their registrations are not a
reporter's identity, are never touched here, and retention keeps their contacts too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, or_, select, update
from sqlalchemy.orm import Session

from handlers.i18n import Msg, nmsg
from models import (
    Contact,
    ContactPoint,
    ConversationSession,
    DeliveryAttempt,
    OutboxMessage,
    ProcessedInbound,
    Report,
    ReporterQuestion,
    ReportEvent,
    ReportFollower,
    Subscription,
    Teacher,
)
from models.optout import HASHED_ROLE, hashed
from models.users import add_audit_entry

PHONE_CHANNELS = ("sms", "whatsapp")
WITHHELD = "not sent: the person's identity was removed"
NOTES = {"retention": "reporter's identity removed: the retention period is over",
         "request": "reporter's identity removed at their request"}


@dataclass
class Removed:
    """How many of each thing were removed (or would be, in a dry run)."""

    reports: int = 0  # reports that no longer name their reporter
    followers: int = 0  # people unlinked from a report they had joined
    questions: int = 0  # questions unlinked from the person they were relayed to
    messages: int = 0  # messages sent (or finished) emptied of address and text
    held: int = 0  # messages waiting to go, now not sent
    conversations: int = 0  # conversation states deleted
    inbound: int = 0  # records of processed messages deleted
    contacts: int = 0  # phone numbers and Telegram chats removed
    hashed: int = 0  # of those, opted out: kept as a one-way hash

    def add(self, other: Removed) -> Removed:
        """Add another count to this one and return it."""
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def counts(self) -> dict[str, int]:
        """Return the counts by name, for the audit log and JSON."""
        return asdict(self)

    @property
    def nothing(self) -> bool:
        """Tell whether nothing was removed at all."""
        return not any(self.counts().values())


# What each count says, in the reader's language (the command line prints the English).
SAID: dict[str, Callable[[int], Msg]] = {
    "reports": lambda n: nmsg("{num} report no longer names its reporter",
                              "{num} reports no longer name their reporter", n),
    "followers": lambda n: nmsg("{num} person unlinked from a report they had joined",
                                "{num} people unlinked from reports they had joined", n),
    "questions": lambda n: nmsg("{num} question relayed to a reporter no longer linked to them",
                                "{num} questions relayed to reporters no longer linked to them",
                                n),
    "messages": lambda n: nmsg("{num} message sent emptied of its address and text",
                               "{num} messages sent emptied of their address and text", n),
    "held": lambda n: nmsg("{num} message waiting to go will not be sent",
                           "{num} messages waiting to go will not be sent", n),
    "conversations": lambda n: nmsg("{num} conversation state deleted",
                                    "{num} conversation states deleted", n),
    "inbound": lambda n: nmsg("{num} record of a processed message deleted",
                              "{num} records of processed messages deleted", n),
    "contacts": lambda n: nmsg("{num} phone number or Telegram chat removed",
                               "{num} phone numbers or Telegram chats removed", n),
    "hashed": lambda n: nmsg("{num} of them had opted out: kept only as a one-way hash, so that "
                             "no message goes to it",
                             "{num} of them had opted out: kept only as one-way hashes, so "
                             "that no message goes to them", n),
}


def said(removed: Removed) -> list[Msg]:
    """Return one sentence per kind of thing removed, leaving out the kinds with none."""
    return [SAID[name](count) for name, count in removed.counts().items() if count]


def staff_contacts() -> Select[int]:
    """Return the ids of contacts whose address is a teacher's or a contact point's."""
    phone = Contact.channel.in_(PHONE_CHANNELS)
    chat = Contact.channel == "telegram"
    return select(Contact.id).where(or_(
        phone & Contact.address.in_(select(Teacher.phone)),
        phone & Contact.address.in_(select(ContactPoint.phone).where(
            ContactPoint.phone.is_not(None))),
        phone & Contact.address.in_(select(ContactPoint.whatsapp).where(
            ContactPoint.whatsapp.is_not(None))),
        chat & Contact.address.in_(select(Teacher.telegram_chat_id).where(
            Teacher.telegram_chat_id.is_not(None))),
        chat & Contact.address.in_(select(ContactPoint.telegram_chat_id).where(
            ContactPoint.telegram_chat_id.is_not(None)))))


def people_of(session: Session, report: Report) -> set[int]:
    """Return every contact tied to a report: its reporter, followers and those asked."""
    found = {report.reporter_contact_id} if report.reporter_contact_id is not None else set()
    found |= set(session.scalars(select(ReportFollower.contact_id).where(
        ReportFollower.report_id == report.id)))
    found |= {c for c in session.scalars(select(ReporterQuestion.contact_id).where(
        ReporterQuestion.report_id == report.id)) if c is not None}
    return found


def detach(session: Session, report: Report, people: set[int], why: str, actor: str,
           now: datetime) -> Removed:
    """Unlink these contacts from a report, empty their messages, and say so on its timeline."""
    removed = Removed()
    if not people:
        return removed
    reporter = report.reporter_contact_id in people
    if reporter:
        report.reporter = None
        removed.reports = 1
    session.flush()
    removed.followers = touched(session.execute(delete(ReportFollower).where(
        ReportFollower.report_id == report.id, ReportFollower.contact_id.in_(people))))
    removed.questions = touched(session.execute(update(ReporterQuestion).where(
        ReporterQuestion.report_id == report.id, ReporterQuestion.contact_id.in_(people))
        .values(contact_id=None, identity_removed=True)))
    removed.add(scrub(session, (OutboxMessage.report_id == report.id)
                      & OutboxMessage.contact_id.in_(people), now))
    if reporter or removed.followers:
        # The timeline says it in the reader's language (web/timeline.py KINDS).
        session.add(ReportEvent(report_id=report.id, at=now, actor=actor,
                                kind="identity_removed", from_status=report.status,
                                to_status=report.status, note=NOTES[why],
                                data={"why": why, "reporter": reporter,
                                      "followers": removed.followers}))
    return removed


def scrub(session: Session, which: ColumnElement[bool], now: datetime) -> Removed:
    """Empty the address, text and provider id of messages; those still waiting are not sent."""
    removed = Removed()
    rows = list(session.scalars(select(OutboxMessage).where(which).order_by(OutboxMessage.id)))
    addresses = {row.id: row.address for row in rows}
    for row in rows:
        if row.status == "pending":
            row.status, row.last_error = "skipped", WITHHELD
            row.lease_owner, row.lease_until = None, None
            session.add(DeliveryAttempt(outbox_id=row.id, at=now, worker="identity",
                                        outcome="skipped", error=WITHHELD))
            removed.held += 1
        else:
            removed.messages += 1
        row.last_error = _without(row.last_error, row.address)
        row.address, row.payload, row.provider_id, row.contact_id = "", {}, None, None
    if rows:
        for attempt in session.scalars(select(DeliveryAttempt).where(
                DeliveryAttempt.outbox_id.in_(addresses))):
            attempt.error = _without(attempt.error, addresses[attempt.outbox_id])
            attempt.provider_id = None
    return removed


def forget_address(session: Session, channel: str, address: str) -> Removed:
    """Delete an address's conversation state and the records of its processed messages."""
    removed = Removed()
    removed.conversations = touched(session.execute(delete(ConversationSession).where(
        ConversationSession.channel == channel, ConversationSession.address == address)))
    removed.inbound = touched(session.execute(delete(ProcessedInbound).where(
        ProcessedInbound.channel == channel, ProcessedInbound.address == address)))
    return removed


def forget(session: Session, contact: Contact, now: datetime) -> Removed:
    """Remove a contact no report names any more; an opted-out one stays as a hash."""
    removed = scrub(session, OutboxMessage.contact_id == contact.id, now)
    removed.add(forget_address(session, contact.channel, contact.address))
    removed.contacts = 1
    # Awareness messages stop with the identity: nothing may be sent to a removed address.
    session.execute(delete(Subscription).where(Subscription.contact_id == contact.id))
    digest = hashed(contact.channel, contact.address)
    if contact.opted_out and session.scalar(select(Contact.id).where(
            Contact.channel == contact.channel, Contact.address == digest)) is None:
        contact.address, contact.role, contact.language = digest, HASHED_ROLE, None
        contact.created_at = contact.opted_out_at or now
        contact.last_seen_at = None
        removed.hashed = 1
    else:
        session.delete(contact)
    session.flush()
    return removed


def audit(session: Session, action: str, now: datetime, detail: dict[str, Any],
          user_id: int | None = None, address: str = "") -> None:
    """Write an audit entry for work without a dashboard request (the worker, the CLI)."""
    add_audit_entry(session, now, action, detail, user_id=user_id, address=address)


def _without(text: str, address: str) -> str:
    """Return a text with an address taken out (a provider's error may quote the number)."""
    return text.replace(address, "…") if address and text else text


def touched(result: object) -> int:
    """Return how many rows a bulk statement touched."""
    return int(getattr(result, "rowcount", 0) or 0)


def contacts_at(session: Session, addresses: Iterable[tuple[str, str]]) -> list[Contact]:
    """Return the contacts (not hashed opt-outs) of these (channel, address) pairs."""
    pairs = list(addresses)
    if not pairs:
        return []
    return list(session.scalars(select(Contact).where(or_(*(
        (Contact.channel == channel) & (Contact.address == address)
        for channel, address in pairs))).order_by(Contact.id)))
