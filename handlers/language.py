"""Language choice: Albanian, Serbian or English, kept for every later message."""

from __future__ import annotations

from handlers.flow import Context
from handlers.i18n import Msg, Verbatim, msg
from handlers.keywords import LANGUAGE_WORDS
from handlers.steps import Choice, as_options, pick
from handlers.types import Reply
from routing.text import fold

LANGUAGES = (
    Choice("sq", Verbatim("Shqip"), ("shqip", "albanian", "sq")),
    Choice("sr", Verbatim("Srpski"), ("srpski", "serbian", "sr")),
    Choice("en", Verbatim("English"), ("english", "anglisht", "en")),
)


def language_question() -> Reply:
    """Ask which language to use, each option written in its own language."""
    return Reply((msg("Choose your language:"),), as_options(LANGUAGES))


def chosen_language(ctx: Context) -> str | None:
    """Return the language a message picks, or None when it picks none."""
    word = fold(ctx.inbound.text)
    if ctx.inbound.option is None and word in LANGUAGE_WORDS:
        return LANGUAGE_WORDS[word]
    found = pick(LANGUAGES, ctx)
    return None if isinstance(found, Msg) else found.key


def from_hint(hint: str | None) -> str | None:
    """Map a device language code (sq, sr-Latn, en-GB, ...) to one of ours."""
    if not hint:
        return None
    base = hint.replace("_", "-").split("-")[0].lower()
    return {"sq": "sq", "sr": "sr", "bs": "sr", "hr": "sr", "me": "sr", "en": "en"}.get(base)
