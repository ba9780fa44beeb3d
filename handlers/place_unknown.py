"""A place the reporter cannot say: a child at risk is reported all the same, by country.

Someone who sees a child in danger may not know the village. For the child-at-risk flow the
place question takes "nuk e di" (or its button): the report then goes to its country's
national office, known from the phone number or the reporter's earlier reports, and asked
otherwise ("Kosovo or Albania?"), where "I don't know" is an answer too. Nothing is refused.
"""

from __future__ import annotations

from typing import Any

from handlers.choices import Choice, as_options, pick
from handlers.flow import Accept, Context, Stay, StepResult
from handlers.i18n import Msg, msg
from handlers.types import Option, Reply, Text
from handlers.words import DONT_KNOW, dont_know

UNKNOWN = "unknown"
COUNTRY_MODE = "country"
UNKNOWN_OPTION = Option(UNKNOWN, msg("I don't know where"))
HINT = msg("If you do not know where, write DON'T KNOW: it is reported all the same.")
COUNTRIES = (
    Choice("XK", msg("Kosovo"), ("kosove", "kosova", "kosovo", "kosov", "ks", "xk", "rks")),
    Choice("AL", msg("Albania"), ("shqiperi", "shqiperia", "shqiperi", "albania", "albanija",
                                  "al", "albanien")),
    Choice(UNKNOWN, msg("I don't know"), DONT_KNOW),
)


def says_unknown(ctx: Context) -> bool:
    """Tell whether the answer to "where?" is "I don't know", by button or in words."""
    inbound = ctx.inbound
    if inbound.option is not None:
        return inbound.option == UNKNOWN
    return inbound.kind == "text" and dont_know(inbound.text) and len(inbound.text) < 60


def unknown_place(ctx: Context, country: str | None) -> StepResult:
    """Settle an unknown place: by the reporter's country if known, else ask for it."""
    words = " ".join(ctx.inbound.text.split())[:200]
    if country is not None:
        return Accept(unknown_value(country, words))
    return Stay(Reply((msg("Is the child in Kosovo or in Albania?"),), as_options(COUNTRIES)),
                {"mode": COUNTRY_MODE, "words": words})


def country_answer(ctx: Context, pending: dict[str, Any]) -> StepResult | None:
    """Take the answer to "Kosovo or Albania?"; None when it is not one (a place, maybe)."""
    chosen = pick(COUNTRIES, ctx)
    if isinstance(chosen, Msg):
        return None
    country = None if chosen.key == UNKNOWN else chosen.key
    return Accept(unknown_value(country, str(pending.get("words") or "")))


def unknown_value(country: str | None, words: str) -> dict[str, Any]:
    """Return the stored answer for a place not known: the country, if any, and the words."""
    return {"unknown": True, "country": country, "words": words}


def is_unknown(value: Any) -> bool:
    """Tell whether a stored place answer is "not known"."""
    return isinstance(value, dict) and bool(value.get("unknown"))


def shown(value: dict[str, Any]) -> Text:
    """Return a place not known as the summary shows it, with its country when known."""
    country = value.get("country")
    if country in ("XK", "AL"):
        return msg("Not known ({country})", country=COUNTRIES[0 if country == "XK" else 1].label)
    return msg("Not known")
