"""Abandoned conversations that hold a report: the worker files them when their time is up.

A conversation is marked with `expires_at` only while leaving it would file something (a
child at risk whose concern and place are known; see handlers/expiry.py). The worker's tick
picks those that are due, runs the engine's own expiry on them under the row's lock, files
the report with its alerts, and tells the reporter through the outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from handlers.expiry import expire, expired
from handlers.flow import Context, State
from handlers.types import FileReport, Inbound
from models import Contact, ConversationSession, OutboxMessage
from service.conversation import Conversations
from service.filing import store_report
from service.render import render
from service.world import DbWorld

log = logging.getLogger(__name__)
SESSIONS = cast(Table, ConversationSession.__table__)
BATCH = 50


def file_abandoned(session: Session, now: datetime, conversations: Conversations) -> list[str]:
    """File what every due abandoned conversation holds; return the references filed."""
    due = session.execute(
        select(SESSIONS.c.id, SESSIONS.c.channel, SESSIONS.c.address, SESSIONS.c.state)
        .where(SESSIONS.c.expires_at <= now).order_by(SESSIONS.c.expires_at).limit(BATCH)
        # Several workers may run this at once: each conversation is expired by one of them.
        .with_for_update(skip_locked=True)).all()
    filed: list[str] = []
    for row in due:
        filed.extend(expire_one(session, row, now, conversations))
    return filed


def expire_one(session: Session, row: Any, now: datetime,
               conversations: Conversations) -> list[str]:
    """Expire one conversation: file what it holds, save it idle, and queue the notice."""
    state = State.from_json(row.state if isinstance(row.state, dict) else None,
                            conversations.default_language)
    if not expired(state, now, conversations.timeout):
        # Written to since it was marked (a clock skew between web and worker): look again.
        session.execute(SESSIONS.update().where(SESSIONS.c.id == row.id).values(
            expires_at=conversations.files_at(state, now)))
        return []
    inbound = Inbound(row.channel, row.address, now)
    world = DbWorld(session, conversations.places)
    ctx = Context(inbound, world, conversations.translate, state.language, now)
    closed = expire(state, ctx, conversations.timeout)
    contact = session.scalar(select(Contact).where(Contact.channel == row.channel,
                                                   Contact.address == row.address))
    if contact is None:
        contact = Contact(channel=row.channel, address=row.address, role="citizen",
                          language=state.language, created_at=now, last_seen_at=now)
        session.add(contact)
        session.flush()
    filed: list[str] = []
    report_id: int | None = None
    for effect in closed.effects:
        if isinstance(effect, FileReport):
            report_id = store_report(session, effect.draft, contact.id, row.channel,
                                     state.language, now)
            filed.append(effect.draft.reference)
    session.execute(SESSIONS.update().where(SESSIONS.c.id == row.id).values(
        state=closed.state.to_json(), expires_at=None))
    if filed and not contact.opted_out:
        text = "\n".join(render(reply, conversations.translate, state.language).text
                         for reply in closed.replies)
        session.add(OutboxMessage(
            purpose="reporter_notice", report_id=report_id, contact_point_id=None,
            contact_id=contact.id, channel=row.channel, address=row.address,
            language=state.language, payload={"event": "notice", "reference": filed[0],
                                              "text": text},
            status="pending", attempts=0, due_at=now, created_at=now, last_error=""))
    log.info("filed an abandoned conversation as %s", ", ".join(filed) or "nothing")
    return filed
