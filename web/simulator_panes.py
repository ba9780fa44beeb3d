"""The simulator's panes: each form answered by its channel's own path.

The Telegram pane builds the update Telegram would deliver (bot/typed.py) and answers it as
the bot does (bot/updates.py), showing the calls the bot makes (bot/shown.py). The SMS pane
runs sms/turn.py, the webhook's own path; the WhatsApp pane is web/simulator_whatsapp.py.
Each returns the transcript lines to add.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus

from flask import abort
from telegram import Update
from werkzeug.datastructures import MultiDict

from bot.shown import shown
from bot.typed import (
    location_content,
    message_update,
    photo_content,
    press_update,
    text_content,
    update_id_from,
)
from bot.updates import answer_update
from handlers.types import TeacherInfo
from service.conversation import Conversations
from sms.gsm import is_gsm7, segments
from sms.turn import answer_sms
from web.simulator_transcript import Line, Transcripts, bot_line

MAX_TEXT = 1000
PHOTO = "SIMULATED-PHOTO"  # the file id (or media URL) of a pane's photo: it exists nowhere


@dataclass(frozen=True)
class Exchange:
    """One message of a pane and what came back: transcript lines and reports filed."""

    lines: list[Line]
    filed: tuple[str, ...] = ()


def telegram_update(form: MultiDict[str, str], kept: Transcripts, address: str, nonce: str,
                    now: datetime) -> Update | None:
    """Return the update Telegram would deliver for a Telegram pane's form; None if empty."""
    update_id = update_id_from(nonce)  # the same form sent twice is the same update
    if form.get("data"):
        message_id = int(form["message"]) if form.get("message", "").isdigit() else 0
        pressed = kept.message(address, message_id)
        return press_update(update_id, address, now, form["data"], message_id,
                            pressed.text if pressed else "")
    if form.get("lat") or form.get("lon"):
        lat, lon = coordinate(form.get("lat", ""), 90), coordinate(form.get("lon", ""), 180)
        return message_update(update_id, address, now, location_content(lat, lon))
    text = form.get("text", "")[:MAX_TEXT]
    if form.get("photo"):
        return message_update(update_id, address, now, photo_content(PHOTO, text))
    if not text.strip():
        return None  # Telegram sends no empty message
    return message_update(update_id, address, now, text_content(text))


def coordinate(raw: str, limit: float) -> float:
    """Return a latitude or longitude typed in the form (a decimal comma is fine), else 400."""
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        abort(HTTPStatus.BAD_REQUEST, "not a location")
    if not math.isfinite(value) or abs(value) > limit:
        abort(HTTPStatus.BAD_REQUEST, "not a location")
    return value


def said(update: Update, form: MultiDict[str, str]) -> str:
    """Return how the transcript shows what the person sent."""
    message = update.message
    if update.callback_query is not None or message is None:
        return f"[{form.get('label', form.get('data', ''))[:200]}]"
    if message.location is not None:
        return f"\U0001f4cd {message.location.latitude:.5f}, {message.location.longitude:.5f}"
    if message.photo:
        return f"\U0001f5bc {message.caption or ''}".rstrip()
    return message.text or ""


def telegram_exchange(conversations: Conversations, kept: Transcripts,
                      form: MultiDict[str, str], address: str, nonce: str,
                      teacher: TeacherInfo | None) -> Exchange | None:
    """Answer the Telegram pane's form as the bot answers an update; None if nothing ran."""
    now = datetime.now(UTC)
    update = telegram_update(form, kept, address, nonce, now)
    if update is None:
        return None
    answer = answer_update(conversations, update, now, teacher=teacher)
    if answer.turn is not None and answer.turn.duplicate:
        return None
    lines = [Line(True, said(update, form))]
    for call in answer.calls:
        seen = shown(call)
        if seen is None:
            continue
        if seen.method == "answerCallbackQuery":
            lines.append(Line(False, seen.text, notice=True))
        elif not (seen.edit and seen.message_id is not None
                  and kept.edit(address, seen.message_id, seen)):
            lines.append(bot_line(seen, seen.message_id or kept.new_id()))
    return Exchange(lines, answer.turn.filed if answer.turn is not None else ())


def sms_exchange(conversations: Conversations, transliterate: bool,
                 form: MultiDict[str, str], address: str, nonce: str,
                 teacher: TeacherInfo | None) -> Exchange | None:
    """Answer the SMS pane's form as the webhook answers an SMS; None if nothing ran."""
    text = form.get("text", "")[:MAX_TEXT]
    if not text.strip():
        return None  # no phone sends an empty SMS from this pane
    # The form's nonce is the message id: a form sent twice is handled once, as on Twilio.
    answered = answer_sms(conversations, address, text, f"sim-{nonce}", datetime.now(UTC),
                          transliterate, teacher=teacher)
    if answered.turn.duplicate:
        return None
    return Exchange([Line(True, text)] + [
        Line(False, body, segments=segments(body), encoding="GSM-7" if is_gsm7(body) else "UCS-2")
        for body in answered.bodies], answered.turn.filed)

