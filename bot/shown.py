"""What a Telegram chat shows for the Bot API calls answering an update.

For the practice chats (the terminal and the simulator), which show rather than send:
a sent message with its inline buttons or its reply keyboard (text buttons and the
share-location button), the text of a button's answer, a message edited in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import TelegramObject

from bot.updates import Call

Rows = tuple[tuple[tuple[str, str], ...], ...]  # inline buttons: rows of (callback data, label)
Keys = tuple[tuple[str, ...], ...]  # a reply keyboard's text buttons: rows of labels
EDITS = frozenset({"editMessageText", "editMessageCaption"})


@dataclass(frozen=True)
class Shown:
    """One call as the chat shows it."""

    method: str  # sendMessage | answerCallbackQuery | editMessageText | editMessageCaption
    text: str
    buttons: Rows = ()
    keys: Keys = ()
    share: str = ""  # the share-location button's label, when the keyboard has one
    message_id: int | None = None  # the message an edit changes

    @property
    def edit(self) -> bool:
        """Tell whether this changes a message already shown."""
        return self.method in EDITS


def shown(call: Call) -> Shown | None:
    """Return how the chat shows a call; None when it shows nothing (a silent answer)."""
    parameters = call.parameters
    if call.method == "answerCallbackQuery":
        text = str(parameters.get("text") or "")
        return Shown(call.method, text) if text else None
    text = str(parameters.get("text") or parameters.get("caption") or "")
    buttons, keys, share = markup(parameters.get("reply_markup"))
    message_id = parameters.get("message_id")
    return Shown(call.method, text, buttons, keys, share,
                 int(message_id) if isinstance(message_id, int) else None)


def markup(value: Any) -> tuple[Rows, Keys, str]:
    """Return the inline buttons, the reply keyboard's text buttons and its location button."""
    data = value.to_dict() if isinstance(value, TelegramObject) else value
    if not isinstance(data, dict):
        return (), (), ""
    buttons = tuple(tuple((str(b.get("callback_data", "")), str(b.get("text", "")))
                          for b in row) for row in data.get("inline_keyboard", ()))
    share = ""
    keys: list[tuple[str, ...]] = []
    for row in data.get("keyboard", ()):
        labels: list[str] = []
        for button in row:
            if button.get("request_location"):
                share = str(button.get("text", ""))
            else:
                labels.append(str(button.get("text", "")))
        if labels:
            keys.append(tuple(labels))
    return buttons, tuple(keys), share
