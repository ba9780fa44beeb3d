"""The one-line dropout flag: SITUATION CLASS INITIALS [DAYS] [REASON…], as teachers type it.

`BRAKTISJE 7A AK 12`, `mungese kl. 8b E.B. 5 dite`, `RREZIK VII A LM dy jave babai e merr ne
ndertim`. The reason's words are kept verbatim beside the reason recognised in them. A word
that fits nowhere stops the reading there: what follows is dropped, never stored, so a full
name written in place of the initials is not kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from handlers.categories import DROPOUT_REASONS
from handlers.pupil_answers import Read, class_at, days_at, pupil_at
from handlers.reasons import recognise
from routing.text import fold

# The first word (or two) of the one-line form, as teachers write it, in all three languages.
STATUS_WORDS: dict[str, str] = {
    "braktisje": "dropout", "braktisi": "dropout", "braktis": "dropout", "dropout": "dropout",
    "napustanje": "dropout", "napustio": "dropout", "napustila": "dropout",
    "mungese": "absence", "mungon": "absence", "mungesa": "absence", "absence": "absence",
    "izostanak": "absence", "absent": "absence",
    "paregjistruar": "not_enrolled", "mosregjistrim": "not_enrolled",
    "neupisan": "not_enrolled", "neupisana": "not_enrolled", "notenrolled": "not_enrolled",
    "rrezik": "at_risk", "rrezikbraktisje": "at_risk", "rizik": "at_risk", "risk": "at_risk",
}
STATUS_PAIRS: dict[tuple[str, str], str] = {
    ("pa", "regjistruar"): "not_enrolled", ("i", "paregjistruar"): "not_enrolled",
    ("e", "paregjistruar"): "not_enrolled", ("not", "enrolled"): "not_enrolled",
    ("ne", "rrezik"): "at_risk", ("at", "risk"): "at_risk", ("u", "riziku"): "at_risk",
}
FIRST_WORDS = frozenset(STATUS_WORDS) | {first for first, _ in STATUS_PAIRS}
# Long enough for the reason in a sentence or two; a longer text is explained, not guessed.
MAX_LINE = 400
_WORD = re.compile(r"[^\W_]+")
_OPTION_WORDS = frozenset(fold(word) for choice in DROPOUT_REASONS
                          for word in (*choice.words, choice.key))


@dataclass(frozen=True)
class Flag:
    """What a one-line flag said, and how long it was."""

    answers: dict[str, Any]
    length: int

    @property
    def too_long(self) -> bool:
        """Tell whether the line is longer than a flag may be."""
        return self.length > MAX_LINE

    @property
    def clear(self) -> bool:
        """Tell whether it plainly is a flag: a class with its section and the pupil."""
        answers = self.answers
        return "pupil" in answers and not str(answers.get("class", "")).isdigit()


def read_line(text: str) -> Flag | None:
    """Read the one-line form; None when the message is not one."""
    first = _WORD.search(text[:40])
    if first is None or fold(first.group()) not in FIRST_WORDS:
        return None  # the quick way out for nearly every message
    text = unicodedata.normalize("NFC", text.strip())
    spans = list(_WORD.finditer(text))
    written = [m.group() for m in spans]
    tokens = [fold(word) or word for word in written]
    status, at = _status(tokens)
    if status is None:
        return None
    answers: dict[str, Any] = {"status": status}
    if at == len(tokens):
        return Flag(answers, len(text))
    after = _class_and_pupil(tokens, written, at, answers)
    if after is None:
        return None
    if {"class", "pupil"} <= answers.keys():
        _days_and_reason(text, spans, tokens, after, answers)
    return Flag(answers, len(text))


def _status(tokens: list[str]) -> tuple[str | None, int]:
    """Return the situation the first word or two name, and where the rest begins."""
    if len(tokens) > 1 and (tokens[0], tokens[1]) in STATUS_PAIRS:
        return STATUS_PAIRS[(tokens[0], tokens[1])], 2
    return STATUS_WORDS.get(tokens[0]), 1


def _class_and_pupil(tokens: list[str], written: list[str], at: int,
                     answers: dict[str, Any]) -> int | None:
    """Read the class then the pupil (or the pupil then the class); None if neither is there."""
    found: Read | None = class_at(tokens, at, strict=True)
    if found is not None:
        answers["class"] = found.value
        pupil = pupil_at(tokens, at + found.used, written)
        if pupil is None and found.used > 1:
            # "7 A K": class 7 and pupil AK rather than class 7A and a lone K.
            shorter = class_at(tokens[:at + found.used - 1], at, strict=True)
            retry = pupil_at(tokens, at + found.used - 1, written) if shorter else None
            if shorter is not None and retry is not None:
                found, pupil = shorter, retry
                answers["class"] = found.value
        if pupil is None:
            return at + found.used  # what follows may be a name: it is not read on
        answers["pupil"] = pupil.value
        return at + found.used + pupil.used
    found = pupil_at(tokens, at, written)
    after = class_at(tokens, at + found.used, strict=True) if found else None
    if found is None or after is None:
        return None
    answers.update(pupil=found.value, **{"class": after.value})
    return at + found.used + after.used


def _days_and_reason(text: str, spans: list[re.Match[str]], tokens: list[str], at: int,
                     answers: dict[str, Any]) -> None:
    """Read the days absent, then keep the rest verbatim as the reason's words."""
    days = days_at(tokens, at)
    if days is not None:
        if days.days > 365:
            return
        answers["days"] = days.days
        at += days.used
    if at >= len(tokens):
        return
    words = text[spans[at].start():].strip()
    answers["reason"] = recognise(words) or "unknown"
    if " ".join(tokens[at:]) not in _OPTION_WORDS:
        answers["reason_text"] = words
