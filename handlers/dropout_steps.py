"""The guided dropout questions that read answers as teachers give them: days and reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.categories import DROPOUT_REASONS
from handlers.flow import Accept, Condition, Context, Reject, State, StepResult
from handlers.i18n import Msg, Verbatim, msg
from handlers.number_words import number_at
from handlers.pupil_answers import Days, days_at
from handlers.reasons import recognise
from handlers.steps import as_options, pick
from handlers.types import Reply, Text
from handlers.words import NO_WORDS, YES_WORDS
from routing.text import fold

MAX_DAYS = 365
MAX_REASON_TEXT = 400
RANGE_WORDS = frozenset({"deri", "ose", "apo", "do", "ili", "to", "or"})
DAYS_ERROR = msg("Please write how many school days the pupil has missed, as a number from "
                 "0 to {high}, for example 12.", high=MAX_DAYS)
REASON_ERROR = msg("Please choose a number from the list, or write the reason in a few "
                   "words, for example: works on a building site.")


def read_days(text: str) -> Days | None:
    """Find the days absent in an answer: "12", "rreth 12 ditë", "dy javë", "10-12"."""
    tokens = fold(text).split()
    found: list[Days] = []
    at = 0
    while at < len(tokens):
        read = days_at(tokens, at) if _counts(tokens[at]) else None
        if read is not None:
            found.append(read)
            at += read.used
        else:
            at += 1
    if not found:
        bare = [days_at(tokens, i) for i in range(len(tokens))]
        found = [read for read in bare if read is not None][:1]
    if len(found) == 2 and found[0].days <= found[1].days:
        return found[1]  # a range, "10-12" or "10 deri 12": the longer absence
    return found[0] if len(found) == 1 else None


def _counts(token: str) -> bool:
    """Tell whether a token can begin a count (a digit or a number word)."""
    return token[0].isdigit() or number_at([token], 0) is not None


@dataclass(frozen=True)
class DaysAbsent:
    """Ask how many school days the pupil has missed; weeks and months are counted in days."""

    name: str
    title: Msg
    prompt: Msg
    when: Condition | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question."""
        return Reply((self.prompt,))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept the days in range, saying how weeks or months were counted."""
        read = read_days(ctx.inbound.text) if ctx.inbound.option is None else None
        if read is None or not 0 <= read.days <= MAX_DAYS:
            return Reject(DAYS_ERROR)
        return Accept(read.days, counted(read))

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the number."""
        return Verbatim(str(value))


def counted(read: Days) -> tuple[Reply, ...]:
    """Say how weeks or months were turned into school days, so the teacher can correct it."""
    if read.unit == 5:
        return (Reply((msg("Counted as {days} school days (five a week).", days=read.days),)),)
    if read.unit > 5:
        return (Reply((msg("Counted as {days} school days (about twenty a month).",
                           days=read.days),)),)
    return ()


@dataclass(frozen=True)
class KnownReason:
    """Ask the reason: a number, an option's word, or the teacher's own words (kept)."""

    name: str
    title: Msg
    prompt: Msg
    when: Condition | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question with the reasons to pick from."""
        return Reply((self.prompt,), as_options(DROPOUT_REASONS))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept a picked reason, or recognise one in the teacher's words and keep them."""
        chosen = pick(DROPOUT_REASONS, ctx)
        if not isinstance(chosen, Msg):
            return Accept(chosen.key, also={"reason_text": None})
        inbound = ctx.inbound
        text = " ".join(inbound.text.split())
        if inbound.option is not None or text.strip(".)").isdigit():
            return Reject(chosen)
        if not any(char.isalpha() for char in text):
            return Reject(REASON_ERROR)
        said = fold(text)
        if said in NO_WORDS:
            return Accept("unknown", also={"reason_text": None})
        if said in YES_WORDS:
            return Reject(REASON_ERROR)
        if len(text) > MAX_REASON_TEXT:
            return Reject(msg("That is {length} characters; please keep it under {limit}.",
                              length=len(text), limit=MAX_REASON_TEXT))
        return Accept(recognise(text) or "unknown", also={"reason_text": text})

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the reason's label."""
        return next((c.label for c in DROPOUT_REASONS if c.key == value), Verbatim(str(value)))
