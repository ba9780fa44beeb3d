"""Where to look for help: the municipality of the person's last report, or a place asked.

Someone who reported before is offered that report's municipality as the first option; any
other answer is the place question of handlers/place.py (a pin, a municipality or a village,
confirmed as it is there).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from handlers.flow import Accept, Condition, Context, State, StepResult
from handlers.i18n import Msg, Verbatim, msg
from handlers.place import AskPlace
from handlers.types import Option, Place, Reply, Text
from handlers.words import bare_number, yes_or_no

LAST = "last"  # the option key of the remembered municipality


@dataclass(frozen=True)
class AskHelpPlace:
    """Ask in which municipality to look, offering the one of the person's last report."""

    name: str
    title: Msg
    place: AskPlace
    when: Condition | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Ask for the place; the remembered municipality comes first as an option."""
        asked = self.place.ask(ctx, state)
        last = _last(ctx)
        if last is None:
            return asked
        lead = msg("Where are you looking for help? Choose {municipality}, where you reported "
                   "last time, or write another municipality or village.",
                   municipality=Verbatim(last.municipality))
        return replace(asked, lines=(lead,), options=(Option(LAST, Verbatim(last.municipality)),
                                                      *asked.options))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Take the remembered municipality when it is chosen; else settle the place asked."""
        last = _last(ctx) if not state.pending else None
        if last is not None and _takes_last(ctx):
            return Accept(asdict(last))
        return self.place.answer(ctx, state)

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the place as the person reads it."""
        return self.place.show(value, ctx)


def _last(ctx: Context) -> Place | None:
    """Return the municipality of the person's last report, if they filed one."""
    inbound = ctx.inbound
    return ctx.world.last_place(inbound.channel, inbound.address, ctx.language)


def _takes_last(ctx: Context) -> bool:
    """Tell whether the answer picks the remembered municipality: its button, 1, or a yes."""
    inbound = ctx.inbound
    if inbound.option is not None:
        return inbound.option == LAST
    return inbound.kind == "text" and (bare_number(inbound.text) == 1
                                       or yes_or_no(inbound.text) is True)
