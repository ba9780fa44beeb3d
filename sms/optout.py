"""SMS opt-out: STOP/NDALO records it, START/FILLO clears it, and nothing goes to opted-out numbers.

Twilio's own opt-out words on long codes are STOP, STOPALL, UNSUBSCRIBE, CANCEL, END and QUIT:
Twilio blocks further messages to a number that sent any of them, whatever we do. So CANCEL
is an opt-out on SMS too (as one word on its own), recorded here so that our state matches the
carrier's; the engine's cancel-the-draft word on SMS is ANULO (Serbian OTKAZI). HELP, INFO and
NDIHME are left to the engine's help.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from handlers.flow import Translator
from handlers.i18n import Msg, msg
from handlers.types import Inbound
from models import Contact
from models import optout as shared
from routing.text import fold
from service.conversation import Conversations, Gate
from service.render import RenderedReply

CHANNEL = "sms"
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "ndalo"})
# Twilio also re-subscribes on YES and UNSTOP; they matter only to an opted-out number.
START_WORDS = frozenset({"start", "fillo", "unstop", "yes"})
STOPPED = msg("You will get no more messages from Sinjalizo. To start again, write START.")
RESTARTED = msg("Messages from Sinjalizo are on again. Write MENU to start.")
Keyword = Literal["stop", "start"]


def keyword_of(text: str) -> Keyword | None:
    """Return "stop" or "start" when the whole message is one such word, else None."""
    words = fold(text).split()
    if len(words) != 1:
        return None
    if words[0] in STOP_WORDS:
        return "stop"
    return "start" if words[0] in START_WORDS else None


def find_contact(session: Session, phone: str) -> Contact | None:
    """Return the SMS contact of a phone number, if it ever wrote or was written to."""
    return shared.find_contact(session, CHANNEL, phone)


def is_opted_out(session: Session, phone: str) -> bool:
    """Tell whether the number has opted out of SMS."""
    return shared.is_opted_out(session, CHANNEL, phone)


def mark_opted_out(session: Session, phone: str, now: datetime) -> Contact:
    """Record that the number opted out (a STOP, or Twilio error 21610), creating its contact."""
    return shared.mark_opted_out(session, CHANNEL, phone, now)


def clear_opt_out(session: Session, phone: str) -> bool:
    """Let the number receive messages again; tell whether it had opted out."""
    return shared.clear_opt_out(session, CHANNEL, phone)


def screen(session: Session, phone: str, text: str, now: datetime, translate: Translator,
           default_language: str, opted_out: bool | None = None,
           channel: str = CHANNEL) -> tuple[RenderedReply, ...] | None:
    """Answer opt-out words and silence opted-out numbers; None lets the engine take the message.

    `opted_out` is whether the number had opted out, when the caller read it already;
    `channel` is "sms" or "whatsapp" (the same words, each channel its own opt-out).
    """
    word = keyword_of(text)
    if word == "stop":
        contact = shared.mark_opted_out(session, channel, phone, now)
        return (confirmation(STOPPED, contact, translate, default_language),)
    if word == "start":
        if shared.clear_opt_out(session, channel, phone):
            again = shared.find_contact(session, channel, phone)
            return (confirmation(RESTARTED, again, translate, default_language),)
        return None
    if opted_out is None:
        opted_out = shared.is_opted_out(session, channel, phone)
    return () if opted_out else None


def confirmation(message: Msg, contact: Contact | None, translate: Translator,
                 default_language: str) -> RenderedReply:
    """Render a confirmation in the contact's language."""
    language = (contact.language if contact else None) or default_language
    return RenderedReply((translate(message, language),))


def gate_for(conversations: Conversations) -> Gate:
    """Return the SMS (and WhatsApp) gate of a conversation service: `screen` in the turn.

    The message's own channel names the opt-out it records or clears.
    """

    def gate(session: Session, message: Inbound,
             opted_out: bool) -> tuple[RenderedReply, ...] | None:
        """Screen for opt-out words and opted-out numbers before the engine sees the message."""
        return screen(session, message.address, message.text, message.at,
                      conversations.translate, conversations.default_language, opted_out,
                      message.channel)

    return gate
