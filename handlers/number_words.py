"""Whole numbers as people write them: digits, or words in Albanian, Serbian and English.

Tokens are folded (no diacritics, lower case): "dymbëdhjetë" is "dymbedhjete", "četiri"
is "cetiri". Compounds such as "njëzet e pesë", "dvadeset pet" and "twenty five" read as 25.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

ALBANIAN: dict[str, int] = {
    "zero": 0, "asnje": 0, "nje": 1, "dy": 2, "tre": 3, "tri": 3, "kater": 4, "pese": 5,
    "gjashte": 6, "shtate": 7, "tete": 8, "nente": 9, "dhjete": 10, "njembedhjete": 11,
    "dymbedhjete": 12, "trembedhjete": 13, "katermbedhjete": 14, "pesembedhjete": 15,
    "gjashtembedhjete": 16, "shtatembedhjete": 17, "tetembedhjete": 18,
    "nentembedhjete": 19, "njezet": 20, "tridhjete": 30, "dyzet": 40, "pesedhjete": 50,
    "gjashtedhjete": 60,
}
SERBIAN: dict[str, int] = {
    "nula": 0, "nijedan": 0, "nijedna": 0, "jedan": 1, "jedna": 1, "jedno": 1, "jednu": 1,
    "dva": 2, "dve": 2, "dvije": 2, "tri": 3, "cetiri": 4, "pet": 5, "sest": 6, "sedam": 7,
    "osam": 8, "devet": 9, "deset": 10, "jedanaest": 11, "dvanaest": 12, "trinaest": 13,
    "cetrnaest": 14, "petnaest": 15, "sesnaest": 16, "sedamnaest": 17, "osamnaest": 18,
    "devetnaest": 19, "dvadeset": 20, "trideset": 30, "cetrdeset": 40, "pedeset": 50,
    "sezdeset": 60,
}
ENGLISH: dict[str, int] = {
    "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
}
AND = frozenset({"e", "i", "and"})  # njëzet e pesë, dvadeset i pet, twenty and five
MAX_DIGITS = 6
# Albanian is often typed without the final ë: "pes", "gjasht", "dymbedhjet".
_SHORTENED = {word[:-1]: value for word, value in ALBANIAN.items()
              if word.endswith("e") and len(word) > 3}
_ALL = {**ENGLISH, **SERBIAN, **ALBANIAN, **_SHORTENED}
_NAMES = tuple(_ALL)
FUZZY_MIN_LENGTH = 5  # shorter words are too alike ("tre", "tri", "tet") to guess between
FUZZY_SCORE = 85


def word_value(token: str) -> int | None:
    """Return the number a word names, forgiving a letter or two in a long one."""
    if token in _ALL:
        return _ALL[token]
    if len(token) < FUZZY_MIN_LENGTH:
        return None
    found = process.extractOne(token, _NAMES, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
    return _ALL[found[0]] if found else None


def number_at(tokens: list[str], start: int) -> tuple[int, int] | None:
    """Read a number at `start`: its value and how many tokens it took; None if none."""
    if start >= len(tokens):
        return None
    token = tokens[start]
    if token.isdigit() and len(token) <= MAX_DIGITS:
        return int(token), 1
    value = word_value(token)
    if value is None or value < 20 or value % 10:
        return (value, 1) if value is not None else None
    after = start + 1
    if after < len(tokens) and tokens[after] in AND:
        after += 1
    unit = word_value(tokens[after]) if after < len(tokens) else None
    if unit is not None and 0 < unit < 10:
        return value + unit, after + 1 - start
    return value, 1
