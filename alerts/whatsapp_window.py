"""WhatsApp's 24-hour window: free text only to whoever wrote lately, else an approved template.

WhatsApp lets a business send free text to a person for 24 hours after that person's last
message; outside that window only a template Meta approved may go (Twilio refuses free text
with error 63016). So every WhatsApp message the worker is about to send passes `windowed`:
inside the window it goes as the text; outside it, as the template configured for its
purpose (a small table), its variables "1" the report's reference and "2" a one-line summary.
Where no template is configured for the purpose the message is held, never sent as free
text: an alert then escalates exactly as one to an address that takes no messages does, and
a campaign message is skipped with its reason.

alerts/ knows no channel adapter: the choice is written into the message's payload under
`TEMPLATE_KEY`, and the WhatsApp sender (sms/whatsapp_sender.py) sends what it finds there.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alerts.clock import Clock
from alerts.dispatcher import Prepare, Prepared, Skip
from alerts.escalation import escalate_row
from alerts.skips import Problem
from models import Contact, OutboxMessage, Report, ReportEvent
from sinjalizo.settings import Settings

CHANNEL = "whatsapp"
WINDOW = timedelta(hours=24)
TEMPLATE_KEY = "whatsapp_template"  # {"content_sid": "HX…", "variables": {"1": …, "2": …}}
SUMMARY_LIMIT = 300  # characters of the one-line summary a template carries
# A campaign's template carries its whole text: the campaign form keeps it to two SMS
# segments (306 characters at most), well within the 1,024 WhatsApp allows a template body.
WHOLE_TEXT_LIMIT = 700  # the rest is room for the template's own words
WHOLE_TEXT = frozenset({"campaign"})  # purposes whose "2" is the text itself, not a summary
HELD = "no_whatsapp_template"  # the timeline's reason (alerts/skips.py)
OUTSIDE_WINDOW = "63016"  # Twilio's error for free text sent outside the window
# Which template goes outside the window, by outbox purpose; the setting read is
# TWILIO_WHATSAPP_TEMPLATE_<NAME>. A purpose missing here has no template: it is held.
TEMPLATE_FOR: Mapping[str, str] = {
    "alert": "alert", "escalation": "alert", "report_update": "alert",
    "relay_answer": "alert", "referral": "alert", "referral_update": "alert",
    "reporter_update": "update", "reporter_notice": "update", "fixed_check": "update",
    "relay_question": "question",
    "campaign": "campaign",
}
NOT_ESCALATED = frozenset({"campaign"})  # held for lack of a template: skipped, that is all


def template_name(purpose: str) -> str | None:
    """Return which template (alert, update, question, campaign) a purpose needs, if any."""
    return TEMPLATE_FOR.get(purpose)


def template_sid(settings: Settings, purpose: str) -> str:
    """Return the Content SID configured for a purpose's template; empty when none is."""
    name = template_name(purpose)
    return str(getattr(settings, f"twilio_whatsapp_template_{name}", "") or "") if name else ""


def in_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    """Tell whether free text may go to someone who last wrote at `last_inbound_at`."""
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


def last_inbound(session: Session, number: str) -> datetime | None:
    """Return when a WhatsApp number (E.164) last wrote to us; None if it never did."""
    return session.scalar(select(Contact.last_inbound_at).where(
        Contact.channel == CHANNEL, Contact.address == number))


def is_in_window(session: Session, number: str, now: datetime) -> bool:
    """Tell whether free text may go to a WhatsApp number (E.164) now."""
    return in_window(last_inbound(session, number), now)


def summary(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """Return a text as one line (WhatsApp template variables take no line breaks), cut."""
    line = " · ".join(" ".join(part.split()) for part in text.splitlines() if part.strip())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def template_variables(reference: str, text: str, purpose: str = "") -> dict[str, str]:
    """Return a template's variables: "1" the reference, "2" a one-line summary."""
    limit = WHOLE_TEXT_LIMIT if purpose in WHOLE_TEXT else SUMMARY_LIMIT
    return {"1": reference or "-", "2": summary(text, limit) or "-"}


def windowed(prepare: Prepare, settings: Settings, clock: Clock) -> Prepare:
    """Wrap a worker's `prepare` so that WhatsApp messages respect the 24-hour window."""

    def windowed_prepare(session: Session, row: OutboxMessage) -> Prepared:
        """Prepare the row; then, on WhatsApp, choose free text or a template, or hold it."""
        prepared = prepare(session, row)
        if row.channel != CHANNEL or isinstance(prepared, Skip):
            return prepared
        return choose(session, row, prepared, settings, clock.now())

    return windowed_prepare


def choose(session: Session, row: OutboxMessage, text: str, settings: Settings,
           now: datetime) -> Prepared:
    """Send `text` free inside the window, else mark the template to use, else hold it."""
    payload: dict[str, Any] = dict(row.payload) if isinstance(row.payload, dict) else {}
    had = payload.pop(TEMPLATE_KEY, None)
    if is_in_window(session, row.address, now):
        if had is not None:
            row.payload = payload  # written as a template before, free text now
        return text
    sid = template_sid(settings, row.purpose)
    if not sid:
        return hold(session, row, now)
    payload[TEMPLATE_KEY] = {"content_sid": sid, "variables": template_variables(
        str(payload.get("reference") or ""), text, row.purpose)}
    row.payload = payload
    return text


def hold(session: Session, row: OutboxMessage, now: datetime) -> Skip:
    """Hold a message that needs a template nobody configured; escalate an alert."""
    name = template_name(row.purpose)
    setting = f"TWILIO_WHATSAPP_TEMPLATE_{name.upper()}" if name else "a template"
    moved = row.purpose not in NOT_ESCALATED and escalate_row(
        session, row, "outside the WhatsApp window and no template configured", now)
    problem = Problem(HELD, f"outside WhatsApp's 24-hour window and {setting} is not set"
                      + ("; escalated to the next" if moved else ""))
    if row.report_id is not None and session.get(Report, row.report_id) is not None:
        session.add(ReportEvent(
            report_id=row.report_id, at=now, actor="system", kind="message_skipped",
            note=f"{row.purpose} #{row.id} not sent: {problem.text}",
            data={"purpose": row.purpose, "message": row.id, "why": problem.why,
                  "channel": row.channel, "point": row.contact_point_id, "escalated": moved}))
    return Skip(problem.text)


def resend_outside_window(session: Session, outbox_id: int, now: datetime) -> int | None:
    """Queue again, by the window's rules, a message Twilio refused as outside the window.

    Our record of the person's last message said the window was open and Twilio disagreed
    (error 63016 in a delivery report): the window is taken as closed, and a copy of the
    message is queued, which then goes as its template, or is held and escalated. Returns
    the new message's id, or None when there is nothing to send again.
    """
    row = session.get(OutboxMessage, outbox_id)
    if row is None or row.channel != CHANNEL:
        return None
    payload: dict[str, Any] = dict(row.payload) if isinstance(row.payload, dict) else {}
    if payload.pop(TEMPLATE_KEY, None) is not None:
        return None  # a template is never refused for the window: nothing better to send
    session.execute(update(Contact).where(Contact.channel == CHANNEL,
                                          Contact.address == row.address)
                    .values(last_inbound_at=None))
    again = OutboxMessage(purpose=row.purpose, report_id=row.report_id,
                          contact_point_id=row.contact_point_id, contact_id=row.contact_id,
                          channel=row.channel, address=row.address, language=row.language,
                          status="pending", attempts=0, payload=payload, due_at=now,
                          created_at=now, last_error="")
    session.add(again)
    session.flush()
    return again.id
