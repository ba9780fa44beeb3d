"""Telegram updates to the engine's Inbound, and rendered replies to sendMessage parameters.

Choices go out as an **inline keyboard** whose callback data is "o:" + the option key: the
press reaches the engine as the exact key, whatever the language or label, an old message's
button still means what it said, and forged data is just an option the step does not know
("please answer with one of the options"). The "o:" prefix keeps these apart from the alert
buttons of bot/callbacks.py ("ack:…", "proc:…", "done:…").

Where a place is asked, Telegram only offers "share location" on a **reply keyboard**, and a
message carries one keyboard, so that reply uses a one-time reply keyboard: the location
button first, then the option labels as text buttons (the engine matches labels too).
A reply without options removes any reply keyboard left from before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.render import keyboard_rows
from handlers.flow import Translator
from handlers.i18n import msg
from handlers.types import Inbound
from service.render import RenderedReply

CHANNEL = "telegram"
OPTION_PREFIX = "o:"
TEXT_LIMIT = 4096  # Telegram's limit on one message's text
# Telegram commands (as registered with set_my_commands) to the engine's own words.
COMMANDS: dict[str, str] = {
    "start": "menu",
    "ndihme": "ndihme",
    "anulo": "anulo",
    "gjuha": "gjuha",
    "statusi": "status",
    "sherbime": "sherbime",
}
# What Telegram shows in its command menu, in Albanian.
COMMAND_MENU: tuple[tuple[str, str], ...] = (
    ("start", "Fillo një raportim"),
    ("ndihme", "Ndihmë"),
    ("anulo", "Anulo"),
    ("gjuha", "Ndrysho gjuhën"),
    ("statusi", "Gjendja e raportit"),
    ("sherbime", "Ku të gjej ndihmë?"),
)
# The location button's label, per language (a button label, kept beside the adapter).
SHARE_LOCATION = msg("Share my location")


def share_label(translate: Translator, language: str) -> str:
    """Return the "share location" button's label in the person's language."""
    return "\U0001f4cd " + translate(SHARE_LOCATION, language)


def _command_text(text: str) -> tuple[str, bool]:
    """Return a /command rewritten into the engine's word (with its argument) and if known."""
    head, _, rest = text.strip().partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    word = COMMANDS.get(name)
    if word is None:
        return text, False
    return (f"{word} {rest.strip()}".strip(), True)


def _message_inbound(message: Message, base: dict[str, Any]) -> Inbound:
    """Return the Inbound of one ordinary message: text, command, pin, photo or unsupported."""
    if message.location is not None:
        where = (message.location.latitude, message.location.longitude)
        return Inbound(**base, kind="location", location=where)
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height,
                                                        size.file_size or 0))
        return Inbound(**base, kind="photo", photo=largest.file_id,
                       text=message.caption or "")
    if message.text is not None:
        if message.text.startswith("/"):
            text, known = _command_text(message.text)
            return Inbound(**base, kind="command" if known else "text", text=text)
        return Inbound(**base, text=message.text)
    # Stickers, voice, documents, contacts, videos...: the engine explains and asks again.
    return Inbound(**base, kind="unsupported")


def to_inbound(update: Update, now: datetime | None = None) -> Inbound | None:
    """Return the neutral message of an update, or None for update types the bot ignores."""
    at = now or datetime.now(UTC)
    user = update.effective_user
    hint = user.language_code if user is not None else None
    query = update.callback_query
    if query is not None:
        data = query.data or ""
        chat = query.message.chat if query.message is not None else None
        if not data.startswith(OPTION_PREFIX) or chat is None:
            return None
        return Inbound(CHANNEL, str(chat.id), at, language_hint=hint,
                       option=data[len(OPTION_PREFIX):])
    message = update.message
    if message is None:
        return None  # edited messages, channel posts, member changes...: not a conversation
    base: dict[str, Any] = {"channel": CHANNEL, "address": str(message.chat.id), "at": at,
                            "language_hint": hint}
    return _message_inbound(message, base)


def reply_markup(reply: RenderedReply, share_label: str
                 ) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove:
    """Return the keyboard of one reply (see the module docstring for the choice)."""
    rows = keyboard_rows(reply)
    if reply.ask_location:
        keys: list[list[KeyboardButton]] = [
            [KeyboardButton(share_label, request_location=True)]]
        keys.extend([KeyboardButton(label) for _, label in row] for row in rows)
        return ReplyKeyboardMarkup(keys, resize_keyboard=True, one_time_keyboard=True)
    if rows:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=OPTION_PREFIX + key)
              for key, label in row] for row in rows])
    return ReplyKeyboardRemove()


def send_parameters(chat_id: str, reply: RenderedReply, share_label: str) -> dict[str, Any]:
    """Return sendMessage's parameters for one reply (text cut to Telegram's limit)."""
    text = reply.text or "…"
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT - 1] + "…"
    return {"chat_id": chat_id, "text": text,
            "reply_markup": reply_markup(reply, share_label)}
