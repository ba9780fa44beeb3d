"""Answers at the place sub-dialog: which listed place, "none of these", and what to show."""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.flow import Context
from handlers.i18n import Msg, Verbatim, msg
from handlers.steps import NO, YES
from handlers.types import Option, Place, Reply, Text
from routing.text import fold

NONE = "none"
COUNTRY_NAMES: dict[str, Msg] = {"XK": msg("Kosovo"), "AL": msg("Albania")}
# "None of these" as people write it, folded: Albanian, Serbian and English, with and without
# diacritics and spaces. These are never looked up as place names.
NONE_WORDS = frozenset({
    "asnjera", "asnje", "asnjeri", "asnjera nga keto", "asnje nga keto", "asnjera prej tyre",
    "asnje prej tyre", "asnje prej ketyre", "asnjera prej ketyre", "asgje", "asnji", "jo",
    "asnjera jo", "jo asnjera", "tjeter", "tjeter vend", "nuk eshte asnjera",
    "none", "none of these", "none of them", "neither", "no", "nope", "other", "another",
    "nijedno", "nijedan", "nijedna", "ni jedno", "ni jedan", "ni jedna", "nijedno od ovih",
    "nijedno od njih", "nijedno od navedenih", "nista", "nista od ovoga", "nista od toga",
    "ne", "nije", "nije nijedno", "drugo", "drugo mesto",
})
# Little words between the parts of a name ("Mitrovicë e Veriut", "Mitrovica e veriut").
_JOINERS = frozenset({"e", "i", "se", "te", "ne", "nga", "ja", "ai", "ajo"})
_NUMBER = re.compile(r"\s*(?:nr\.?\s*)?(\d{1,2})\s*[.)]?\s*")
# The shortest start of a word that picks a listed place ("veri" for "Veriut").
MIN_PART = 3


def is_none(ctx: Context) -> bool:
    """Tell whether the message says "none of these", by button or in words."""
    inbound = ctx.inbound
    if inbound.option is not None:
        return inbound.option == NONE
    said = fold(inbound.text)
    return said in NONE_WORDS or said == ctx.fold_label(msg("None of these"))


def listed_number(text: str) -> int | None:
    """Return the number a message picks by ("2", "2)", "2."), or None when it is not one."""
    found = _NUMBER.fullmatch(text)
    return int(found.group(1)) if found else None


def chosen_by_words(ctx: Context, candidates: Sequence[Place],
                    show_country: bool) -> Place | None:
    """Return the one listed place whose name, or a part only it has, the message gives."""
    said = fold(ctx.inbound.text)
    if not said:
        return None
    named = [p for p in candidates if said in _names(ctx, p, show_country)]
    if len(named) == 1:
        return named[0]
    words = [w for w in said.split() if w not in _JOINERS]
    if not words:
        return None
    vocab = [_words(ctx, p, show_country) for p in candidates]
    common = set.intersection(*vocab) if vocab else set()
    picked = [p for p, have in zip(candidates, vocab, strict=True)
              if all(_starts(w, have) for w in words)
              and any(_starts(w, have - common) for w in words)]
    return picked[0] if len(picked) == 1 else None


def _names(ctx: Context, place: Place, show_country: bool) -> set[str]:
    """Return the folded whole names a listed place answers to."""
    names = {fold(place.label()), fold(place.municipality)}
    if place.settlement:
        names.add(fold(place.settlement))
    if show_country:
        names.add(ctx.fold_label(place_name(place, True)))
    return names


def _words(ctx: Context, place: Place, show_country: bool) -> set[str]:
    """Return the folded words of a listed place's name, its country's too when shown."""
    text = fold(place.label())
    if show_country and place.country in COUNTRY_NAMES:
        text += " " + ctx.fold_label(COUNTRY_NAMES[place.country])
    return set(text.split()) - _JOINERS


def _starts(word: str, vocabulary: set[str]) -> bool:
    """Tell whether a typed word is a word of the vocabulary, or a long enough start of one."""
    return any(v == word or (len(word) >= MIN_PART and v.startswith(word)) for v in vocabulary)


def place_name(place: Place, show_country: bool) -> Text:
    """Return a place as the person reads it, with its country when that tells places apart."""
    if show_country and place.country in COUNTRY_NAMES:
        return msg("{place} ({country})", place=Verbatim(place.label()),
                   country=COUNTRY_NAMES[place.country])
    return Verbatim(place.label())


def confirm_reply(place: Place, show_country: bool = False) -> Reply:
    """Ask whether the found place is right."""
    return Reply((msg("I found: {place}. Is that right?",
                      place=place_name(place, show_country)),),
                 (Option(YES.key, YES.label), Option(NO.key, NO.label)))


def choose_reply(places: Sequence[Place], show_country: bool = False) -> Reply:
    """Ask which of several places was meant, "none of these" last."""
    options = tuple(Option(str(i), place_name(p, show_country)) for i, p in enumerate(places, 1))
    return Reply((msg("Which place do you mean?"),),
                 (*options, Option(NONE, msg("None of these"))))


def example(country: str | None, language: str) -> Verbatim:
    """Return a place written as the service understands it, in the person's country."""
    if country == "AL":
        return Verbatim("Kashar, Tiranë")
    return Verbatim("Orlate, Glogovac" if language == "sr" else "Arllat, Drenas")
