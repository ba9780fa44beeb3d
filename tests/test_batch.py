"""Writes sent together at the end of a transaction (models/batch.py), on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, bindparam, event, select, update

from models import ConversationSession, OutboxMessage, ProcessedInbound
from models.batch import Batch
from models.db import Database
from models.messaging import ALERT_LANE, BULK_LANE, UPDATE_LANE
from models.rollups import ReportRollup

SESSIONS = cast(Table, ConversationSession.__table__)
PROCESSED = cast(Table, ProcessedInbound.__table__)
ROLLUPS = cast(Table, ReportRollup.__table__)
SAVE = update(SESSIONS).where(SESSIONS.c.id == bindparam("session_id")).values(
    state=bindparam("b_state"))
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def rollup(value: str, reports: int) -> dict[str, object]:
    """Return one roll-up row of a category."""
    return {"month": 202603, "municipality_id": 0, "country": "XK", "kind": "hazard",
            "dimension": "category", "value": value, "reports": reports, "urgent": 0,
            "unrouted": 0, "escalated": 0}


def test_a_batch_inserts_adds_and_updates(db: Database) -> None:
    """Inserts get their defaults, upserts add to rows already there, updates apply."""
    with db.transaction() as session:
        session_id = session.connection().execute(SESSIONS.insert().returning(SESSIONS.c.id), {
            "channel": "sms", "address": "+38344000001", "state": {}, "updated_at": AT,
        }).scalar_one()
        writes = Batch()
        writes.upsert(ROLLUPS, ("reports",), [rollup("dump", 1), rollup("ruin", 2)])
        writes.run(session.connection())
        writes.change(SAVE, {"session_id": session_id, "b_state": {"language": "sr"}})
        writes.insert(PROCESSED, [{"channel": "sms", "external_id": f"SM{n}",
                                   "replies": [{"lines": [str(n)]}], "received_at": AT}
                                  for n in range(3)])
        writes.upsert(ROLLUPS, ("reports",), [rollup("dump", 5)])
        writes.run(session.connection())
    with db.session() as session:
        assert session.scalar(select(SESSIONS.c.state)) == {"language": "sr"}
        rows = session.execute(select(PROCESSED.c.external_id, PROCESSED.c.address,
                                      PROCESSED.c.replies).order_by(PROCESSED.c.id)).all()
        assert [tuple(row) for row in rows] == [
            (f"SM{n}", "", [{"lines": [str(n)]}]) for n in range(3)]
        counts = dict(session.execute(select(ROLLUPS.c.value, ROLLUPS.c.reports)).all())
        assert counts == {"dump": 6, "ruin": 2}


def test_postgresql_sends_a_batch_as_one_statement(db: Database) -> None:
    """Several parts are one statement on PostgreSQL and one per part on SQLite."""
    sent: list[str] = []
    engine = db.engine
    assert engine is not None
    event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    with db.transaction() as session:
        writes = Batch()
        writes.insert(PROCESSED, [{"channel": "sms", "external_id": "SMx", "replies": [],
                                   "received_at": AT}])
        writes.upsert(ROLLUPS, ("reports",), [rollup("dump", 1)])
        writes.run(session.connection())
    assert len(sent) == (2 if db.is_sqlite else 1)


def test_batched_outbox_rows_take_their_lane_from_their_purpose(db: Database) -> None:
    """A default that reads the row (the outbox lane) sees it in a batch too: alerts first."""
    outbox = cast(Table, OutboxMessage.__table__)
    with db.transaction() as session:
        writes = Batch()
        writes.insert(outbox, [{"purpose": purpose, "channel": "log", "address": "a",
                                "payload": {}, "due_at": AT, "created_at": AT}
                               for purpose in ("alert", "reporter_update", "fixed_check")])
        writes.run(session.connection())
    with db.session() as session:
        lanes = session.execute(select(outbox.c.purpose, outbox.c.priority)).all()
    assert dict(lanes) == {"alert": ALERT_LANE, "reporter_update": UPDATE_LANE,
                           "fixed_check": BULK_LANE}
