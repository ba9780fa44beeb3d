"""Text folding so that people may write without diacritics, in any case or script."""

from __future__ import annotations

import re
import unicodedata

# Serbian Cyrillic to Serbian Latin, so Урошевац and Uroševac meet.
_CYRILLIC = dict(
    zip(
        "абвгдђежзијклљмнњопрстћуфхцчџш",
        ["a", "b", "v", "g", "d", "dj", "e", "z", "z", "i", "j", "k", "l", "lj", "m", "n",
         "nj", "o", "p", "r", "s", "t", "c", "u", "f", "h", "c", "c", "dz", "s"],
        strict=True,
    )
)
# Letters that Unicode does not decompose into a base letter and a mark.
_SPECIAL = {"đ": "dj", "ß": "ss", "ø": "o", "ł": "l", "æ": "ae"}
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def _fold_char(char: str) -> str:
    """Return one lower-case character without its diacritics, in Latin script."""
    if char in _CYRILLIC:
        return _CYRILLIC[char]
    if char in _SPECIAL:
        return _SPECIAL[char]
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Latin-1, Latin Extended, combining marks and Cyrillic folded once: `fold` runs over every
# place name when the gazetteer is built, and str.translate does it in C.
_TABLE = {code: _fold_char(chr(code)) for code in range(0x80, 0x0530)
          if _fold_char(chr(code)) != chr(code)}


def fold(text: str) -> str:
    """Lower-case, drop diacritics, transliterate Cyrillic and squeeze punctuation to spaces."""
    lowered = text.casefold()
    folded = lowered.translate(_TABLE)
    if not folded.isascii():
        # Other scripts and symbols (emoji): the same rules, a character at a time.
        folded = "".join(_fold_char(char) for char in lowered)
    return _NON_WORD.sub(" ", folded).replace("_", " ").strip()
