"""Dialog tables: (what the person sends, what the reply must contain), replayed turn by turn."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from handlers.types import Inbound
from locales import Catalogs
from service.conversation import Conversations, Turn
from sms.render import sms_text

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Row = tuple[str, str | tuple[str, ...]]


@dataclass
class Chat:
    """One person talking to the service; the clock moves 20 seconds per message."""

    service: Conversations
    catalogs: Catalogs
    channel: str = "sms"
    address: str = "+38344999001"
    now: datetime = START
    language_hint: str | None = None
    turns: list[Turn] = field(default_factory=list)

    def inbound(self, said: str) -> Inbound:
        """Build the message: text, or /location LAT LON, /photo, [option-key]."""
        words = said.split()
        if words[:1] == ["/location"]:
            return Inbound(self.channel, self.address, self.now, kind="location",
                           location=(float(words[1]), float(words[2])))
        if words[:1] == ["/photo"]:
            return Inbound(self.channel, self.address, self.now, kind="photo",
                           photo=words[1] if len(words) > 1 else "PHOTO-1")
        if words[:1] == ["/sticker"]:
            return Inbound(self.channel, self.address, self.now, kind="unsupported")
        if said.startswith("[") and said.endswith("]") and " " not in said:
            return Inbound(self.channel, self.address, self.now, option=said[1:-1])
        return Inbound(self.channel, self.address, self.now, said,
                       language_hint=self.language_hint)

    def send(self, said: str, external_id: str | None = None) -> str:
        """Send one message (or `/wait MINUTES`) and return the replies as the SMS reads them."""
        if said.startswith("/wait "):
            self.now += timedelta(minutes=float(said.split()[1]))
            return ""
        self.now += timedelta(seconds=20)
        turn = self.service.handle(self.inbound(said), external_id)
        self.turns.append(turn)
        return "\n".join(sms_text(reply) for reply in turn.replies)

    def expects(self, text: str, wanted: str, language: str) -> bool:
        """Tell whether a reply contains a fragment, literally or as a translated msgid."""
        if wanted.casefold() in text.casefold():
            return True
        # A msgid with placeholders matches when every fixed piece of its translation is there.
        pieces = re.split(r"\{[^}]*\}", self.catalogs.gettext(wanted, language))
        return all(p.strip().casefold() in text.casefold() for p in pieces if p.strip())

    def replay(self, table: Iterable[Row]) -> list[str]:
        """Play a dialog table, failing on the first reply that lacks what it must contain."""
        replies = []
        for said, wanted in table:
            text = self.send(said)
            language = self.turns[-1].language if self.turns else "sq"
            for fragment in (wanted,) if isinstance(wanted, str) else wanted:
                assert self.expects(text, fragment, language), (
                    f"after {said[:60]!r} expected {fragment!r} in:\n{text}")
            replies.append(text)
        return replies


def references(chat: Chat) -> list[str]:
    """Return the references of the reports this chat filed."""
    return [ref for turn in chat.turns for ref in turn.filed]


def rows(*pairs: Row) -> Sequence[Row]:
    """Return a dialog table (a readable alias for a tuple of rows)."""
    return pairs
