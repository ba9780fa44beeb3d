"""`sinjalizo chat --channel telegram`: each line is one Telegram update through the bot's path.

A line becomes the update Telegram would deliver (bot/typed.py) and is answered by
bot/updates.py as polling and the webhook answer it; the terminal prints the calls the bot
would make (bot/shown.py). Besides text and commands (`/start`, `/lidh CODE`, ...):
`/location LAT LON` shares a pin, `/photo [FILE_ID]` sends a photo, and `[button]` presses a
button by its label or key: inline buttons of the latest message that has it, or the reply
keyboard's text buttons.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import UTC, datetime
from itertools import count

from telegram import Update

from bot.adapter import OPTION_PREFIX
from bot.shown import Rows, Shown, shown
from bot.typed import (
    location_content,
    message_update,
    new_update_id,
    photo_content,
    press_update,
    text_content,
)
from bot.updates import Call, answer_update
from handlers.types import TeacherInfo
from routing.text import fold
from service.conversation import Conversations
from sinjalizo.cli.chat_alerts import queued_alerts

PRESS = re.compile(r"^\[(.+)\]$")
KEPT_MESSAGES = 50  # messages whose buttons can still be pressed
SHARE_HINT = "(type /location LAT LON)"


class TelegramChat:
    """One Telegram chat with the bot, printing what the bot would send it."""

    def __init__(self, conversations: Conversations, chat_id: int, base_url: str,
                 teacher: TeacherInfo | None = None) -> None:
        self.conversations = conversations
        self.chat_id = chat_id
        self.base_url = base_url
        self.teacher = teacher
        self.messages: OrderedDict[int, Shown] = OrderedDict()
        self.ids = count(1)  # message ids, as Telegram numbers the bot's messages
        self.last_alert = 0  # the last outbox alert shown

    def say(self, line: str) -> list[str]:
        """Send one typed line; return what the chat shows, then any alert that came in."""
        update = self.update_of(line.strip(), datetime.now(UTC))
        if isinstance(update, str):
            return [update]
        answer = answer_update(self.conversations, update, teacher=self.teacher)
        return self.show(answer.calls) + self.alerts()

    def alerts(self) -> list[str]:
        """Show the alerts queued for this chat since the last look."""
        out: list[str] = []
        for outbox_id, alert in queued_alerts(
                self.conversations.db, str(self.chat_id), self.last_alert, datetime.now(UTC),
                self.conversations.translate, self.base_url):
            self.last_alert = outbox_id
            number = self.keep(alert)
            out.append(render(f"#{number} alert (the worker sends it)", alert))
        return out

    def update_of(self, line: str, at: datetime) -> Update | str:
        """Return the update a typed line stands for, or a hint when it stands for none."""
        words = line.split()
        update_id = new_update_id()
        if words[:1] == ["/location"]:
            try:
                lat, lon = float(words[1]), float(words[2])
            except (IndexError, ValueError):
                return "Type /location LAT LON, e.g. /location 42.6265 20.8939"
            return message_update(update_id, self.chat_id, at, location_content(lat, lon))
        if words[:1] == ["/photo"]:
            file_id = words[1] if len(words) > 1 else f"cli-photo-{abs(update_id)}"
            return message_update(update_id, self.chat_id, at, photo_content(file_id))
        pressed = PRESS.match(line)
        if pressed:
            return self.press(pressed.group(1), update_id, at)
        if not line:
            return "(Telegram sends no empty message)"
        return message_update(update_id, self.chat_id, at, text_content(line))

    def press(self, wanted: str, update_id: int, at: datetime) -> Update | str:
        """Return the press of the newest button matching `wanted` (label, key, or part)."""
        key = fold(wanted)
        for message_id in reversed(self.messages):
            message = self.messages[message_id]
            data = matching(message.buttons, key)
            if data is not None:
                return press_update(update_id, self.chat_id, at, data, message_id,
                                    message.text)
            if message.share and key == fold(message.share):
                return f"The location button shares a pin: {SHARE_HINT}"
            label = next((label for row in message.keys for label in row
                          if key == fold(label)), None)
            if label is not None:
                # A reply keyboard's button sends its label as the person's message.
                return message_update(update_id, self.chat_id, at, text_content(label))
        return f"No button [{wanted}] on the messages above."

    def show(self, calls: list[Call]) -> list[str]:
        """Return each call as the chat shows it, remembering messages for later presses."""
        out: list[str] = []
        for call in calls:
            seen = shown(call)
            if seen is None:
                continue
            if seen.method == "answerCallbackQuery":
                out.append(f"(button answer) {seen.text}")
            elif seen.edit and seen.message_id is not None:
                self.messages[seen.message_id] = seen
                out.append(render(f"#{seen.message_id} edited", seen))
            else:
                out.append(render(f"#{self.keep(seen)}", seen))
        return out

    def keep(self, message: Shown) -> int:
        """Number a new message of the bot and keep it for presses; return its number."""
        number = next(self.ids)
        self.messages[number] = message
        while len(self.messages) > KEPT_MESSAGES:
            self.messages.popitem(last=False)
        return number


def matching(buttons: Rows, key: str) -> str | None:
    """Return the callback data of the button whose key or label is `key` (folded), if any.

    Failing that, the one button whose label has it as whole words: `[rrezik publik]`.
    """
    flat = [(data, label) for row in buttons for data, label in row]
    for data, label in flat:
        if key in (fold(data), fold(data.removeprefix(OPTION_PREFIX)), fold(label)):
            return data
    partial = [data for data, label in flat if key and f" {key} " in f" {fold(label)} "]
    return partial[0] if len(partial) == 1 else None


def render(title: str, message: Shown) -> str:
    """Return a message as text: its title and text, inline buttons, then a reply keyboard."""
    lines = [f"{title}: {message.text}"]
    lines += ["  " + "  ".join(f"[{label}]" for _data, label in row) for row in message.buttons]
    if message.share or message.keys:
        keys = [f"[{message.share}] {SHARE_HINT}"] if message.share else []
        keys += [f"[{label}]" for row in message.keys for label in row]
        lines.append("  keyboard: " + "  ".join(keys))
    return "\n".join(lines)
