"""Replies rendered in the person's language, still free of any channel's shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.flow import Translator
from handlers.types import Reply


@dataclass(frozen=True)
class RenderedReply:
    """One reply as text: paragraphs, then (key, label) options, ready for an adapter."""

    lines: tuple[str, ...]
    options: tuple[tuple[str, str], ...] = ()
    ask_location: bool = False
    skippable: bool = False

    @property
    def text(self) -> str:
        """Return the paragraphs joined as one message body."""
        return "\n".join(self.lines)

    def to_json(self) -> dict[str, Any]:
        """Return the reply as plain JSON, kept so that a retried message gets it again."""
        return {"lines": list(self.lines), "options": [list(o) for o in self.options],
                "ask_location": self.ask_location, "skippable": self.skippable}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RenderedReply:
        """Rebuild a stored reply."""
        return cls(tuple(str(line) for line in data.get("lines", [])),
                   tuple((str(k), str(v)) for k, v in data.get("options", [])),
                   bool(data.get("ask_location")), bool(data.get("skippable")))


def render(reply: Reply, translate: Translator, language: str) -> RenderedReply:
    """Translate a neutral reply into the person's language."""
    return RenderedReply(
        tuple(translate(line, language) for line in reply.lines),
        tuple((o.key, translate(o.label, language)) for o in reply.options),
        reply.ask_location, reply.skippable,
    )
