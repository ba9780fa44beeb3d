"""Telegram updates as Telegram delivers them, built from what someone does in a practice chat.

`sinjalizo chat --channel telegram` and the dashboard simulator's Telegram pane write each
message as the Bot API's JSON and parse it with PTB, as the webhook does, then answer it with
bot/updates.py, so that nothing differs from Telegram but who typed it. Their update ids are
negative: Telegram's are positive, so a practice update is never taken for a real one (the
update id is the message id that makes a redelivery idempotent).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from telegram import Update

CALLBACK_DATA_LIMIT = 64  # bytes Telegram allows in a button's callback data
PHOTO_SIZES = ((90, 68, "small-"), (1280, 960, ""))  # Telegram sends several sizes


def update_id_from(nonce: str) -> int:
    """Return the negative update id standing for a hex nonce (the same nonce, the same id)."""
    return -int(nonce, 16) - 1


def new_update_id() -> int:
    """Return a fresh negative update id."""
    return -secrets.randbits(62) - 1


def sender(chat_id: int | str, language: str | None = None) -> dict[str, Any]:
    """Return the "from" of a private chat's messages: the person, whose id is the chat's."""
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Sinjalizo practice"}
    if language:
        user["language_code"] = language
    return user


def message_update(update_id: int, chat_id: int | str, at: datetime, content: dict[str, Any],
                   language: str | None = None) -> Update:
    """Return a private message's update with the given content (text, location, photo)."""
    return _parsed({"update_id": update_id, "message": {
        "message_id": abs(update_id) % 2**31, "date": int(at.timestamp()),
        "from": sender(chat_id, language), "chat": {"id": chat_id, "type": "private"},
        **content}})


def text_content(text: str) -> dict[str, Any]:
    """Return a text message's content; a leading /command is marked as Telegram marks it."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/") and len(text) > 1:
        length = len(text.split(maxsplit=1)[0])
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return content


def location_content(lat: float, lon: float) -> dict[str, Any]:
    """Return a shared location's content."""
    return {"location": {"latitude": lat, "longitude": lon}}


def photo_content(file_id: str, caption: str = "") -> dict[str, Any]:
    """Return a photo's content: the sizes Telegram sends, the caption if any."""
    sizes = [{"file_id": prefix + file_id, "file_unique_id": f"{prefix}{file_id}"[:32],
              "width": width, "height": height} for width, height, prefix in PHOTO_SIZES]
    return {"photo": sizes, **({"caption": caption} if caption else {})}


def press_update(update_id: int, chat_id: int | str, at: datetime, data: str,
                 message_id: int, message_text: str, language: str | None = None) -> Update:
    """Return the update of a press on a button of the bot's message `message_id`."""
    message = {"message_id": message_id, "date": int(at.timestamp()),
               "chat": {"id": chat_id, "type": "private"}, "text": message_text or "…"}
    return _parsed({"update_id": update_id, "callback_query": {
        "id": str(abs(update_id)), "from": sender(chat_id, language),
        "chat_instance": str(chat_id), "message": message,
        "data": data.encode()[:CALLBACK_DATA_LIMIT].decode(errors="ignore")}})


def _parsed(data: dict[str, Any]) -> Update:
    """Return the update PTB parses from Bot API JSON, as the webhook parses it."""
    update = Update.de_json(data, None)
    assert update is not None
    return update
