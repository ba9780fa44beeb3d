"""The alerts waiting for a focal point's chat, shown in `sinjalizo chat --channel telegram`.

Alerts do not answer a message: the worker sends them from the outbox. A focal point trying
the bot in the terminal still needs to see them to press their buttons, so the terminal shows
each alert queued for its chat in the last day (delivered or not: the worker delivers it as
usual), with the text and the Pranoj / Në proces / Zgjidhur buttons Telegram would show.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from alerts.content import alert_lines
from bot.sender import keyboard
from bot.shown import Shown, markup
from handlers.flow import Translator
from models import OutboxMessage, Report
from models.db import Database

RECENT = timedelta(days=1)
ALERTS = ("alert", "escalation")


def queued_alerts(db: Database, chat_id: str, after: int, now: datetime,
                  translate: Translator, base_url: str) -> list[tuple[int, Shown]]:
    """Return the alerts queued for the chat after outbox id `after`, as Telegram shows them."""
    found: list[tuple[int, Shown]] = []
    with db.session() as session:
        rows = session.execute(
            select(OutboxMessage, Report).join(Report, Report.id == OutboxMessage.report_id)
            .where(OutboxMessage.channel == "telegram", OutboxMessage.address == chat_id,
                   OutboxMessage.purpose.in_(ALERTS), OutboxMessage.id > after,
                   OutboxMessage.created_at >= now - RECENT)
            .order_by(OutboxMessage.id))
        for row, report in rows:
            payload = row.payload if isinstance(row.payload, dict) else {}
            text = "\n".join(translate(line, row.language) for line in
                             alert_lines(report, payload, base_url, row.language))
            buttons, _keys, _share = markup(keyboard(report.reference, row.language, translate))
            found.append((row.id, Shown("sendMessage", text, buttons)))
    return found
