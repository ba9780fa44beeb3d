"""The kinds of question a flow can ask: a choice, free text, a number, a code, a photo."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handlers.flow import Accept, Condition, Context, Reject, State, StepResult
from handlers.i18n import Msg, Verbatim, msg, nmsg
from handlers.types import Option, Reply, Text
from routing.text import fold

# Channels on which a person can send a photo (the terminal and the simulator name theirs).
PHOTO_CHANNELS = frozenset({"telegram", "whatsapp"})
SKIP_WORDS = frozenset({"skip", "kalo", "anashkalo", "pa", "preskoci", "preskoči", "-", "jo foto"})
YES_WORDS = ("po", "yes", "da", "y", "ok", "sakte", "eshte", "tacno")
NO_WORDS = ("jo", "no", "ne", "n", "gabim", "nije")


@dataclass(frozen=True)
class Choice:
    """One answer to pick: a slug, its label, and words that also select it in any language."""

    key: str
    label: Text
    words: tuple[str, ...] = ()


def pick(options: tuple[Choice, ...], ctx: Context) -> Choice | Msg:
    """Find the option a message selects: button, number, label or word; else the error."""
    inbound = ctx.inbound
    if inbound.option is not None:
        chosen = next((o for o in options if o.key == inbound.option), None)
        return chosen or msg("That button belongs to an earlier question. Please choose again.")
    text = fold(inbound.text)
    if not text:
        return msg("Please answer with one of the options below.")
    # "-1" folds to "1"; only a plain number (maybe "2." or "2)") picks by position.
    if text.isdigit() and inbound.text.strip().rstrip(".)").isdigit():
        index = int(text) - 1
        if 0 <= index < len(options):
            return options[index]
        return msg("Please answer with a number from 1 to {count}.", count=len(options))
    if text.isdigit():
        return msg("Please answer with one of the options below.")
    for option in options:
        names = {option.key.replace("_", " "), ctx.fold_label(option.label)}
        names.update(fold(word) for word in option.words)
        if text in names:
            return option
    starts = [o for o in options if len(text) >= 3 and ctx.fold_label(o.label).startswith(text)]
    if len(starts) == 1:
        return starts[0]
    return msg("Please answer with one of the options below.")


def as_options(options: tuple[Choice, ...]) -> tuple[Option, ...]:
    """Return choices as the neutral options adapters render."""
    return tuple(Option(o.key, o.label) for o in options)


@dataclass(frozen=True)
class Choose:
    """Ask the person to pick one of a few options."""

    name: str
    title: Msg
    prompt: Msg
    options: tuple[Choice, ...]
    when: Condition | None = None
    after: Callable[[str, Context], tuple[Reply, ...]] | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question with its options."""
        return Reply((self.prompt,), as_options(self.options))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept the picked option's slug, or explain what is expected."""
        chosen = pick(self.options, ctx)
        if isinstance(chosen, Msg):
            return Reject(chosen)
        replies = self.after(chosen.key, ctx) if self.after else ()
        return Accept(chosen.key, replies)

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the chosen option's label."""
        return next((o.label for o in self.options if o.key == value), Verbatim(str(value)))


YES = Choice("yes", msg("Yes"), YES_WORDS)
NO = Choice("no", msg("No"), NO_WORDS)
# "Maybe" or "I don't know" to "is the child in danger now?" is answered as a yes: when in
# doubt, the numbers to call are shown and the report goes out as urgent.
MAYBE_WORDS = ("ndoshta", "mbase", "nuk e di", "s'e di", "se di", "nuk jam i sigurt",
               "nuk jam e sigurt", "mozda", "ne znam", "nisam siguran", "nisam sigurna",
               "maybe", "not sure", "don't know", "dont know", "i don't know", "perhaps")
DANGER_YES = Choice("yes", msg("Yes"), YES_WORDS + MAYBE_WORDS)


def yes_no(ctx: Context) -> bool | None:
    """Read a yes or a no from the message; None when it is neither."""
    chosen = pick((YES, NO), ctx)
    return None if isinstance(chosen, Msg) else chosen.key == "yes"


def has_words(text: str) -> bool:
    """Tell whether text carries at least one letter or digit (not only emoji or dots)."""
    return any(char.isalnum() for char in text)


@dataclass(frozen=True)
class FreeText:
    """Ask for a few words of the person's own, within sane limits."""

    name: str
    title: Msg
    prompt: Msg
    max_length: int = 1000
    min_length: int = 3
    when: Condition | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question."""
        return Reply((self.prompt,))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept text within the limits, or say what is wrong with it."""
        if ctx.inbound.kind != "text" or ctx.inbound.option is not None:
            return Reject(msg("Please answer in words."))
        text = " ".join(ctx.inbound.text.split())
        if not has_words(text):
            return Reject(msg("Please answer in words."))
        if len(text) > self.max_length:
            return Reject(msg("That is {length} characters; please keep it under {limit}.",
                              length=len(text), limit=self.max_length))
        if len(text) < self.min_length:
            return Reject(msg("Please write a little more."))
        return Accept(text)

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the person's words as they wrote them."""
        return Verbatim(str(value))


# A number first, maybe followed by a word ("12", "12 dite"), never digits inside other text.
_FIRST_NUMBER = re.compile(r"^\s*(\d{1,6})(?:\s|$|[.,]\s*\w*)")


@dataclass(frozen=True)
class Number:
    """Ask for a whole number in a range, such as days absent."""

    name: str
    title: Msg
    prompt: Msg
    low: int
    high: int
    when: Condition | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question."""
        return Reply((self.prompt,))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept the first number in the message when it lies in range."""
        found = _FIRST_NUMBER.match(ctx.inbound.text)
        if found is None or not self.low <= int(found.group(1)) <= self.high:
            return Reject(msg("Please write a number from {low} to {high}.",
                              low=self.low, high=self.high))
        return Accept(int(found.group(1)))

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the number."""
        return Verbatim(str(value))


@dataclass(frozen=True)
class Code:
    """Ask for a short code (a class, initials) checked by a parser returning a value or error."""

    name: str
    title: Msg
    prompt: Msg
    parse: Callable[[str], str | Msg]
    when: Condition | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question."""
        return Reply((self.prompt,))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept what the parser makes of the text, or pass on its error."""
        parsed = self.parse(ctx.inbound.text)
        return Reject(parsed) if isinstance(parsed, Msg) else Accept(parsed)

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the code."""
        return Verbatim(str(value))


@dataclass(frozen=True)
class Photo:
    """Ask for an optional photo; the skip word or button goes on without one."""

    name: str
    title: Msg
    prompt: Msg
    when: Condition | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question with a skip option."""
        return Reply((self.prompt,), (Option("skip", msg("Skip")),), skippable=True)

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept a photo's file id, or an empty list when skipped."""
        inbound = ctx.inbound
        if inbound.photo:
            return Accept([inbound.photo])
        said = fold(inbound.text)
        if inbound.option == "skip" or (said and (said in {fold(w) for w in SKIP_WORDS}
                                                  or said == ctx.fold_label(msg("Skip")))):
            return Accept([])
        return Reject(msg("Please send a photo, or write SKIP to go on without one."))

    def show(self, value: Any, ctx: Context) -> Text:
        """Say how many photos came with the report."""
        count = len(value) if isinstance(value, list) else 0
        return nmsg("{num} photo", "{num} photos", count) if count else msg("none")
