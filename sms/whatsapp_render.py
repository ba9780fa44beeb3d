"""Replies as WhatsApp shows them: the SMS layout (numbered options), no GSM-7 shaping.

A WhatsApp message holds up to 1,600 characters, so a turn's replies usually go as one
message, each reply a paragraph of its own: Twilio does not promise the order of several
<Message> elements, and one message keeps the question after what leads up to it. A longer
turn is split between replies, else between lines, else between words.
"""

from __future__ import annotations

from collections.abc import Iterable

from service.render import RenderedReply
from sms.render import sms_text

LIMIT = 1600  # characters in one WhatsApp message sent through Twilio


def whatsapp_messages(replies: Iterable[RenderedReply], limit: int = LIMIT) -> list[str]:
    """Return the WhatsApp bodies for a turn: as few as fit, split at the gentlest boundary."""
    pieces = [piece for reply in replies for piece in split_text(sms_text(reply), limit)]
    return pack(pieces, "\n\n", limit)


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Return one text as pieces within `limit`: whole lines where possible, else words."""
    if len(text) <= limit:
        return [text] if text.strip() else []
    lines = [part for line in text.split("\n") for part in split_line(line, limit)]
    return pack(lines, "\n", limit)


def split_line(line: str, limit: int) -> list[str]:
    """Return one over-long line cut between words (inside a word only when it must)."""
    if len(line) <= limit:
        return [line]
    pieces: list[str] = []
    rest = line
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit  # one enormous word: cut the word
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def pack(pieces: Iterable[str], joiner: str, limit: int) -> list[str]:
    """Join pieces (each within `limit`) into as few messages as fit, keeping their order."""
    messages: list[str] = []
    current = ""
    for piece in pieces:
        if not piece.strip():
            continue
        joined = f"{current}{joiner}{piece}" if current else piece
        if len(joined) <= limit:
            current = joined
            continue
        messages.append(current)
        current = piece
    if current:
        messages.append(current)
    return messages
