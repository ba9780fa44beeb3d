"""A corpus of answers as teachers type them, read by each dropout question and the one-liner.

Every input is what a person wrote (typos, no diacritics, words for numbers, Serbian and
English); each must be understood at the first try as the value shown, except those listed
in REFUSED, which must be refused (a full name is never taken for initials).
`understood_share()` gives the figure reported for the corpus.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.dropout import parse_class, parse_pupil
from handlers.dropout_line import read_line
from handlers.dropout_steps import KnownReason, read_days
from handlers.flow import Accept, Context
from handlers.i18n import Msg, msg
from handlers.types import Inbound
from locales import Catalogs
from tests.static_world import TEACHER_PHONE, StaticWorld

CLASSES = {
    "7A": "7A", "7a": "7A", "7 a": "7A", "7-a": "7A", "7/a": "7A", "7.a": "7A", "7 A.": "7A",
    "kl. 7A": "7A", "kl.7a": "7A", "Kl 7a": "7A", "klasa 7A": "7A", "Klasa 7 A": "7A",
    "klasa e 7A": "7A", "klasa e 7-të A": "7A", "7-të A": "7A", "7te a": "7A", "7 A klasa": "7A",
    "klasa: 7A": "7A", "VII A": "7A", "VIIa": "7A", "VII-a": "7A", "vii a": "7A",
    "VII/2": "7/2", "7/2": "7/2", "7-2": "7/2", "10/1": "10/1", "X/1": "10/1", "IX B": "9B",
    "9B": "9B", "klasi 9b": "9B", "razred 7a": "7A", "7. razred": "7", "VII 1": "7/1",
    "odeljenje 7/1": "7/1", "class 7A": "7A", "grade 7 section A": "7A",
    "klasa 7 paralelja A": "7A", "shtatë A": "7A", "7а": "7A", "12C": "12C", "1a": "1A",
    # typed in a hurry
    "7 - A": "7A", "7'A": "7A", '7 "A"': "7A", "kl 7/a": "7A", "7a klasa": "7A",
    "klasa 7-A": "7A", "7 A ": "7A", "7A.": "7A", "VII-A klasa": "7A", "VII. A": "7A",
    "7 Ä": "7A", "klasa e shtate A": "7A", "shtate a": "7A", "7 a,": "7A", "VI b": "6B",
    "XI-2": "11/2", "9 c": "9C", "8-B": "8B",
}
PUPILS = {
    "AK": "AK", "ak": "AK", "A.K.": "AK", "A.K": "AK", "a.k.": "AK", "A. K.": "AK",
    "A. K": "AK", "a k": "AK", "A K": "AK", "A-K": "AK", "AK.": "AK", "A.B.C.": "ABC",
    "ABK": "ABK", "nxënësi AK": "AK", "nxenesja A.K.": "AK", "učenik A.K.": "AK",
    "inicialet A.K.": "AK", "1234567": "1234567", "EMIS 1234567": "1234567",
    "ID: 7788123": "7788123", "emis: 20240173": "20240173", "Ë.B.": "EB", "ç d": "CD",
    # typed in a hurry
    "a.k": "AK", "a,k": "AK", "A/K": "AK", "AK (inicialet)": "AK", " A K ": "AK", "AK,": "AK",
    "Ak": "AK", "A.k.": "AK", "inic. AK": "AK", "EMIS: 1234567": "1234567",
    "emis 12345678": "12345678", "nr 1234567": "1234567",
}
DAYS = {
    "12": 12, "12 ditë": 12, "12 dite": 12, "12 dit": 12, "12dite": 12, "12 ditë mungesë": 12,
    "dymbëdhjetë": 12, "dymbedhjete": 12, "dvanaest": 12, "dvanaest dana": 12, "twelve": 12,
    "12 days": 12, "dy javë": 10, "dy jave": 10, "2 jave": 10, "2 javë": 10, "nje jave": 5,
    "një javë": 5, "një muaj": 20, "nje muaj": 20, "1 muaj": 20, "mesec dana": 20,
    "jedan mesec": 20, "two weeks": 10, "a week": 5, "dve nedelje": 10, "rreth 12": 12,
    "afro 12": 12, "oko 12": 12, "about 12": 12, "~12": 12, "12?": 12, "me shume se 10": 10,
    "10-12": 12, "10 deri 12": 12, "0": 0, "asnjë": 0, "njëzet e pesë": 25,
    "dvadeset pet": 25, "tri dite": 3, "tre ditë": 3, "pesë ditë": 5, "ka munguar 12 ditë": 12,
    "prej 12 ditësh": 12, "15 ditë (tre javë)": 15, "3 javë e gjysmë": 15, "30": 30,
    # typed in a hurry: final ë dropped, letters missed, other units
    "12ditë": 12, "12 ditë.": 12, "12 d.": 12, "dymbdhjet": 12, "dymbedhjet": 12,
    "12 ditesh": 12, "dy jav": 10, "2 jav": 10, "2 sedmice": 10, "dvije sedmice": 10,
    "mjesec dana": 20, "tri jave": 15, "12 dana.": 12, "dvanajst": 12, "12 school days": 12,
    "12 ditë mësimi": 12, "5 dit": 5, "pes dit": 5, "nje jav": 5, "gjasht dit": 6, "20": 20,
    "njezet": 20, "2 muaj": 40,
}
REASONS = {
    "1": "work", "5": "poverty", "pune": "work", "punë": "work", "Pune": "work",
    "semundje": "illness", "sëmundje": "illness", "i semure": "illness", "ne spital": "illness",
    "migrim": "migration", "ka emigruar": "migration", "jashte shtetit": "migration",
    "ne Gjermani": "migration", "martese": "early_marriage", "u martua": "early_marriage",
    "u fejua": "early_marriage", "varferi": "poverty", "s'kane mundesi": "poverty",
    "nuk e di": "unknown", "ne znam": "unknown", "jo": "unknown", "6": "unknown",
    "babai e merr ne ndertim": "work", "punon ne ara me prinderit": "work",
    "shet ne treg": "work", "ruan bagetine": "work", "rad": "work", "radi": "work",
    "bolest": "illness", "bolestan je": "illness", "inostranstvo": "migration",
    "otišli u Nemačku": "migration", "udala se": "early_marriage", "brak": "early_marriage",
    "siromaštvo": "poverty", "nemaju para": "poverty", "work": "work", "works": "work",
    "illness": "illness", "sick": "illness", "abroad": "migration", "married": "early_marriage",
    "poverty": "poverty", "poor": "poverty", "don't know": "unknown",
    "kujdeset per vellezerit e vegjel": "unknown",
    # typed in a hurry
    "punn": "work", "semundj": "illness", "migrm": "migration", "ska leke": "poverty",
    "nuk kan para": "poverty", "jasht vendit": "migration", "ne zvicerr": "migration",
    "punon": "work", "semur": "illness", "shkon me pun": "work", "nuk ka interes": "unknown",
    "prindit nuk e cojn": "unknown", "u martu": "early_marriage", "fejes": "early_marriage",
    "e kan fejuar": "early_marriage", "ka ik jasht": "migration",
    "familja eshte e varfer": "poverty", "eshte semure": "illness", "ne spitall": "illness",
    "punon me babin": "work", "nanen e ka te semure": "illness",
    "ikin ne gjermani": "migration", "ka shku n gjermani": "migration",
    "radi sa ocem": "work", "bolesna je": "illness", "otišla u inostranstvo": "migration",
    "udata": "early_marriage", "siromasni su": "poverty", "he works": "work",
    "sick mother": "illness", "moved to germany": "migration", "no money": "poverty",
    "punon per te fituar leke": "work",
    "marteese": "early_marriage",  # a misspelling, forgiven by the option reader
}
# Understood otherwise than meant, at the first try (the words are kept all the same).
STILL_MISSED: set[str] = set()
LINES: dict[str, dict[str, Any]] = {
    "BRAKTISJE 7A AK 12": {"status": "dropout", "class": "7A", "pupil": "AK", "days": 12},
    "braktisje 7a ak 12": {"status": "dropout", "class": "7A", "pupil": "AK", "days": 12},
    "Braktisje 7-a A.K. 12 dite": {"status": "dropout", "class": "7A", "pupil": "AK",
                                   "days": 12},
    "BRAKTISJE kl. 7A A. K. 12": {"status": "dropout", "class": "7A", "pupil": "AK",
                                  "days": 12},
    "BRAKTISJE VII A AK dymbedhjete": {"status": "dropout", "class": "7A", "pupil": "AK",
                                       "days": 12},
    "BRAKTISJE AK 7A 12": {"status": "dropout", "class": "7A", "pupil": "AK", "days": 12},
    "BRAKTISJE 7 A K 12": {"status": "dropout", "class": "7", "pupil": "AK", "days": 12},
    "BRAKTISJE, 7A, AK, 12": {"status": "dropout", "class": "7A", "pupil": "AK", "days": 12},
    "BRAKTISJE: 7A AK 12 ditë": {"status": "dropout", "class": "7A", "pupil": "AK",
                                 "days": 12},
    "Braktisje 7A 1234567 12": {"status": "dropout", "class": "7A", "pupil": "1234567",
                                "days": 12},
    "MUNGESE 8B EB 5": {"status": "absence", "class": "8B", "pupil": "EB", "days": 5},
    "mungesë 8/2 e.b. dy javë": {"status": "absence", "class": "8/2", "pupil": "EB",
                                 "days": 10},
    "MUNGESE 8B EB nje muaj semundje": {"status": "absence", "class": "8B", "pupil": "EB",
                                        "days": 20, "reason": "illness"},
    "PAREGJISTRUAR 1A DK": {"status": "not_enrolled", "class": "1A", "pupil": "DK"},
    "pa regjistruar 1a dk": {"status": "not_enrolled", "class": "1A", "pupil": "DK"},
    "RREZIK 9C LM 3 pune": {"status": "at_risk", "class": "9C", "pupil": "LM", "days": 3,
                            "reason": "work"},
    "RREZIK 9C LM 3 babai e merr ne ndertim": {
        "status": "at_risk", "class": "9C", "pupil": "LM", "days": 3, "reason": "work",
        "reason_text": "babai e merr ne ndertim"},
    "rrezik 9c lm 3 do shkojne ne Gjermani": {
        "status": "at_risk", "class": "9C", "pupil": "LM", "days": 3, "reason": "migration",
        "reason_text": "do shkojne ne Gjermani"},
    "RREZIK 9C LM 3 xyz qwe": {"status": "at_risk", "class": "9C", "pupil": "LM", "days": 3,
                               "reason": "unknown", "reason_text": "xyz qwe"},
    "RIZIK 9C LM 3 otac ga vodi na gradiliste": {
        "status": "at_risk", "class": "9C", "pupil": "LM", "days": 3, "reason": "work",
        "reason_text": "otac ga vodi na gradiliste"},
    "IZOSTANAK VII/1 A.K. 12 dana": {"status": "absence", "class": "7/1", "pupil": "AK",
                                     "days": 12},
    "mungese 8b": {"status": "absence", "class": "8B"},
    "BRAKTISJE 7A Arben Krasniqi 12": {"status": "dropout", "class": "7A"},
}
# Refused on purpose: full names, emoji, gibberish where a class or days are asked.
REFUSED = {
    "class": ["Arben", "\U0001f44d", "", "7A AK", "klasa", "14B", "shkolla"],
    "pupil": ["Arben Krasniqi", "Arben K.", "A.Krasniqi", "\U0001f600", "", "A"],
    "days": ["shume", "\U0001f622", "", "400", "7A", "nuk e di"],
    "reason": ["\U0001f937", "po", "9", ""],
}
NOT_FLAGS = ["Rrezik i madh te shkolla", "RREZIK I MADH TE SHKOLLA", "Mungese uji ne fshat",
             "Rrezik ne shkolle nga qente", "RREZIK PER FEMIJET", "Rreziku eshte i madh"]


def reason_of(text: str, catalogs: Catalogs) -> str | None:
    """Answer the reason question with `text`; return the reason taken, or None if refused."""
    inbound = Inbound("sms", TEACHER_PHONE, datetime(2026, 3, 2, tzinfo=UTC), text)
    ctx = Context(inbound, StaticWorld(), catalogs, "sq", inbound.at)
    step = KnownReason("reason", msg("Known reason"), msg("Known reason"))
    result = step.answer(ctx, _state())
    return str(result.value) if isinstance(result, Accept) else None


def _state() -> Any:
    """Return an empty conversation state."""
    from handlers.flow import State

    return State()


def _value(parsed: str | Msg) -> str | None:
    """Return a parser's value, or None when it refused."""
    return None if isinstance(parsed, Msg) else parsed


@pytest.mark.parametrize(("said", "wanted"), CLASSES.items())
def test_classes(said: str, wanted: str) -> None:
    """The class question reads each way of writing a class."""
    assert _value(parse_class(said)) == wanted


@pytest.mark.parametrize(("said", "wanted"), PUPILS.items())
def test_pupils(said: str, wanted: str) -> None:
    """The pupil question reads each way of writing initials or an EMIS id."""
    assert _value(parse_pupil(said)) == wanted


@pytest.mark.parametrize(("said", "wanted"), DAYS.items())
def test_days(said: str, wanted: int) -> None:
    """The days question reads digits, words, weeks and months."""
    read = read_days(said)
    assert read is not None and read.days == wanted


@pytest.mark.parametrize(("said", "wanted"), REASONS.items())
def test_reasons(said: str, wanted: str, catalogs: Catalogs) -> None:
    """The reason question takes a number, an option's word or the teacher's own words."""
    taken = reason_of(said, catalogs)
    assert taken == ("unknown" if said in STILL_MISSED else wanted)


@pytest.mark.parametrize(("said", "wanted"), LINES.items())
def test_one_line_forms(said: str, wanted: dict[str, Any]) -> None:
    """The one-line form reads each variant, and never keeps a full name."""
    flag = read_line(said)
    assert flag is not None and flag.answers == wanted


def test_refused_on_purpose(catalogs: Catalogs) -> None:
    """Full names, emoji and out-of-range answers are refused (with an explanation)."""
    assert all(_value(parse_class(said)) is None for said in REFUSED["class"])
    assert all(_value(parse_pupil(said)) is None for said in REFUSED["pupil"])
    assert all(read_days(said) is None or read_days(said).days > 365  # type: ignore[union-attr]
               for said in REFUSED["days"])
    assert all(reason_of(said, catalogs) is None for said in REFUSED["reason"])


@pytest.mark.parametrize("said", NOT_FLAGS)
def test_a_citizens_words_are_not_a_clear_flag(said: str) -> None:
    """Words that only begin like a flag are not read as one with class and pupil."""
    flag = read_line(said)
    assert flag is None or not flag.clear


def understood_share(catalogs: Catalogs) -> tuple[int, int, list[str]]:
    """Return how many corpus answers are understood at first, of how many, and which not."""
    missed = [s for s, w in CLASSES.items() if _value(parse_class(s)) != w]
    missed += [s for s, w in PUPILS.items() if _value(parse_pupil(s)) != w]
    missed += [s for s, w in DAYS.items() if (read_days(s) or _NONE).days != w]
    missed += [s for s, w in REASONS.items() if reason_of(s, catalogs) != w]
    missed += [s for s, w in LINES.items() if (read_line(s) or _NO_FLAG).answers != w]
    total = len(CLASSES) + len(PUPILS) + len(DAYS) + len(REASONS) + len(LINES)
    return total - len(missed), total, missed


def test_the_share_understood_at_the_first_try(catalogs: Catalogs) -> None:
    """At least 99 % of the corpus is understood at the first try; the misses are known."""
    understood, total, missed = understood_share(catalogs)
    assert set(missed) == STILL_MISSED and understood / total >= 0.99


class _NONE:
    """Stands for days not read."""

    days = -1


class _NO_FLAG:
    """Stands for a line not read as a flag."""

    answers: dict[str, Any] = {}
