"""The simulator's transcripts: what each practice address said and was sent, kept in memory.

At most 200 conversations of 60 lines: a restart of the server forgets what was said, not
where one is (the conversation state is in the database like any other).
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from itertools import count

from bot.shown import Keys, Rows, Shown

MAX_CONVERSATIONS, MAX_LINES = 200, 60


@dataclass(frozen=True)
class Line:
    """One message in a pane: who said it, the text, and what goes with it."""

    mine: bool
    text: str
    buttons: Rows = ()  # inline buttons: rows of (callback data, label)
    keys: Keys = ()  # a reply keyboard's text buttons
    share: str = ""  # the share-location button's label, when the reply asks for a place
    message_id: int = 0  # the bot's message id in the chat, for presses and edits
    edited: bool = False  # changed in place since it was sent
    notice: bool = False  # a button's answer, shown as Telegram's brief notice
    segments: int = 0  # an SMS's segments (0: not an SMS)
    encoding: str = ""  # an SMS's encoding: GSM-7 or UCS-2
    characters: int = 0  # a WhatsApp message's length (0: not a WhatsApp message)


def bot_line(message: Shown, message_id: int) -> Line:
    """Return a Telegram message of the bot as a transcript line."""
    return Line(False, message.text or "…", message.buttons, message.keys, message.share,
                message_id)


@dataclass
class Transcripts:
    """The last lines of each simulator address, for a bounded number of addresses."""

    lines: OrderedDict[str, deque[Line]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: count[int] = field(default_factory=lambda: count(1))

    def add(self, address: str, *new: Line) -> None:
        """Append lines to an address's transcript, forgetting the least recent address if full."""
        with self.lock:
            found = self.lines.setdefault(address, deque(maxlen=MAX_LINES))
            self.lines.move_to_end(address)
            found.extend(new)
            while len(self.lines) > MAX_CONVERSATIONS:
                self.lines.popitem(last=False)

    def new_id(self) -> int:
        """Return a message id no transcript line has yet."""
        with self.lock:
            return next(self.ids)

    def message(self, address: str, message_id: int) -> Line | None:
        """Return the bot's message of that id in an address's transcript, if still kept."""
        with self.lock:
            return next((line for line in self.lines.get(address, ())
                         if line.message_id == message_id and not line.mine), None)

    def edit(self, address: str, message_id: int, edited: Shown) -> bool:
        """Change a kept message as Telegram edits it in place; tell whether it was kept."""
        with self.lock:
            kept = self.lines.get(address, deque())
            for index, line in enumerate(kept):
                if line.message_id == message_id and not line.mine:
                    kept[index] = replace(line, text=edited.text, buttons=edited.buttons,
                                          edited=True)
                    return True
            return False

    def of(self, address: str) -> list[Line]:
        """Return an address's transcript, oldest line first."""
        with self.lock:
            return list(self.lines.get(address, ()))

    def forget(self, address: str) -> None:
        """Drop an address's transcript."""
        with self.lock:
            self.lines.pop(address, None)
