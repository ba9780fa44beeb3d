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


def fold(text: str) -> str:
    """Lower-case, drop diacritics, transliterate Cyrillic and squeeze punctuation to spaces."""
    lowered = text.casefold()
    out: list[str] = []
    for char in lowered:
        if char in _CYRILLIC:
            out.append(_CYRILLIC[char])
        elif char in _SPECIAL:
            out.append(_SPECIAL[char])
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return _NON_WORD.sub(" ", "".join(out)).replace("_", " ").strip()
