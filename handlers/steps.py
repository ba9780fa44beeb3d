"""The kinds of question a flow can ask: a choice, free text, a number, a code, a photo."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Choice, as_options and pick are re-exported: flows have always found them here.
from handlers.choices import Choice as Choice
from handlers.choices import as_options as as_options
from handlers.choices import pick as pick
from handlers.choices import understand
from handlers.flow import Accept, Condition, Context, Reject, State, Stay, StepResult
from handlers.i18n import Msg, Verbatim, msg, nmsg
from handlers.types import Reply, Text
from handlers.words import DONT_KNOW, MAYBE, NO_WORDS, YES_WORDS, tokens

# Channels on which a person can send a photo (the terminal and the simulator name theirs).
PHOTO_CHANNELS = frozenset({"telegram", "whatsapp"})
# "jo" or "ne" to "send a photo if you can" means there is none.
SKIP_WORDS = frozenset({"skip", "kalo", "anashkalo", "pa", "preskoci", "preskoči", "-", "jo foto",
                        "pa foto", "nuk kam", "s kam", "nemam", "bez slike", "no photo", "jo",
                        "ne", "no", "nuk", "nuk mundem", "ne mogu", "nema", "s'kam", "ska"})


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
        """Accept the option meant; ask which when a sentence hints at several."""
        among = [o for o in self.options if o.key in state.pending.get("among", ())]
        found = understand(tuple(among), ctx) if among else []
        if not found or isinstance(found, Msg):
            found = understand(self.options, ctx)
        if isinstance(found, Msg):
            return Reject(found)
        if len(found) > 1:
            return Stay(narrowed(self.prompt, found), {"among": [o.key for o in found],
                                                      "said": ctx.inbound.text[:SAID_LIMIT]})
        chosen = found[0]
        replies = self.after(chosen.key, ctx) if self.after else ()
        return Accept(chosen.key, replies, also=said_also(self.name, ctx, state))

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the chosen option's label."""
        return next((o.label for o in self.options if o.key == value), Verbatim(str(value)))


YES = Choice("yes", msg("Yes"), YES_WORDS)
NO = Choice("no", msg("No"), NO_WORDS)
# "Maybe" or "I don't know" to "is the child in danger now?" is answered as a yes: when in
# doubt, the numbers to call are shown and the report goes out as urgent.
DANGER_YES = Choice("yes", msg("Yes"), YES_WORDS + MAYBE + DONT_KNOW + (
    "urgjent", "tani", "menjehere", "hitno", "odmah", "now", "urgent"), ("rrezik", "opasn",
                                                                         "danger", "rrah"))
SAID_LIMIT = 500  # the person's own words kept from a sentence answering a choice
LONGEST_WORD = 60  # "xxxx…" is not words; the longest words people type are far shorter
TEXT_LIMIT = 2000
SKIP = Choice("skip", msg("Skip"), tuple(SKIP_WORDS))


def yes_no(ctx: Context) -> bool | None:
    """Read a yes or a no from the message; None when it is neither."""
    chosen = pick((YES, NO), ctx)
    return None if isinstance(chosen, Msg) else chosen.key == "yes"


def narrowed(prompt: Msg, found: list[Choice]) -> Reply:
    """Ask which of the few options a sentence hinted at was meant."""
    return Reply((msg("Which of these fits best?"), prompt), as_options(tuple(found)))


def said_also(name: str, ctx: Context, state: State) -> dict[str, Any]:
    """Keep the person's own sentence when it, not a number or a word, answered a choice."""
    text = state.pending.get("said") if state.pending.get("among") else ctx.inbound.text
    words = tokens(str(text or ""))
    if ctx.inbound.option is not None and not state.pending.get("among") or len(words) < 3:
        return {}
    return {f"said_{name}": " ".join(str(text).split())[:SAID_LIMIT]}


def has_words(text: str) -> bool:
    """Tell whether text carries at least one letter or digit (not only emoji or dots)."""
    return any(char.isalnum() for char in text)


@dataclass(frozen=True)
class FreeText:
    """Ask for a few words of the person's own; a long answer is kept, not refused."""

    name: str
    title: Msg
    prompt: Msg
    max_length: int = 2000
    min_length: int = 3
    when: Condition | None = None
    example: Msg | None = None  # shown when the answer cannot be taken

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question."""
        return Reply((self.prompt,))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept the person's words (cut at the limit, saying so), or say what is wanted."""
        text = " ".join(ctx.inbound.text.split())
        if ctx.inbound.kind != "text" or ctx.inbound.option is not None \
                or not has_words(text) or max(map(len, text.split())) > LONGEST_WORD:
            return Reject(self._wanted(msg("Please answer in words.")))
        if len(text) < self.min_length:
            return Reject(self._wanted(msg("Please write a little more.")))
        if len(text) > self.max_length:
            cut = text[:self.max_length].rsplit(" ", 1)[0] + "…"
            return Accept(cut, (Reply((msg("Your message was long, so only its first {limit} "
                                           "characters were kept.", limit=self.max_length),)),))
        return Accept(text)

    def _wanted(self, error: Msg) -> Msg:
        """Add the example of a good answer to an error, when the step has one."""
        if self.example is None:
            return error
        return msg("{error} For example: {example}", error=error, example=self.example)

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
    """Ask for an optional photo; the skip word, its number or its button goes on without one."""

    name: str
    title: Msg
    prompt: Msg
    when: Condition | None = None
    text_to: str | None = None  # the step a typed description answers instead

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question with a skip option."""
        return Reply((self.prompt,), as_options((SKIP,)), skippable=True)

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept a photo, or go on without one; words typed here answer `text_to` instead."""
        inbound = ctx.inbound
        if inbound.photo:
            return Accept([inbound.photo])
        skip = understand((SKIP,), ctx)
        if not isinstance(skip, Msg) and len(tokens(inbound.text)) < 3:
            return Accept([])
        text = " ".join(inbound.text.split())
        if self.text_to and inbound.kind == "text" and len(tokens(text)) >= 3 \
                and self.text_to not in state.answers:
            # People describe the danger instead of sending a photo: their words are kept.
            return Accept([], also={self.text_to: text[:TEXT_LIMIT]})
        return Reject(msg("Please send a photo, or write SKIP to go on without one."))

    def show(self, value: Any, ctx: Context) -> Text:
        """Say how many photos came with the report."""
        count = len(value) if isinstance(value, list) else 0
        return nmsg("{num} photo", "{num} photos", count) if count else msg("none")
