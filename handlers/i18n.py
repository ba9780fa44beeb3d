"""Translatable text as data: the engine emits messages, adapters translate them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now."""
    return msgid


@dataclass(frozen=True)
class Msg:
    """A gettext msgid and the values to format into it once translated."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        """Freeze the params so that messages can be compared and hashed."""
        object.__setattr__(self, "params", dict(self.params))

    def __hash__(self) -> int:
        """Hash by msgid; params are compared by equality."""
        return hash((self.msgid, self.plural, self.count))


def msg(msgid: str, **params: Any) -> Msg:
    """Build a message from a msgid and named values."""
    return Msg(msgid, params)


def nmsg(singular: str, plural: str, count: int, **params: Any) -> Msg:
    """Build a message with singular and plural forms chosen by `count`."""
    return Msg(singular, {"num": count, **params}, plural=plural, count=count)


@dataclass(frozen=True)
class Verbatim:
    """Text that must not be translated: a reference, a place name, the user's own words."""

    text: str


@dataclass(frozen=True)
class PlaceName:
    """A municipality, named in the reader's language and in the case the translation asks for.

    A translation picks the form with a format spec: "komuna e {municipality:gen}",
    "në {municipality:loc}", "u {municipality:loc}" (see models/names.py for every spec).
    """

    code: str | None  # the municipality's code, e.g. "XK-07"
    fallback: str = ""  # the name to show when the code is unknown


@dataclass(frozen=True)
class ListOf:
    """Several texts joined as the language joins a list ("A, B and C")."""

    items: tuple[Msg | Verbatim, ...]


@dataclass(frozen=True)
class When:
    """A moment shown as the reader's locale writes a date and a 24-hour time."""

    at: datetime
