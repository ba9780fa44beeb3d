"""Putting an aside into someone's conversation state from outside their own turn.

When the service sends a reporter a question, their next message may answer it; when a
focal point presses "Ask the reporter", their next message is the question. Both are asides
in the conversation state (handlers/relay.py), written here under the same row lock a
conversation turn takes, so a turn running at that moment is never overwritten.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.engine import TIMEOUT
from handlers.expiry import parse_time
from models import ConversationSession

SESSIONS = cast(Table, ConversationSession.__table__)
# Writing the row first takes its lock (SQLite's write lock, PostgreSQL's row lock) and
# returns the state as the last committed turn left it.
LOCK = (update(SESSIONS).where(SESSIONS.c.channel == bindparam("b_channel"),
                               SESSIONS.c.address == bindparam("b_address"))
        .values(state=SESSIONS.c.state).returning(SESSIONS.c.id, SESSIONS.c.state))
SAVE = update(SESSIONS).where(SESSIONS.c.id == bindparam("session_id")).values(
    state=bindparam("b_state"))


def current_state(session: Session, channel: str, address: str) -> tuple[int | None,
                                                                          dict[str, Any]]:
    """Lock an address's conversation row and return its id and state (None, {} if none)."""
    row = session.connection().execute(LOCK, {"b_channel": channel,
                                              "b_address": address}).first()
    if row is None:
        return None, {}
    return int(row.id), dict(row.state) if isinstance(row.state, dict) else {}


def put_aside(session: Session, channel: str, address: str, name: str,
              aside: dict[str, Any], language: str, now: datetime) -> dict[str, Any]:
    """Set the aside `name` in an address's conversation state; return the state before.

    An address without a conversation row (it was emptied) gets one that knows the person.
    """
    session_id, state = current_state(session, channel, address)
    before = dict(state)
    state[name] = aside
    if session_id is not None:
        session.connection().execute(SAVE, {"session_id": session_id, "b_state": state})
        return before
    fresh = {"language": language, "known": True, name: aside}
    try:
        with session.begin_nested():
            session.connection().execute(insert(SESSIONS), {
                "channel": channel, "address": address, "state": fresh, "updated_at": now})
    except IntegrityError:
        # The person's first message raced us: write into the row it created.
        return put_aside(session, channel, address, name, aside, language, now)
    return {}


def busy(state: dict[str, Any], now: datetime, timeout: timedelta = TIMEOUT) -> bool:
    """Tell whether a stored state is in the middle of a flow still waiting for an answer.

    A flow left longer than the conversation timeout ends at the next message anyway.
    """
    if not isinstance(state.get("flow"), str):
        return False
    last = parse_time(state.get("last_at") if isinstance(state.get("last_at"), str) else None)
    return last is None or now - last <= timeout
