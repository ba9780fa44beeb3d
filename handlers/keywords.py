"""Words that work at any step, in any case and without diacritics, in sq, sr and en."""

from __future__ import annotations

import re
from dataclasses import dataclass

from routing.text import fold

# Each command's words in Albanian, Serbian (Latin, folded) and English; "/x" forms come
# from Telegram's command menu.
WORDS: dict[str, frozenset[str]] = {
    "cancel": frozenset({"anulo", "anuloj", "cancel", "otkazi", "prekini", "abort"}),
    "help": frozenset({"ndihme", "ndihma", "help", "pomoc", "info", "?"}),
    "status": frozenset({"status", "statusi", "gjendja"}),
    "language": frozenset({"gjuha", "language", "jezik", "lang", "gjuhe"}),
    "menu": frozenset({"start", "menu", "menyja", "meny", "meni", "fillim", "kryefaqja"}),
    "back": frozenset({"prapa", "kthehu", "back", "nazad", "mbrapa"}),
    "services": frozenset({"sherbime", "sherbimet", "sherbim", "usluge", "usluga",
                           "services", "service"}),
    # Awareness messages (handlers/subscribe.py). STOP reaches here only from Telegram: on SMS
    # the channel takes it first, as the opt-out from every message.
    "subscribe": frozenset({"abonohu", "abonim", "abonoj", "abonohem", "pretplata",
                            "pretplati", "pretplatime", "subscribe"}),
    "unsubscribe": frozenset({"ck", "cabonohu", "stop", "odjava", "odjavi",
                              "unsubscribe"}),
}
LANGUAGE_WORDS: dict[str, str] = {
    "sq": "sq", "shqip": "sq", "albanian": "sq", "albanski": "sq",
    "sr": "sr", "srpski": "sr", "serbian": "sr", "serbisht": "sr", "srp": "sr",
    "en": "en", "english": "en", "anglisht": "en", "engleski": "en",
}
REFERENCE = re.compile(r"\bR[\s\-_.]?([0-9A-Z]{6})\b", re.IGNORECASE)
# Long texts are answers, not commands; only look at short messages for keywords.
MAX_COMMAND_LENGTH = 40


@dataclass(frozen=True)
class Command:
    """A global keyword found in a message, with its argument if any."""

    name: str
    argument: str = ""


def find_reference(text: str) -> str | None:
    """Return a report reference written in the text, normalised as R-XXXXXX."""
    found = REFERENCE.search(text)
    return f"R-{found.group(1).upper()}" if found else None


def command_of(text: str) -> Command | None:
    """Return the global command a message is, or None when it is an ordinary answer."""
    raw = text.strip()
    if not raw or len(raw) > MAX_COMMAND_LENGTH:
        return None
    if raw == "?":
        return Command("help")
    words = fold(raw.lstrip("/").split("@", 1)[0] if raw.startswith("/") else raw).split()
    if not words:
        return None
    head, rest = words[0], words[1:]
    for name, names in WORDS.items():
        if head not in names:
            continue
        if name == "status":
            reference = find_reference(raw)
            if rest and reference is None:
                return None
            return Command(name, reference or "")
        if name == "services":
            return Command(name, " ".join(rest))  # the need may follow: SHERBIME psikolog
        if name == "language":
            if len(rest) > 1 or (rest and rest[0] not in LANGUAGE_WORDS):
                return None
            return Command(name, LANGUAGE_WORDS[rest[0]] if rest else "")
        return Command(name) if not rest else None
    return None
