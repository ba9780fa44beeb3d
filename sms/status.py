"""Twilio delivery callbacks: `POST /sms/status`, recorded monotonically on the outbox row."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import cast

from flask import Blueprint, Response, current_app, request
from sqlalchemy import Table, or_, select, update

from alerts.whatsapp_window import OUTSIDE_WINDOW, resend_outside_window
from models.db import get_db
from models.messaging import OutboxMessage
from models.optout import mark_opted_out
from sms.sender import UNSUBSCRIBED
from sms.webhook import twilio_signed

log = logging.getLogger(__name__)

bp = Blueprint("sms_status", __name__, url_prefix="/sms")
OUTBOX = cast(Table, OutboxMessage.__table__)
# How far along a message is. A status replaces another only if it ranks higher and the old
# one is not final; delivered, undelivered and failed all rank last, so a late "sent" never
# overwrites "delivered", and a "failed" after "delivered" (or the reverse) changes nothing.
RANK: Mapping[str, int] = {"accepted": 0, "scheduled": 0, "queued": 0, "sending": 1, "sent": 2,
                           "delivered": 3, "undelivered": 3, "failed": 3}


def lower_than(status: str) -> list[str]:
    """Return the statuses a message in `status` may be moved on from."""
    return [name for name, rank in RANK.items() if rank < RANK[status]]


@bp.post("/status")
@twilio_signed
def status() -> Response:
    """Record one delivery report; unknown messages and statuses are acknowledged and ignored."""
    sid = request.form.get("MessageSid", "").strip()
    new = request.form.get("MessageStatus", "").strip().lower()
    now = datetime.now(UTC)
    with get_db(current_app).transaction() as session:
        row = session.execute(select(OUTBOX.c.id, OUTBOX.c.address, OUTBOX.c.channel)
                              .where(OUTBOX.c.provider_id == sid)).first() if sid else None
        if row is None:
            # Acknowledge all the same: Twilio retries a callback that is not answered 2xx.
            log.info("delivery report for unknown message %r ignored", sid)
            return Response(status=200)
        moved = 0
        if new in RANK:
            # One conditional UPDATE: two callbacks racing in two workers cannot both win,
            # and SQLite needs no read-then-write lock upgrade.
            done = session.execute(update(OUTBOX).where(
                OUTBOX.c.id == row.id,
                or_(OUTBOX.c.delivery_status.is_(None),
                    OUTBOX.c.delivery_status.in_(lower_than(new))))
                .values(delivery_status=new, delivery_updated_at=now))
            moved = int(getattr(done, "rowcount", 0) or 0)
        error = request.form.get("ErrorCode", "").strip()
        if error == str(UNSUBSCRIBED):
            mark_opted_out(session, row.channel, row.address, now)
        if error == OUTSIDE_WINDOW and moved and new in ("failed", "undelivered"):
            # Once, on the report that the message failed: it goes again as a template.
            resend_outside_window(session, row.id, now)
    return Response(status=200)
