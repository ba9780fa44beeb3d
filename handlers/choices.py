"""Picking an option from what a person wrote: a button, a number, a word, or a sentence.

People answer a question with options in many ways: the button; the option's number as SMS
shows it ("2", "2)", "nr 2", "2️⃣"); its label or a word for it in any of our languages,
with or without diacritics, misspelt a little ("dhuna"); or a sentence that says it
("babai e rrah çdo natë" is violence). `understand` returns every option the answer may
mean, so that a step can take one, or ask which of a few was meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from handlers.flow import Context
from handlers.i18n import Msg, msg
from handlers.types import Option, Text
from handlers.words import (
    NO_EMOJI,
    NO_WORDS,
    NOT_LEADING,
    YES_EMOJI,
    YES_WORDS,
    bare_number,
    has_phrase,
    tokens,
    yes_or_no,
)
from routing.text import fold

# Channels that show options as buttons rather than numbered lines.
BUTTON_CHANNELS = frozenset({"telegram"})
# A misspelt word counts as the option's when it is this close (rapidfuzz ratio, 0-100).
FUZZY_MIN = 84.0
FUZZY_MIN_LENGTH = 5


@dataclass(frozen=True)
class Choice:
    """One answer to pick: a slug, its label, words that select it, and stems that hint at it.

    `words` are whole answers ("dhune", "nasilje"); `stems` are word beginnings found inside a
    sentence ("rrah" in "e rrahin"), so that a free answer can be understood.
    """

    key: str
    label: Text
    words: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()


def as_options(options: tuple[Choice, ...]) -> tuple[Option, ...]:
    """Return choices as the neutral options adapters render."""
    return tuple(Option(o.key, o.label) for o in options)


def numbered(channel: str) -> bool:
    """Tell whether the channel shows options as numbered lines (SMS) rather than buttons."""
    return channel not in BUTTON_CHANNELS


def not_understood(ctx: Context) -> Msg:
    """Say what is expected when an answer picks no option, as the channel shows options."""
    if numbered(ctx.channel):
        return msg("I did not understand that. Please answer with the number of one of the "
                   "options below, for example 1.")
    return msg("I did not understand that. Please press one of the buttons below, or write "
               "the answer in a few words.")


def pick(options: tuple[Choice, ...], ctx: Context) -> Choice | Msg:
    """Find the one option a message selects; else the error to show."""
    found = understand(options, ctx)
    if isinstance(found, Msg):
        return found
    return found[0] if len(found) == 1 else not_understood(ctx)


def understand(options: tuple[Choice, ...], ctx: Context) -> list[Choice] | Msg:
    """Return the options a message may mean, surest reading first; else the error to show."""
    inbound = ctx.inbound
    if inbound.option is not None:
        chosen = next((o for o in options if o.key == inbound.option), None)
        if chosen is None:
            return msg("That button belongs to an earlier question. Please choose again.")
        return [chosen]
    if inbound.kind in ("unsupported", "photo"):
        if numbered(inbound.channel):
            return msg("I can only read text here, not stickers, voice messages or files. "
                       "Please answer with one of the numbers, or in a few words.")
        return msg("I can only read text here, not stickers, voice messages or files. Please "
                   "press one of the buttons below, or write the answer in a few words.")
    if inbound.kind != "text":
        return not_understood(ctx)
    number = bare_number(inbound.text)
    if number is not None:
        if 1 <= number <= len(options):
            return [options[number - 1]]
        return msg("Please answer with a number from 1 to {count}.", count=len(options))
    for reading in (_exact, _leading, _yes_no, _fuzzy, _stems):
        found = reading(options, ctx)
        if found:
            return found
    return not_understood(ctx)


def _names(option: Choice, ctx: Context) -> frozenset[str]:
    """Return every folded whole answer that selects an option."""
    return _names_of(option, folded(ctx.translate(option.label, ctx.language)))


@lru_cache(maxsize=2048)
def _names_of(option: Choice, label: str) -> frozenset[str]:
    """Return an option's folded names, given its label as the person reads it (cached)."""
    names = {folded(option.key.replace("_", " ")), label, *(folded(w) for w in option.words)}
    return frozenset(names - {""})


folded = lru_cache(maxsize=8192)(fold)


def _exact(options: tuple[Choice, ...], ctx: Context) -> list[Choice]:
    """Match the whole answer to a label or word, or the start of one label (3+ letters)."""
    said = " ".join(tokens(ctx.inbound.text))
    if not said:
        return []
    exact = [o for o in options if said in _names(o, ctx)]
    if exact:
        return exact[:1]
    starts = [o for o in options if len(said) >= 3
              and folded(ctx.translate(o.label, ctx.language)).startswith(said)]
    return starts if len(starts) == 1 else []


def _leading(options: tuple[Choice, ...], ctx: Context) -> list[Choice]:
    """Match the first words of a longer answer to a word ("po, tani" or "dhune ne shtepi")."""
    words = tokens(ctx.inbound.text)
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        head = " ".join(words[:size])
        if head in NOT_LEADING:
            continue
        found = [o for o in options if head in _names(o, ctx)]
        if len(found) == 1:
            return found
    return []


def _yes_no(options: tuple[Choice, ...], ctx: Context) -> list[Choice]:
    """Read yes or no (words or 👍/👎) where the options are a yes and a no."""
    keys = {o.key for o in options}
    if not {"yes", "no"} <= keys:
        return []
    raw = ctx.inbound.text.strip()
    said = True if raw in YES_EMOJI else False if raw in NO_EMOJI else yes_or_no(raw)
    if said is None:
        return []
    return [o for o in options if o.key == ("yes" if said else "no")]


def _fuzzy(options: tuple[Choice, ...], ctx: Context) -> list[Choice]:
    """Forgive a misspelt word or label ("dhuna", "neglizhim") when one option is clearly it."""
    said = " ".join(tokens(ctx.inbound.text))
    if len(said) < FUZZY_MIN_LENGTH:
        return []
    scored = sorted(((max(fuzz.ratio(said, name) for name in _names(o, ctx)), i)
                     for i, o in enumerate(options)), reverse=True)
    best, index = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return [options[index]] if best >= FUZZY_MIN and best - runner_up >= 5 else []


def _stems(options: tuple[Choice, ...], ctx: Context) -> list[Choice]:
    """Find the options hinted at inside a sentence: the one hinted at most, or all tied."""
    words = tokens(ctx.inbound.text)
    folded = " ".join(words)
    counted: list[tuple[int, int, Choice]] = []
    for index, option in enumerate(options):
        hits = sum(1 for stem in option.stems
                   if (" " in stem and has_phrase(folded, stem))
                   or any(word.startswith(stem) for word in words))
        hits += sum(1 for word in option.words if len(word) >= 3
                    and word not in YES_WORDS + NO_WORDS and has_phrase(folded, fold(word)))
        if hits:
            counted.append((-hits, index, option))
    counted.sort(key=lambda item: (item[0], item[1]))
    if len(counted) > 1 and counted[0][0] < counted[1][0]:
        return [counted[0][2]]  # one option is hinted at more often than any other
    return [option for _hits, _index, option in counted]
