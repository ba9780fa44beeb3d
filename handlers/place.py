"""The place question: a pin or typed words, matched, and confirmed by the person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from handlers.flow import Accept, Condition, Context, Reject, State, Stay, StepResult
from handlers.i18n import Msg, Verbatim, msg
from handlers.steps import NO, YES, has_words, yes_no
from handlers.types import Option, Place, Reply, Text

MAX_CANDIDATES = 5


def place_from(data: dict[str, Any]) -> Place:
    """Rebuild a Place stored in the conversation state."""
    municipality_id, municipality = data.get("municipality_id"), data.get("municipality")
    if not isinstance(municipality_id, int) or not isinstance(municipality, str):
        raise ValueError("a stored place lacks its municipality")
    return Place(municipality_id, municipality, str(data.get("country") or ""),
                 _text(data.get("settlement")), _number(data.get("lat")),
                 _number(data.get("lon")), str(data.get("how") or "name"),
                 str(data.get("words") or ""))


def _text(value: Any) -> str | None:
    """Return a stored string, or None."""
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    """Return a stored coordinate, or None."""
    return float(value) if isinstance(value, int | float) else None


def confirm_reply(place: Place) -> Reply:
    """Ask whether the found place is right."""
    return Reply((msg("I found: {place}. Is that right?", place=Verbatim(place.label())),),
                 (Option(YES.key, YES.label), Option(NO.key, NO.label)))


def choose_reply(places: list[Place]) -> Reply:
    """Ask which of several places was meant."""
    options = tuple(Option(str(i), Verbatim(p.label())) for i, p in enumerate(places, 1))
    return Reply((msg("Which place do you mean?"),),
                 (*options, Option("none", msg("None of these"))))


@dataclass(frozen=True)
class AskPlace:
    """Ask where: a Telegram pin or a typed village or municipality, always settled with them."""

    name: str
    title: Msg
    prompt: Msg
    prompt_sms: Msg
    when: Condition | None = None
    # Further answers learnt from the settled place (the hazard flow's nearby reports).
    enrich: Callable[[Context, State, dict[str, Any]], dict[str, Any]] | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """Ask for the place, offering a location button where the channel has one."""
        if ctx.inbound.channel == "sms":
            return Reply((self.prompt_sms,))
        return Reply((self.prompt,), ask_location=True)

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Settle the place, then add what `enrich` learns from it."""
        result = self._settle(ctx, state)
        if isinstance(result, Accept) and self.enrich is not None:
            return replace(result, also=self.enrich(ctx, state, result.value))
        return result

    def _settle(self, ctx: Context, state: State) -> StepResult:
        """Settle the place through the sub-dialog kept in `pending`."""
        pending = state.pending
        candidates = [place_from(c) for c in pending.get("candidates", [])]
        if pending.get("mode") == "confirm" and ctx.inbound.location is None:
            said = yes_no(ctx)
            if said is True:
                return Accept(asdict(candidates[0]))
            if said is False:
                return Stay(Reply((msg("Then please write the name of the municipality."),)), {})
        if pending.get("mode") == "choose" and ctx.inbound.location is None:
            chosen = self._chosen(ctx, candidates)
            if chosen == "none":
                return Stay(Reply((msg("Then please write the name of the municipality."),)), {})
            if isinstance(chosen, Place):
                return Accept(asdict(chosen))
            if ctx.inbound.text.strip().isdigit():
                listed = choose_reply(candidates)
                error = msg("Please answer with a number from 1 to {count}.",
                            count=len(candidates) + 1)
                return Stay(replace(listed, lines=(error, *listed.lines)), pending)
        return self._search(ctx)

    def _chosen(self, ctx: Context, candidates: list[Place]) -> Place | str | None:
        """Return the listed place picked by number or button, "none", or None."""
        key = ctx.inbound.option or ctx.inbound.text.strip()
        if key == "none" or key == str(len(candidates) + 1):
            return "none"
        if key.isdigit() and 1 <= int(key) <= len(candidates):
            return candidates[int(key) - 1]
        return None

    def _search(self, ctx: Context) -> StepResult:
        """Look the pin or the words up and ask the person to settle the result."""
        inbound = ctx.inbound
        if inbound.location is not None:
            found = ctx.world.locate(*inbound.location, ctx.language)
            if found is None:
                return Reject(msg("That pin is outside Kosovo and Albania. "
                                  "Please write the village and municipality instead."))
            return Stay(confirm_reply(found), {"mode": "confirm", "candidates": [asdict(found)]})
        if inbound.kind != "text" or not has_words(inbound.text) or len(inbound.text) > 200:
            return Reject(msg("Please write the village and municipality, for example: "
                              "Arllat, Drenas."))
        words = " ".join(inbound.text.split())
        places = [replace(p, words=words)
                  for p in ctx.world.match_place(inbound.text, ctx.language)[:MAX_CANDIDATES]]
        if not places:
            return Reject(msg("I could not find \u201c{text}\u201d. Please write the municipality, "
                              "for example: Drenas.", text=Verbatim(inbound.text.strip()[:60])))
        if len(places) == 1 and places[0].how in ("name", "alias"):
            return Accept(asdict(places[0]))
        if len(places) == 1:
            return Stay(confirm_reply(places[0]), {"mode": "confirm",
                                                   "candidates": [asdict(places[0])]})
        return Stay(choose_reply(places), {"mode": "choose",
                                           "candidates": [asdict(p) for p in places]})

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the settled place as the person reads it."""
        return Verbatim(place_from(value).label())
