"""A pupil's class, initials and days absent, read as teachers write them in sq, sr and en.

Each reader takes folded tokens (`routing.text.fold(...).split()`) from a position and
returns what it read with how many tokens it used, so that the one-line form and the guided
questions read alike. The one-line form reads `strict`ly: it must not take a citizen's
"Rrezik i madh te shkolla" for class I and pupil MADH.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from handlers.number_words import number_at

# Words written before a class or a pupil ("klasa e 7-të A", "nxënësi A.K.", "EMIS 123456").
CLASS_WORDS = frozenset({"kl", "klasa", "klase", "klasen", "klases", "klasi", "e", "razred",
                         "razreda", "razredu", "odeljenje", "odeljenja", "class", "grade"})
PUPIL_WORDS = frozenset({"nxenes", "nxenesi", "nxenesja", "nxenesit", "nxenesen", "ucenik",
                         "ucenika", "ucenica", "ucenice", "pupil", "student", "emis", "smia",
                         "id", "nr", "inicialet", "inicialen", "inic", "inicijali",
                         "initials"})
ORDINAL = frozenset({"te", "ta", "ti"})  # 7-të, 7-ta: the Albanian ordinal ending
SECTION_WORDS = frozenset({"paralelja", "paralele", "paralelen", "section", "odeljenje"})
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
         "x": 10, "xi": 11, "xii": 12, "xiii": 13}
# Short words that are not initials when written in lower case in a one-line flag.
COMMON_WORDS = frozenset({"ka", "ne", "te", "me", "se", "do", "po", "jo", "qe", "nga", "per",
                          "pa", "dhe", "nje", "na", "ju", "si", "ai", "ajo", "ata", "nuk",
                          "ska", "kam", "ke", "jam", "je", "da", "su", "sa", "od", "za", "iz",
                          "ima", "the", "and", "has", "was", "for", "is", "of", "in", "on"})
_GRADE = re.compile(r"^(\d{1,2})(?:te|ta)?([a-z]|\d{1,2})?$")
_ROMAN_GRADE = re.compile(r"^([ivx]{1,4}?)([a-z])?$")
_SECTION = re.compile(r"^(?:[a-z]|\d{1,2})$")
_PUPIL_ID = re.compile(r"^(?=.*\d)[0-9a-z]{5,20}$")
MAX_GRADE = 13


class Read(NamedTuple):
    """A value read from the tokens, and how many tokens it took."""

    value: str
    used: int


def _grade(token: str, strict: bool) -> tuple[int, str, bool] | None:
    """Read a grade, its section if joined, and whether it is Roman: 7, 7a, 7te, vii, viia.

    Outside the one-line form a grade may be a number word too ("shtatë A").
    """
    found = _GRADE.match(token)
    if found:
        return int(found.group(1)), found.group(2) or "", False
    if token in ROMAN:
        return ROMAN[token], "", True
    counted = None if strict else number_at([token], 0)
    if counted is not None:
        return counted[0], "", False
    found = _ROMAN_GRADE.match(token)
    if found and found.group(1) in ROMAN and found.group(2):
        return ROMAN[found.group(1)], found.group(2), True
    return None


def class_at(tokens: list[str], start: int, strict: bool = False) -> Read | None:
    """Read a class (7A, 7 a, kl. 7A, VII A, 7/2) at `start`; None when there is none."""
    at = start
    while at < len(tokens) and tokens[at] in CLASS_WORDS and at - start < 2:
        at += 1
    grade = _grade(tokens[at], strict) if at < len(tokens) else None
    if grade is None or not 1 <= grade[0] <= MAX_GRADE:
        return None
    number, section, roman = grade
    at += 1
    while not section and at < len(tokens) and (tokens[at] in ORDINAL
                                                 or tokens[at] in SECTION_WORDS):
        at += 1
    if not section and at < len(tokens) and _SECTION.match(tokens[at]):
        section = tokens[at]
        at += 1
    if strict and roman and not section:
        return None  # "i" alone is a word; "VII A" or "VIIA" is a class
    return Read(_class_text(number, section), at - start)


def _class_text(number: int, section: str) -> str:
    """Write a class as 7A, or 7/2 when the section is a number."""
    if section.isdigit():
        return f"{number}/{int(section)}"
    return f"{number}{section.upper()}"


def pupil_at(tokens: list[str], start: int, written: list[str] | None = None) -> Read | None:
    """Read a pupil's initials (AK, A.K., a k) or EMIS id at `start`; never a full name.

    With `written` (the one-line form's tokens as typed, same positions) only two or three
    letters count as initials, and a short lower-case word such as "ka" does not.
    """
    at = start
    while at < len(tokens) and tokens[at] in PUPIL_WORDS and at - start < 2:
        at += 1
    if at >= len(tokens):
        return None
    token = tokens[at]
    if _PUPIL_ID.match(token):
        return Read(token.upper(), at + 1 - start)
    if token.isalpha() and 2 <= len(token) <= (3 if written is not None else 4):
        lower = written is not None and not written[at].isupper()
        if not (lower and token in COMMON_WORDS):
            return Read(token.upper(), at + 1 - start)
        return None
    letters: list[str] = []
    while at < len(tokens) and len(tokens[at]) == 1 and tokens[at].isalpha() \
            and len(letters) < 4:
        letters.append(tokens[at])
        at += 1
    if len(letters) >= 2:
        return Read("".join(letters).upper(), at - start)
    return None


# How many school days a unit counts: a school week has five, a month about twenty.
UNITS: dict[str, int] = {
    **dict.fromkeys(("dite", "dit", "dita", "ditet", "ditesh", "dan", "dana", "dani", "day",
                     "days", "d"), 1),
    **dict.fromkeys(("jave", "jav", "java", "javet", "javesh", "nedelja", "nedelje", "nedelju",
                     "nedelji", "sedmica", "sedmice", "sedmicu", "tjedan", "tjedna",
                     "week", "weeks"), 5),
    **dict.fromkeys(("muaj", "muaji", "muajsh", "muajt", "mesec", "meseca", "meseci",
                     "mjesec", "mjeseca", "month", "months"), 20),
}
_DIGITS_UNIT = re.compile(r"^(\d{1,3})([a-z]+)$")


class Days(NamedTuple):
    """School days read from an answer, how many tokens it took, and the unit counted."""

    days: int
    used: int
    unit: int  # 1 for days, 5 for weeks, 20 for months


def days_at(tokens: list[str], start: int) -> Days | None:
    """Read "12", "12 ditë", "12dite", "dymbëdhjetë", "dy javë" or "një muaj" at `start`."""
    if start >= len(tokens):
        return None
    glued = _DIGITS_UNIT.match(tokens[start])
    if glued and glued.group(2) in UNITS:
        unit = UNITS[glued.group(2)]
        return Days(int(glued.group(1)) * unit, 1, unit)
    counted = number_at(tokens, start)
    if counted is None:
        # "java", "mesec dana": a week or a month with no number counts once.
        unit = UNITS.get(tokens[start], 0)
        return Days(unit, 1, unit) if unit > 1 else None
    value, used = counted
    following = tokens[start + used] if start + used < len(tokens) else ""
    unit = UNITS.get(following, 0)
    return Days(value * (unit or 1), used + (1 if unit else 0), unit or 1)
