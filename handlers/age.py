"""The child's age: an age band, picked as an option or written as the age itself.

People answer "about how old?" with the age: `10`, `10 vjeç`, `rreth 10`, `dhjetë`,
`10 godina`, `8 muaj`. On SMS the bands are numbered 1) to 5), so a bare number up to 5
picks that option, as everywhere else on SMS; any other number is an age. On Telegram the
bands are buttons and carry no numbers, so a typed number is always an age.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.choices import Choice, as_options, numbered, understand
from handlers.flow import Accept, Condition, Context, Reject, State, StepResult
from handlers.i18n import Msg, Verbatim, msg
from handlers.types import Reply, Text
from handlers.words import age_in, bare_number, dont_know

UNKNOWN = "unknown"
ADULT = 18


def band_of(years: int, options: tuple[Choice, ...]) -> str | None:
    """Return the key of the band ("6-11") holding an age, if one does."""
    for option in options:
        low, _, high = option.key.partition("-")
        if low.isdigit() and high.isdigit() and int(low) <= years <= int(high):
            return option.key
    return None


@dataclass(frozen=True)
class AskAge:
    """Ask about how old the child is: a band, or the age in years in any of our languages."""

    name: str
    title: Msg
    prompt: Msg
    options: tuple[Choice, ...]
    when: Condition | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question with the bands as options."""
        return Reply((self.prompt,), as_options(self.options))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Accept the band picked or the one holding the age written; else say what to write."""
        inbound = ctx.inbound
        if inbound.option is None and inbound.kind == "text":
            text = inbound.text
            if dont_know(text):
                return Accept(UNKNOWN)
            number = bare_number(text)
            picks = number is not None and numbered(ctx.channel) \
                and 1 <= number <= len(self.options)
            found = None if picks or text.strip().startswith("-") else age_in(text)
            if found is not None:
                return self._age(found[0])
        chosen = understand(self.options, ctx)
        if isinstance(chosen, list) and len(chosen) == 1:
            return Accept(chosen[0].key)
        return Reject(msg("Please write the child's age in years, for example 10, or choose "
                          "one of the options below."))

    def _age(self, years: int) -> StepResult:
        """Accept the band of an age, refusing an adult's age."""
        key = band_of(years, self.options)
        if years >= ADULT or key is None:
            return Reject(msg("Sinjalizo is for children under 18. Please write the child's "
                              "age, for example 10, or choose \u201cI don't know\u201d."))
        return Accept(key)

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the band's label."""
        return next((o.label for o in self.options if o.key == value), Verbatim(str(value)))
