"""One inbound WhatsApp message (Twilio's form) answered: the one path of every WhatsApp message.

Twilio posts WhatsApp messages with the same form as SMS, the numbers prefixed `whatsapp:`,
plus a shared pin (`Latitude`, `Longitude`), media (`NumMedia`, `MediaUrl0`,
`MediaContentType0`) and a pressed template button (`ButtonPayload`). This module only
translates: the form into the engine's Inbound, the turn's replies into WhatsApp bodies.
The conversation, the opt-out words and the once-per-MessageSid rule are the SMS ones.
The webhook, `sinjalizo chat --channel whatsapp` and the dashboard simulator's WhatsApp pane
all answer through `answer_whatsapp`, so what a trainer sees is what a phone receives.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.types import Inbound, TeacherInfo
from models.phones import normalize_phone
from service.conversation import Conversations, Turn
from sms import optout
from sms.whatsapp_render import whatsapp_messages

CHANNEL = "whatsapp"
PREFIX = "whatsapp:"
STICKER = "image/webp"  # WhatsApp stickers come as WebP images; photos as JPEG or PNG


@dataclass(frozen=True)
class WhatsAppAnswer:
    """The turn a WhatsApp message ran, and the WhatsApp bodies that answer it."""

    turn: Turn
    bodies: tuple[str, ...]


def is_whatsapp(address: str) -> bool:
    """Tell whether a Twilio address names a WhatsApp number (`whatsapp:+383…`)."""
    return address.strip().lower().startswith(PREFIX)


def whatsapp_number(address: str) -> str:
    """Return the E.164 number of a Twilio WhatsApp address, with or without its prefix.

    :raise ValueError: when it is not a phone number.
    """
    text = address.strip()
    if is_whatsapp(text):
        text = text[len(PREFIX):]
    return normalize_phone(text)


def whatsapp_address(number: str) -> str:
    """Return a number as Twilio addresses it on WhatsApp (`whatsapp:+383…`)."""
    return number if is_whatsapp(number) else PREFIX + number.strip()


def parse_whatsapp(form: Mapping[str, str], at: datetime) -> tuple[Inbound, str]:
    """Return the engine's message and the MessageSid of Twilio's WhatsApp form.

    :raise ValueError: when the sender or the MessageSid is missing or not usable.
    """
    sid = form.get("MessageSid", "").strip()
    if not sid:
        raise ValueError("missing MessageSid")
    if not form.get("From", "").strip():
        raise ValueError("missing From")
    return whatsapp_inbound(form, whatsapp_number(form["From"]), at), sid


def whatsapp_inbound(form: Mapping[str, str], address: str, at: datetime) -> Inbound:
    """Return the engine's message for Twilio's WhatsApp form, sent from a known `address`.

    The simulator's WhatsApp pane calls it with its made-up number, which no operator gives
    out and so is no valid phone number for `parse_whatsapp` to read from `From`.
    """
    base: dict[str, Any] = {"channel": CHANNEL, "address": address, "at": at}
    where = pin_of(form)
    if where is not None:
        return Inbound(**base, kind="location", location=where)
    body = form.get("Body", "")
    if media_count(form) > 0:
        kind = form.get("MediaContentType0", "").strip().lower()
        url = form.get("MediaUrl0", "").strip()
        if kind.startswith("image/") and kind != STICKER and url:
            return Inbound(**base, kind="photo", photo=url, text=body)
        # Stickers, voice notes, videos, documents: the engine explains and asks again.
        return Inbound(**base, kind="unsupported")
    # A template's quick-reply button sends its payload (e.g. "OK R-7K3M9Q") with its label.
    button = form.get("ButtonPayload", "").strip()
    return Inbound(**base, text=button or body)


def pin_of(form: Mapping[str, str]) -> tuple[float, float] | None:
    """Return the (lat, lon) of a shared location, or None when there is no usable one."""
    try:
        lat, lon = float(form.get("Latitude", "")), float(form.get("Longitude", ""))
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None
    return lat, lon


def media_count(form: Mapping[str, str]) -> int:
    """Return how many media the message says it carries (0 when unreadable)."""
    try:
        return max(0, int(form.get("NumMedia", "0") or 0))
    except ValueError:
        return 0


def answer_whatsapp(conversations: Conversations, message: Inbound, message_id: str, *,
                    teacher: TeacherInfo | None = None) -> WhatsAppAnswer:
    """Run one WhatsApp message through the opt-out gate and the conversation; return bodies.

    A repeated `message_id` (Twilio's retry) gets the same answer and has no second effect.
    `teacher` is the terminal's stand-in teacher, if any.
    """
    turn = conversations.handle(message, external_id=message_id,
                                gate=optout.gate_for(conversations), teacher=teacher)
    return WhatsAppAnswer(turn, tuple(whatsapp_messages(turn.replies)))
