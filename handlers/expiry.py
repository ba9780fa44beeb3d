"""A conversation left unanswered: what was filed stays, what must not be lost is filed now.

Every wait expires (30 minutes by default). Most flows then end with nothing sent, and the
person is told so when they write again. A report filed early (a child in danger) stays
filed. A flow that `keeps` what it holds (a child at risk whose concern and place are known)
files it, marked incomplete, rather than losing it; the worker does this when the time is up
(service/expiry.py), or the engine when the person writes again first.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from handlers.flow import Context, Outcome, State
from handlers.flows import FLOWS
from handlers.i18n import Verbatim, msg
from handlers.types import Reply


def busy(state: State) -> bool:
    """Tell whether the person is in the middle of something (a flow, a question)."""
    return state.flow is not None or state.step is not None or state.aside is not None


def parse_time(value: str | None) -> datetime | None:
    """Read a stored ISO time, ignoring anything malformed."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def expired(state: State, now: datetime, timeout: timedelta) -> bool:
    """Tell whether the conversation was left waiting longer than `timeout`."""
    last = parse_time(state.last_at)
    return busy(state) and last is not None and now - last > timeout


def keeps(state: State) -> bool:
    """Tell whether leaving this conversation now would file what it holds."""
    flow = FLOWS.get(state.flow or "")
    return flow is not None and flow.keeps(state)


def expire(state: State, ctx: Context, timeout: timedelta) -> Outcome:
    """Close a conversation left unanswered: file what must be kept, and say what happened."""
    minutes = int(timeout.total_seconds() // 60)
    flow = FLOWS.get(state.flow or "")
    idle = replace(state.idle(), step=None)
    if state.filed is not None:
        return Outcome(idle, (Reply((
            msg("Your previous conversation was closed after {minutes} minutes without an "
                "answer. Your report {reference} stays with those who received it; the "
                "questions you had not answered were left out.", minutes=minutes,
                reference=Verbatim(state.filed)),)),))
    if flow is not None and flow.keeps(state) and flow.abandoned is not None:
        finished = flow.abandoned(ctx, state)
        return Outcome(idle, finished.replies, finished.effects)
    return Outcome(idle, (Reply((
        msg("Your previous conversation was closed after {minutes} minutes without an "
            "answer, and nothing was sent. Let's start again.", minutes=minutes),)),))

