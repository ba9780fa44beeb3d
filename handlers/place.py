"""The place question: a pin or typed words, matched, and confirmed by the person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from handlers.flow import Accept, Condition, Context, Reject, State, Stay, StepResult
from handlers.i18n import Msg, Verbatim, msg
from handlers.place_answers import (
    NONE,
    choose_reply,
    chosen_by_words,
    confirm_reply,
    example,
    is_none,
    listed_number,
    place_name,
)
from handlers.place_unknown import (
    COUNTRY_MODE,
    HINT,
    UNKNOWN_OPTION,
    country_answer,
    is_unknown,
    says_unknown,
    shown,
    unknown_place,
)
from handlers.steps import has_words, yes_no
from handlers.types import Place, Reply, Text
from routing.text import fold

MAX_CANDIDATES = 5
# A place is a few words; the report keeps them (up to 200 characters, as the gazetteer reads).
MAX_PLACE_TEXT = 200
# WhatsApp has no "share location" button, but a person can attach a pin.
PIN_HINT = msg("You can also send your location: tap 📎 and choose Location.")


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
    # "I don't know where" is an answer (a child at risk is reported all the same).
    unknown_ok: bool = False

    def ask(self, ctx: Context, state: State) -> Reply:
        """Ask for the place, offering a location button where the channel has one."""
        hint = (HINT,) if self.unknown_ok else ()
        if ctx.inbound.channel == "sms":
            return Reply((self.prompt_sms, *hint))
        if ctx.inbound.channel == "whatsapp":
            return Reply((self.prompt_sms, PIN_HINT, *hint))
        options = (UNKNOWN_OPTION,) if self.unknown_ok else ()
        return Reply((self.prompt, *hint), options, ask_location=True)

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Settle the place, then add what `enrich` learns from it."""
        result = self._settle(ctx, state)
        if isinstance(result, Accept) and self.enrich is not None:
            return replace(result, also=self.enrich(ctx, state, result.value))
        return result

    def _settle(self, ctx: Context, state: State) -> StepResult:
        """Settle the place through the sub-dialog kept in `pending`."""
        pending = state.pending
        if self.unknown_ok:
            settled = self._unknown(ctx, pending)
            if settled is not None:
                return settled
        candidates = [place_from(c) for c in pending.get("candidates", [])]
        mode = pending.get("mode") if candidates and ctx.inbound.location is None else None
        countries = bool(pending.get("countries"))
        if mode == "confirm":
            said = yes_no(ctx)
            if said is True:
                return Accept(asdict(candidates[0]))
            if said is False or is_none(ctx):
                return _rejected(pending)
        if mode == "choose":
            chosen = _chosen(ctx, candidates, countries)
            if chosen == NONE:
                return _rejected(pending)
            if isinstance(chosen, Place):
                return Accept(asdict(chosen))
            if isinstance(chosen, Msg):
                return Stay(_led(chosen, choose_reply(candidates, countries)), pending)
        refusal = _refusal(ctx)
        if mode is not None and refusal is not None:
            # The question stays on screen: say what is expected and show it again.
            asked = (confirm_reply(candidates[0], countries) if mode == "confirm"
                     else choose_reply(candidates, countries))
            return Stay(_led(refusal, asked), pending)
        if refusal is not None:
            return Reject(refusal)
        return self._search(ctx, pending, candidates)

    def _search(self, ctx: Context, pending: dict[str, Any],
                listed: list[Place]) -> StepResult:
        """Look the pin or the words up and ask the person to settle the result."""
        inbound = ctx.inbound
        if inbound.location is not None:
            found = ctx.world.locate(*inbound.location, ctx.language)
            if found is None:
                return Reject(msg("That pin is outside Kosovo and Albania. "
                                  "Please write the village and municipality instead."))
            return Stay(confirm_reply(found), {"mode": "confirm", "candidates": [asdict(found)]})
        home = _home(ctx)
        if is_none(ctx):
            # "None of these" with no list before it names no place: never look it up.
            return Reject(msg("Please write the place in words, for example: {example}.",
                              example=example(home, ctx.language)))
        # After a "no", what the person wrote before stays part of their words for the place.
        earlier = pending.get("words") if pending.get("mode") is None else None
        words = _joined(earlier, " ".join(inbound.text.split()))
        places = [replace(p, words=words) for p in
                  ctx.world.match_place(inbound.text, ctx.language, home)[:MAX_CANDIDATES]]
        if not places:
            return Reject(msg("I could not find \u201c{text}\u201d. Please write the municipality, "
                              "for example: Drenas.", text=Verbatim(inbound.text.strip()[:60])))
        return _settled(places, listed, home, words)

    def _unknown(self, ctx: Context, pending: dict[str, Any]) -> StepResult | None:
        """Settle "I don't know where", or the country asked after it; None for anything else."""
        if pending.get("mode") == COUNTRY_MODE:
            answered = country_answer(ctx, pending)
            if answered is not None:
                return answered
        if not says_unknown(ctx):
            return None
        home = _home(ctx)
        if ctx.inbound.option is None and ctx.world.match_place(ctx.inbound.text, ctx.language,
                                                               home):
            return None  # "nuk e di emrin, afër Drenasit": a place after all
        return unknown_place(ctx, home)

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the settled place as the person reads it, with their own words if others."""
        if is_unknown(value):
            return shown(value)
        place = place_from(value)
        said = fold(place.words)
        if not said or said in {fold(place.label()), fold(place.settlement or ""),
                                fold(place.municipality)}:
            return Verbatim(place.label())
        return msg("{place} (you wrote: {words})", place=place_name(place, False),
                   words=Verbatim(place.words))


def _home(ctx: Context) -> str | None:
    """Return the reporter's country as far as it is known (phone prefix, earlier reports)."""
    return ctx.world.reporter_country(ctx.inbound.channel, ctx.inbound.address)


def _led(line: Msg, reply: Reply) -> Reply:
    """Return the reply with a line put before its own."""
    return replace(reply, lines=(line, *reply.lines))


def _refusal(ctx: Context) -> Msg | None:
    """Say why a message cannot be a place, with an example; None when it may be one."""
    inbound = ctx.inbound
    text = inbound.text.strip()
    if inbound.location is not None:
        return None
    if inbound.kind != "text" or inbound.option is not None:
        return msg("Please write the village and municipality, for example: Arllat, Drenas.")
    if has_words(text) and len(text) <= MAX_PLACE_TEXT:
        return None
    shown = example(_home(ctx), ctx.language)
    if not has_words(text):
        return msg("Please write the place in words, for example: {example}.", example=shown)
    return msg("That is {length} characters. Please write only the place, in fewer words, "
               "for example: {example}.", length=len(text), example=shown)


def _rejected(pending: dict[str, Any]) -> Stay:
    """Ask for the municipality after "no", keeping what the person wrote so far."""
    said = pending.get("words")
    return Stay(Reply((msg("Then please write the name of the municipality."),)),
                {"words": said} if isinstance(said, str) and said else {})


def _chosen(ctx: Context, candidates: list[Place], countries: bool) -> Place | str | Msg | None:
    """Return the listed place picked by button, number or name; "none"; an error; or None."""
    if is_none(ctx):
        return NONE
    key = ctx.inbound.option
    number = int(key) if key and key.isdigit() else listed_number(ctx.inbound.text)
    if number is not None:
        if number == len(candidates) + 1:
            return NONE
        if 1 <= number <= len(candidates):
            return candidates[number - 1]
        return msg("Please answer with a number from 1 to {count}.", count=len(candidates) + 1)
    if key is not None:
        return msg("That button belongs to an earlier question. Please choose again.")
    return chosen_by_words(ctx, candidates, countries)


def _joined(earlier: Any, words: str) -> str:
    """Return the person's words for the place, with what they wrote before a "no"."""
    if not isinstance(earlier, str) or not earlier or fold(earlier) in fold(words):
        return words
    if fold(words) in fold(earlier):
        return earlier
    return f"{earlier}; {words}"


def _settled(places: list[Place], listed: list[Place], home: str | None,
             words: str) -> StepResult:
    """Accept a sure match; ask back one to confirm, or several to choose from.

    Sure is a municipality named exactly, in the person's country when that is known. A place
    abroad, or places in both countries, are shown with their country.
    """
    abroad = home is not None and any(p.country != home for p in places)
    countries = abroad or len({p.country for p in places}) > 1
    same = [c for c in listed if _spots([c]) == _spots(places[:1])]
    if len(places) == 1 and same:
        # Named from the list or question just shown ("Mitrovica Veriore"): that is the pick.
        return Accept(asdict(replace(same[0], words=same[0].words or words)))
    if len(places) == 1 and places[0].how in ("name", "alias") and not abroad:
        return Accept(asdict(places[0]))
    pending: dict[str, Any] = {"candidates": [asdict(p) for p in places], "words": words,
                               "countries": countries}
    if len(places) == 1:
        return Stay(confirm_reply(places[0], countries), {"mode": "confirm", **pending})
    asked = choose_reply(places, countries)
    if _spots(places) == _spots(listed):
        # The same name again ("mitrovice"): the list stands, say how to answer it.
        asked = _led(msg("Please answer with one of the options below."), asked)
        pending["words"] = listed[0].words or words
    return Stay(asked, {"mode": "choose", **pending})


def _spots(places: list[Place]) -> set[tuple[int, str | None]]:
    """Return where places are (municipality and village), to compare two lists."""
    return {(p.municipality_id, p.settlement) for p in places}
