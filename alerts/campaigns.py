"""Sending awareness campaigns: fan a due campaign out into bulk outbox rows, and finish it.

A worker tick takes one due campaign at a time under a lease (`fanout_owner` until
`fanout_until`, set by a single UPDATE, so two workers never both hold it), then writes its
subscribers' messages a chunk per transaction: each chunk re-takes the lease in its first
statement, inserts one outbox row per subscriber in their language (campaign purpose, bulk
lane) and moves the campaign's cursor on. A worker that dies half-way leaves the cursor at
its last chunk; once the lease lapses, the next tick carries on from there. Cancelling
(`cancel`) changes the campaign first and then skips its unsent rows in one UPDATE: a chunk
in progress either commits before it (and its rows are skipped too) or finds the campaign
cancelled and writes nothing.

The dispatcher sends the rows like any other, lane by lane, so an alert is never queued
behind them, and within the shared rate buckets (alerts/limits.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, case, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from alerts.dispatcher import Skip, default_worker_id
from models.campaigns import CAMPAIGN, CAMPAIGN_LANGUAGES, Campaign, Subscription
from models.db import Database
from models.messaging import OutboxMessage
from models.optout import is_opted_out
from models.people import Contact

log = logging.getLogger(__name__)

OUTBOX = cast(Table, OutboxMessage.__table__)
CAMPAIGNS = cast(Table, Campaign.__table__)
CHUNK = 1000  # subscribers written per transaction: short write locks, little lost on a crash
LEASE = timedelta(seconds=60)  # a chunk takes well under a second; a dead worker's lapses
GOING = ("scheduled", "sending")
FALLBACK_LANGUAGE = "sq"


def campaign_text(texts: Any, language: str) -> str:
    """Return a campaign's text in a language, or in Albanian when it has none in that one."""
    given = texts if isinstance(texts, dict) else {}
    text = given.get(language) if language in CAMPAIGN_LANGUAGES else None
    return str(text or given.get(FALLBACK_LANGUAGE) or "").strip()


def prepare_campaign(session: Session, row: OutboxMessage) -> str | Skip:
    """Render a campaign message, or say why it must not go (cancelled, stopped, unsubscribed)."""
    campaign = session.get(Campaign, row.campaign_id) if row.campaign_id is not None else None
    if campaign is None:
        return Skip("the campaign no longer exists")
    if campaign.status == "cancelled":
        return Skip("the campaign was cancelled")
    if row.contact_id is None or session.scalar(select(Subscription.id).where(
            Subscription.contact_id == row.contact_id).limit(1)) is None:
        return Skip("the person stopped the awareness messages")
    if is_opted_out(session, row.channel, row.address):
        return Skip("the address takes no messages")
    text = campaign_text(campaign.texts, row.language)
    return text or Skip("the campaign has no text")


class FanOut:
    """The worker tick that writes due campaigns' messages and marks finished ones sent."""

    def __init__(self, db: Database, worker_id: str | None = None, chunk: int = CHUNK) -> None:
        """Write campaigns of `db` as `worker_id`, `chunk` subscribers per transaction."""
        self.db = db
        self.worker_id = worker_id or default_worker_id()
        self.chunk = chunk

    __name__ = "campaigns"

    def __call__(self, session: Session, now: datetime) -> None:
        """Finish what is done, then fan out every due campaign this worker can take.

        The tick's own transaction is left unused: each step commits on its own, so that a
        chunk written is kept whatever happens to the next.
        """
        del session
        with self.db.transaction() as own:
            finish_sent(own, now)
        while True:
            with self.db.transaction() as own:
                campaign_id = self.take(own, now)
            if campaign_id is None:
                return
            self.fan_out(campaign_id, now)

    def take(self, session: Session, now: datetime) -> int | None:
        """Lease one due campaign to this worker; return its id, or None when none is free."""
        free = or_(Campaign.fanout_until.is_(None), Campaign.fanout_until < now)
        due = session.scalars(select(Campaign.id).where(
            Campaign.status.in_(GOING), Campaign.scheduled_at <= now,
            Campaign.fanout_done.is_(False), free).order_by(Campaign.scheduled_at, Campaign.id))
        for campaign_id in list(due):
            taken = session.execute(update(CAMPAIGNS).where(
                CAMPAIGNS.c.id == campaign_id, CAMPAIGNS.c.status.in_(GOING),
                or_(CAMPAIGNS.c.fanout_until.is_(None), CAMPAIGNS.c.fanout_until < now))
                .values(fanout_owner=self.worker_id, fanout_until=now + LEASE, status="sending",
                        started_at=func.coalesce(CAMPAIGNS.c.started_at, now)))
            if getattr(taken, "rowcount", 0):
                return campaign_id
        return None

    def fan_out(self, campaign_id: int, now: datetime) -> int:
        """Write the campaign's messages chunk by chunk; return how many were written."""
        written = 0
        while True:
            with self.db.transaction() as session:
                done, count = self.chunk_once(session, campaign_id, now)
            written += count
            if done:
                return written

    def chunk_once(self, session: Session, campaign_id: int, now: datetime) -> tuple[bool, int]:
        """Write one chunk while this worker still holds the campaign; say if it is finished."""
        held = session.execute(update(CAMPAIGNS).where(
            CAMPAIGNS.c.id == campaign_id, CAMPAIGNS.c.status == "sending",
            CAMPAIGNS.c.fanout_owner == self.worker_id)
            .values(fanout_until=now + LEASE)
            .returning(CAMPAIGNS.c.fanout_cursor, CAMPAIGNS.c.municipality_ids)).first()
        if held is None:
            log.info("campaign %s: stopped fanning out (cancelled, or taken over)", campaign_id)
            return True, 0
        rows = subscribers(session, list(held.municipality_ids or ()), held.fanout_cursor,
                           self.chunk)
        if rows:
            session.execute(insert(OUTBOX), [outbox_row(campaign_id, row, now) for row in rows])
        last = rows[-1]["subscription"] if rows else held.fanout_cursor
        finished = len(rows) < self.chunk
        session.execute(update(CAMPAIGNS).where(CAMPAIGNS.c.id == campaign_id).values(
            fanout_cursor=last, recipients=CAMPAIGNS.c.recipients + len(rows),
            fanout_done=finished, fanout_owner=None if finished else self.worker_id,
            fanout_until=None if finished else now + LEASE))
        return finished, len(rows)


def subscribers(session: Session, municipality_ids: list[int], after: int,
                limit: int) -> list[dict[str, Any]]:
    """Return the next subscribers of these municipalities after a subscription id.

    An opted-out contact is left out; a person subscribed to two of the municipalities gets
    the campaign once, with their first subscription.
    """
    ids = [int(i) for i in municipality_ids if isinstance(i, int)]
    if not ids:
        return []
    other = aliased(Subscription)
    first = (select(func.min(other.id)).where(
        other.contact_id == Contact.id, other.municipality_id.in_(ids))
        .correlate(Contact).scalar_subquery())
    found = session.execute(
        select(Subscription.id, Subscription.language, Contact.id.label("contact"),
               Contact.channel, Contact.address, Contact.language.label("spoken"))
        .join(Contact, Contact.id == Subscription.contact_id)
        .where(Subscription.municipality_id.in_(ids), Subscription.id > after,
               Contact.opted_out.is_(False), Subscription.id == first)
        .order_by(Subscription.id).limit(limit))
    return [{"subscription": r.id, "contact": r.contact, "channel": r.channel,
             "address": r.address, "language": r.spoken or r.language or FALLBACK_LANGUAGE}
            for r in found]


def outbox_row(campaign_id: int, row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Return the outbox row of one subscriber's message (its text is rendered when sent)."""
    # The lane comes from the purpose (the column's default): bulk.
    return {"purpose": CAMPAIGN, "campaign_id": campaign_id,
            "contact_id": row["contact"], "channel": row["channel"], "address": row["address"],
            "language": row["language"], "payload": {"campaign": campaign_id},
            "status": "pending", "attempts": 0, "due_at": now, "last_error": "",
            "created_at": now}


def finish_sent(session: Session, now: datetime) -> int:
    """Mark sent the campaigns fully written whose messages have all been handed over."""
    pending = select(OUTBOX.c.id).where(OUTBOX.c.campaign_id == CAMPAIGNS.c.id,
                                        OUTBOX.c.status == "pending").exists()
    done = session.execute(update(CAMPAIGNS).where(
        CAMPAIGNS.c.status == "sending", CAMPAIGNS.c.fanout_done.is_(True), ~pending)
        .values(status="sent", finished_at=now))
    return int(getattr(done, "rowcount", 0) or 0)


def cancel(session: Session, campaign: Campaign, now: datetime) -> int:
    """Stop a campaign: no more fan-out, and every message not yet sent skipped at once."""
    session.execute(update(CAMPAIGNS).where(CAMPAIGNS.c.id == campaign.id).values(
        status="cancelled", cancelled_at=now, fanout_owner=None, fanout_until=None))
    skipped = session.execute(update(OUTBOX).where(
        OUTBOX.c.campaign_id == campaign.id, OUTBOX.c.status == "pending")
        .values(status="skipped", last_error="the campaign was cancelled", lease_owner=None,
                lease_until=None))
    session.expire(campaign)
    return int(getattr(skipped, "rowcount", 0) or 0)


COUNTED = ("pending", "sent", "failed", "skipped")


def counts(session: Session, campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Return each campaign's messages by state: queued, sent, delivered, failed, skipped."""
    result = {i: {"queued": 0, "sent": 0, "delivered": 0, "failed": 0, "skipped": 0}
              for i in campaign_ids}
    if not campaign_ids:
        return result
    delivered = func.sum(case((OUTBOX.c.delivery_status == "delivered", 1), else_=0))
    for row in session.execute(
            select(OUTBOX.c.campaign_id, OUTBOX.c.status, func.count(), delivered)
            .where(OUTBOX.c.campaign_id.in_(campaign_ids), OUTBOX.c.status.in_(COUNTED))
            .group_by(OUTBOX.c.campaign_id, OUTBOX.c.status)):
        key = "queued" if row[1] == "pending" else str(row[1])
        result[row[0]][key] += int(row[2])
        result[row[0]]["delivered"] += int(row[3] or 0)
    return result


__all__ = ["FanOut", "campaign_text", "cancel", "counts", "finish_sent",
           "prepare_campaign"]
