"""A focal point's press on an alert's button, translated to the focal action table.

The buttons are the table's (handlers/focal_actions.py): Pranoj / Në proces / Zgjidhur,
and "Pyet raportuesin" on a row of its own. The adapter passes the callback query's chat and
data; `handle_button` returns the text for `answerCallbackQuery` and, when the report
changed, the status line for the alert message: `edited_alert(original_text, status_line)`
puts it under the alert's text for `editMessageText` (a second press replaces the line
instead of stacking another). "Ask the reporter" answers with a prompt instead: the chat's
next message is the question (service/relay.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.categories import STATUSES
from handlers.flow import Translator
from handlers.focal import NOT_FOUND as NOT_FOUND
from handlers.focal import UNCHANGED as UNCHANGED
from handlers.focal_actions import FINAL as FINAL
from handlers.focal_actions import FocalAction, by_button
from handlers.i18n import Msg, Verbatim, When, msg
from locales import Catalogs
from models import ContactPoint
from service.focal import act_as_points
from service.relay import start_asking

DATA = re.compile(r"^([a-z]{2,8}):(R-[0-9A-Z]{4,10})$")
MARK = "\n\n— "  # what starts the status line under an alert's text
NOT_UNDERSTOOD = msg("This button is not valid any more. Please use the latest message.")
NOW = msg("Report {reference} is now: {status}.")
STATUS_LINE = msg("{status}: {name}, {when}")


@dataclass(frozen=True)
class Press:
    """The outcome of one press: the answer to show, and the alert's new state if it changed."""

    answer: str
    line: str | None = None  # the status line to put under the alert; None if unchanged
    reference: str = ""
    status: str = ""
    language: str = "sq"
    prompt: str | None = None  # a message to send the chat (the question's prompt)


def handle_button(session: Session, chat_id: str, data: str, now: datetime, *,
                  catalogs: Translator | None = None) -> Press:
    """Apply one button press from `chat_id`; return the answer and the new status line.

    `catalogs` should be the adapter's own; without it the catalogs are loaded per call.
    """
    translate: Translator = catalogs if catalogs is not None else Catalogs.load()
    points = list(session.scalars(select(ContactPoint.id).where(
        ContactPoint.telegram_chat_id == str(chat_id), ContactPoint.active)
        .order_by(ContactPoint.id)))
    first = session.get(ContactPoint, points[0]) if points else None
    language = first.language if first is not None else "sq"
    parsed = DATA.match(data.strip()) if isinstance(data, str) else None
    action = by_button(parsed.group(1)) if parsed is not None else None
    if parsed is None or action is None:
        return Press(translate(NOT_UNDERSTOOD, language), language=language)
    reference = parsed.group(2)
    if action.kind == "ask":
        asked = start_asking(session, "telegram", str(chat_id), points, reference, now,
                             translate)
        return Press(asked.answer[:200], reference=reference, language=asked.language,
                     prompt=asked.prompt)
    return _status_press(session, points, reference, action, now, translate, language)


def _status_press(session: Session, points: list[int], reference: str, action: FocalAction,
                  now: datetime, translate: Translator, language: str) -> Press:
    """Apply a status button and word the answer and the alert's status line."""
    acted = act_as_points(session, points, reference, action, now=now)
    if acted.point is None:
        return Press(translate(Msg(NOT_FOUND.msgid, {"reference": Verbatim(reference)}),
                               language), language=language)
    language = acted.point.language
    if acted.outcome != "changed":
        return Press(translate(_with(UNCHANGED, reference, acted.status), language),
                     reference=reference, status=acted.status, language=language)
    answer = translate(_with(NOW, reference, acted.status), language)
    line = translate(Msg(STATUS_LINE.msgid, {"status": STATUSES[acted.status],
                                             "name": Verbatim(acted.point.name),
                                             "when": When(now)}), language)
    return Press(answer, line, reference, acted.status, language)


def _with(message: Msg, reference: str, status: str) -> Msg:
    """Fill a reference and a status into a message."""
    return Msg(message.msgid, {"reference": Verbatim(reference),
                               "status": STATUSES.get(status, Verbatim(status))})


def edited_alert(original: str, status_line: str, limit: int = 4096) -> str:
    """Return the alert's text with `status_line` under it, replacing any earlier one.

    The alert's own text is shortened, never the status line, to stay within `limit`.
    """
    head = original.split(MARK, 1)[0]
    tail = f"{MARK}{status_line}"
    if len(head) + len(tail) > limit:
        head = head[:max(limit - len(tail) - 1, 0)] + "…"
    return f"{head}{tail}"
