"""GSM-7 shaping: transliteration to the GSM alphabet and segment counting.

Every check works on whole strings with C-level set and translate operations: the alphabet is
read once from gsm0338's tables (the codec's own), so no character is ever encoded on its own.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import gsm0338  # noqa: F401  (importing registers the "gsm03.38" codec)
from gsm0338.charset import BASIC_CHARACTER_SET, BASIC_CHARACTER_SET_EXTENSION

CODEC = "gsm03.38"
# Letters of Albanian and Serbian Latin, and typography, replaced before the generic fallback;
# GSM-7 has neither ë nor the lower-case ç, and Unicode does not decompose đ.
SPELLING = str.maketrans({
    "ë": "e", "Ë": "E", "ç": "c", "Ç": "C",
    "š": "s", "Š": "S", "č": "c", "Č": "C", "ć": "c", "Ć": "C", "ž": "z", "Ž": "Z",
    "đ": "dj", "Đ": "Dj",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ",
    "\u2022": "-", "\u00b7": "-",
})
# Single-segment and per-part capacities of 3GPP TS 23.040: a concatenated part spends
# 7 septets (GSM-7) or 3 UCS-2 characters on its header.
GSM_SINGLE, GSM_PART = 160, 153
# The extension table's characters cost two septets (an escape and the character itself).
EXTENSION = frozenset(unicodedata.lookup(name) for name in BASIC_CHARACTER_SET_EXTENSION.values())
ALPHABET = EXTENSION | frozenset(unicodedata.lookup(name)
                                 for name in BASIC_CHARACTER_SET.values())
# Deleting the extension characters leaves the one-septet ones: the length lost is the extra.
WITHOUT_EXTENSION = str.maketrans(dict.fromkeys(EXTENSION))
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(text: str) -> bool:
    """Tell whether the text encodes in the GSM 03.38 alphabet (with its extension table)."""
    return ALPHABET.issuperset(text)


def transliterate(text: str) -> str:
    """Return the text with every character outside GSM-7 replaced by ASCII or dropped."""
    spelled = text.translate(SPELLING)
    if ALPHABET.issuperset(spelled):
        return spelled
    return "".join(char if char in ALPHABET else _fallback(char) for char in spelled)


@lru_cache(maxsize=4096)
def _fallback(char: str) -> str:
    """Return a character's GSM-7 stand-in: its letters without accents, else nothing."""
    decomposed = unicodedata.normalize("NFKD", char)
    ascii_form = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Emoji and scripts without an ASCII form vanish rather than turning the SMS into UCS-2.
    return ascii_form if ascii_form and ALPHABET.issuperset(ascii_form) else ""


def cost(text: str) -> int:
    """Return the text's length in its encoding: GSM-7 septets, else UTF-16 code units."""
    if ALPHABET.issuperset(text):
        return 2 * len(text) - len(text.translate(WITHOUT_EXTENSION))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def units(text: str) -> list[int]:
    """Return each character's cost: GSM-7 septets (extension characters 2), else UTF-16 units."""
    if is_gsm7(text):
        return [2 if char in EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def segments(text: str) -> int:
    """Return how many SMS segments the text takes, as a handset would send it."""
    # gsm0338 tells the alphabet and septet cost; no installed library counts segments,
    # so the fixed capacities above are applied here.
    gsm = is_gsm7(text)
    single, part = (GSM_SINGLE, GSM_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    if cost(text) <= single:
        return 1
    # Parts are filled character by character because an escape pair or a surrogate pair
    # is never split between parts; only texts over one segment get here.
    count, used = 1, 0
    for unit in units(text):
        if used + unit > part:
            count, used = count + 1, 0
        used += unit
    return count


def capacity(text: str, parts: int) -> int:
    """Return how many units fit in `parts` segments in the text's encoding."""
    gsm = is_gsm7(text)
    if parts == 1:
        return GSM_SINGLE if gsm else UCS2_SINGLE
    return parts * (GSM_PART if gsm else UCS2_PART)
