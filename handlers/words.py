"""How people write answers: yes and no, numbers in words, ages, in sq, sr and en.

Every word here is folded (routing/text.py `fold`: lower case, no diacritics, Cyrillic in
Latin letters), so "Po", "PO" and "pô" are one word, as are "dhjetë" and "dhjete".
"""

from __future__ import annotations

import re
from functools import lru_cache

from routing.text import fold

YES_WORDS = (
    "po", "poo", "pooo", "po po", "posi", "patjeter", "sigurisht", "ashtu", "ashtu eshte",
    "eshte", "ok", "okej", "okay", "mire", "yes", "yeah", "yep", "yup", "y", "sure", "da",
    "jeste", "naravno", "svakako", "tacno", "sakte", "e vertete",
)
NO_WORDS = (
    "jo", "joo", "jooo", "jo jo", "nuk", "nuk eshte", "aspak", "kurrsesi", "no", "nope", "nah",
    "n", "not", "ne", "nije", "nema", "nikako", "gabim",
)
# Emoji that say yes or no; fold() drops them, so they are read before folding.
YES_EMOJI = frozenset({"\U0001f44d", "\u2705", "\u2714", "\u2714\ufe0f", "\U0001f44c"})
NO_EMOJI = frozenset({"\U0001f44e", "\u274c", "\u2716", "\u2716\ufe0f", "\U0001f6ab"})
DONT_KNOW = (
    "nuk e di", "s e di", "se di", "nuk di", "nuk e dij", "ska ide", "s kam ide", "nuk kam ide",
    "nuk jam i sigurt", "nuk jam e sigurt", "ne znam", "neznam", "ne znam tacno", "nemam pojma",
    "don t know", "dont know", "i don t know", "idk", "not sure", "no idea", "unknown",
    "e panjohur", "i panjohur", "nepoznato",
)
MAYBE = ("ndoshta", "mbase", "ndofta", "mozda", "maybe", "perhaps", "possibly")

NUMBER_WORDS: dict[str, int] = {
    # Albanian, with the Gheg forms people type in Kosovo.
    "zero": 0, "nje": 1, "nji": 1, "dy": 2, "tre": 3, "tri": 3, "kater": 4, "pese": 5,
    "gjashte": 6, "shtate": 7, "tete": 8, "nente": 9, "dhjete": 10, "dhete": 10, "dhjet": 10,
    "njembedhjete": 11, "dymbedhjete": 12, "trembedhjete": 13, "katermbedhjete": 14,
    "pesembedhjete": 15, "gjashtembedhjete": 16, "shtatembedhjete": 17, "tetembedhjete": 18,
    # Serbian.
    "nula": 0, "jedan": 1, "jedna": 1, "jedno": 1, "dva": 2, "dve": 2, "dvije": 2,
    "cetiri": 4, "pet": 5, "sest": 6, "sedam": 7, "osam": 8, "devet": 9, "deset": 10,
    "jedanaest": 11, "dvanaest": 12, "trinaest": 13, "cetrnaest": 14, "petnaest": 15,
    "sesnaest": 16, "sedamnaest": 17, "osamnaest": 18,
    # English.
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
}
# Words of "about": "rreth 10", "oko 10", "afro 10", "about 10".
ABOUT = frozenset({"rreth", "afer", "afro", "perafersisht", "ndoshta", "nja", "diku", "oko",
                   "otprilike",
                   "okvirno", "about", "around", "approx", "approximately", "maybe", "mbi",
                   "nen", "ma", "se", "si", "ka", "eshte", "je", "ima", "is", "it", "s",
                   "femija", "dete", "child", "the", "i", "e", "me", "vec", "pak"})
YEAR_UNITS = frozenset({"vjec", "vjeq", "vjet", "vjece", "vjeqe", "vjecar", "vjecare",
                        "vite", "vjeta", "v", "god", "godina", "godine", "godinu",
                        "g", "years", "year", "yrs", "yr", "y", "yo", "old"})
MONTH_UNITS = frozenset({"muaj", "muajsh", "muajshe", "muajt", "mesec", "meseca", "meseci",
                         "month", "months", "mo"})
BABY_WORDS = frozenset({"foshnje", "foshnja", "bebe", "beba", "bebi", "baby", "infant",
                        "i porsalindur", "e porsalindur", "novorodjence"})
_KEYCAP = re.compile("([0-9])\ufe0f?\u20e3")
_TOKEN = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)
# A number alone, maybe with "nr", "#", a dot or a parenthesis (fold() made "#" and ")" spaces).
_BARE = re.compile(r"^(?:(?:nr|numri|numer|broj|opsioni|opcija|option|no|zgjedhja)\s*)?"
                   r"(\d{1,3})$")


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """Return the folded words and digit runs of a text ("10vjec" gives "10", "vjec").

    Cached: each reading of an answer (exact, leading words, stems...) asks for them again.
    """
    return tuple(_TOKEN.findall(fold(_KEYCAP.sub(r"\1", text))))


def has_phrase(folded: str, phrase: str) -> bool:
    """Tell whether a folded text holds a folded phrase as whole words."""
    return f" {phrase} " in f" {folded} "


# Short words that are "no" alone but begin other sentences ("në shtëpi" folds to "ne shtepi").
NOT_LEADING = frozenset({"ne", "n", "y", "e", "a", "da"})


def yes_or_no(text: str) -> bool | None:
    """Read yes or no from the first words of an answer ("po, tani" is yes); None if neither."""
    raw = text.strip()
    if raw in YES_EMOJI:
        return True
    if raw in NO_EMOJI:
        return False
    words = tokens(raw)
    for size in (2, 1):
        if size == 1 and len(words) > 1 and words[0] in NOT_LEADING:
            continue
        head = " ".join(words[:size])
        if head in YES_WORDS:
            return True
        if head in NO_WORDS:
            return False
    return None


def dont_know(text: str) -> bool:
    """Tell whether the answer says "I don't know" in any of the three languages."""
    folded = " ".join(tokens(text))
    return any(has_phrase(folded, phrase) for phrase in DONT_KNOW)


def maybe(text: str) -> bool:
    """Tell whether the answer is a "maybe"."""
    return bool(set(tokens(text)) & set(MAYBE))


def number_of(word: str) -> int | None:
    """Return the number a single folded word or digit run stands for, if any."""
    if word.isdigit():
        return int(word) if len(word) <= 4 else None
    return NUMBER_WORDS.get(word)


def numbers_in(text: str) -> list[int]:
    """Return the numbers written in a text, as digits or in words, in order."""
    return [n for n in (number_of(w) for w in tokens(text)) if n is not None]


def bare_number(text: str) -> int | None:
    """Return the number a message is ("2", "2.", "2)", "#2", "nr 2", "2️⃣"); "-1" is none."""
    found = _BARE.match(fold(_KEYCAP.sub(r"\1", text.strip())) if text.strip()[:1] != "-"
                        else "")
    return int(found.group(1)) if found else None


def age_in(text: str) -> tuple[int, bool] | None:
    """Read a child's age in years from an answer, and whether a unit said it was an age.

    "10", "10 vjeç", "rreth 10", "dhjetë", "10 godina", "10-12" (the middle), "8 muaj" (0).
    None when the answer holds no age or other words than an age's.
    """
    words = tokens(text)
    if not words:
        return None
    if set(words) & BABY_WORDS:
        return 0, True
    found = [n for n in (number_of(w) for w in words) if n is not None]
    units = set(words) & (YEAR_UNITS | MONTH_UNITS)
    others = [w for w in words if number_of(w) is None and w not in YEAR_UNITS | MONTH_UNITS
              | ABOUT | {"deri", "do", "to", "ose", "ili", "or", "a", "and", "dhe", "i", "e"}]
    if not found or len(found) > 2 or others:
        return None
    if set(words) & MONTH_UNITS and not set(words) & YEAR_UNITS:
        return 0, True
    return sum(found) // len(found), bool(units) or len(found) == 2
