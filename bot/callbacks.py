"""A focal point's press on an alert's button (Pranoj / Në proces / Zgjidhur), checked and applied.

The adapter passes the callback query's chat and data; `handle_button` returns the text for
`answerCallbackQuery` and, when the report changed, the status line for the alert message:
`edited_alert(original_text, status_line)` puts it under the alert's text for
`editMessageText` (a second press replaces the line instead of stacking another).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.lifecycle import Actor, Refused, StatusChange, change_status
from handlers.categories import STATUSES
from handlers.flow import Translator
from handlers.i18n import Msg, Verbatim, When, msg
from locales import Catalogs
from models import ContactPoint, Report, ReportRoute

# The button's action and the statuses it passes through: a press on "in progress" or
# "resolved" takes the report up first, as the focal point obviously has.
ACTIONS: dict[str, tuple[str, ...]] = {
    "ack": ("acknowledged",),
    "proc": ("acknowledged", "in_progress"),
    "done": ("acknowledged", "resolved"),
}
DATA = re.compile(r"^(ack|proc|done):(R-[0-9A-Z]{4,10})$")
MARK = "\n\n— "  # what starts the status line under an alert's text
NOT_UNDERSTOOD = msg("This button is not valid any more. Please use the latest message.")
NOT_FOUND = msg("I found no report {reference} assigned to you. Please check the reference.")
UNCHANGED = msg("Report {reference} is already: {status}.")
NOW = msg("Report {reference} is now: {status}.")
STATUS_LINE = msg("{status}: {name}, {when}")
FINAL = frozenset({"resolved", "closed"})  # no buttons are left on an alert in these states


@dataclass(frozen=True)
class Press:
    """The outcome of one press: the answer to show, and the alert's new state if it changed."""

    answer: str
    line: str | None = None  # the status line to put under the alert; None if unchanged
    reference: str = ""
    status: str = ""
    language: str = "sq"


def handle_button(session: Session, chat_id: str, data: str, now: datetime, *,
                  catalogs: Translator | None = None) -> Press:
    """Apply one button press from `chat_id`; return the answer and the new status line.

    `catalogs` should be the adapter's own; without it the catalogs are loaded per call.
    """
    translate: Translator = catalogs if catalogs is not None else Catalogs.load()
    points = list(session.scalars(select(ContactPoint).where(
        ContactPoint.telegram_chat_id == str(chat_id), ContactPoint.active)
        .order_by(ContactPoint.id)))
    language = points[0].language if points else "sq"
    parsed = DATA.match(data.strip()) if isinstance(data, str) else None
    if parsed is None:
        return Press(translate(NOT_UNDERSTOOD, language), language=language)
    action, reference = parsed.group(1), parsed.group(2)
    point = _routed_point(session, points, reference)
    if point is None:
        return Press(translate(Msg(NOT_FOUND.msgid, {"reference": Verbatim(reference)}),
                               language), language=language)
    language = point.language
    actor = Actor("contact_point", point.id, point.name)
    changed: StatusChange | None = None
    status = ""
    for target in ACTIONS[action]:
        result = change_status(session, reference, actor, target, now=now)
        if isinstance(result, Refused):
            status = result.status or status
            break
        status = result.to_status
        if result.changed:
            changed = result
    if changed is None:
        return Press(translate(_with(UNCHANGED, reference, status), language),
                     reference=reference, status=status, language=language)
    answer = translate(_with(NOW, reference, status), language)
    line = translate(Msg(STATUS_LINE.msgid, {"status": STATUSES[status],
                                             "name": Verbatim(point.name), "when": When(now)}),
                     language)
    return Press(answer, line, reference, status, language)


def _with(message: Msg, reference: str, status: str) -> Msg:
    """Fill a reference and a status into a message."""
    return Msg(message.msgid, {"reference": Verbatim(reference),
                               "status": STATUSES.get(status, Verbatim(status))})


def _routed_point(session: Session, points: list[ContactPoint],
                  reference: str) -> ContactPoint | None:
    """Return the first of the chat's contact points that the report was routed to."""
    if not points:
        return None
    routed = set(session.scalars(
        select(ReportRoute.contact_point_id).join(Report, Report.id == ReportRoute.report_id)
        .where(Report.reference == reference)))
    return next((p for p in points if p.id in routed), None)


def edited_alert(original: str, status_line: str, limit: int = 4096) -> str:
    """Return the alert's text with `status_line` under it, replacing any earlier one.

    The alert's own text is shortened, never the status line, to stay within `limit`.
    """
    head = original.split(MARK, 1)[0]
    tail = f"{MARK}{status_line}"
    if len(head) + len(tail) > limit:
        head = head[:max(limit - len(tail) - 1, 0)] + "…"
    return f"{head}{tail}"
