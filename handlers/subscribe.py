"""Awareness messages (plan §2.2): subscribe to a municipality's messages, or stop them.

Started from the menu or by the keyword ABONOHU (PRETPLATA, SUBSCRIBE); one question, the
municipality, answered as every place is (a pin, "Skenderaj", "skenderaj", a village), and
the person is told, in their language, that it is done and how to stop: CK (ÇK, and STOP on
Telegram; on SMS STOP stops every message). A child in danger, written instead of a place,
leaves the subscription for later and starts the report about the child. See subscribe.mmd.
"""

from __future__ import annotations

from handlers.flow import Context, Finished, Flow, State
from handlers.i18n import Msg, PlaceName, msg
from handlers.menu import CHILD_WORDS
from handlers.place import AskPlace, place_from
from handlers.types import Reply, Subscribe, Unsubscribe
from handlers.words import tokens

NAME = "subscribe"
CHILD_FLOW = "child_at_risk"
# A sentence about a child in danger: a word for a child and a word for harm or danger, in
# any of our languages (word beginnings, folded). A place name is never both.
CHILD_STEMS = (*CHILD_WORDS, "femi", "kid", "cun", "gock", "bebe", "beba")
HARM_STEMS = ("rrezik", "rrah", "dhun", "abuz", "keqtrajt", "godit", "kercen", "perdhun",
              "rremb", "trafik", "lyp", "uri", "ndihm", "shpeto", "opasn", "nasilj", "tuc",
              "zlostavlj", "otet", "danger", "abuse", "beat", "hurt", "help", "pomo")
MIN_WORDS = 3  # "Fshati Fëmijë" is a place; a sentence says what happened

SUBSCRIBED = msg("Thank you! From now on you will receive awareness messages for "
                 "{municipality:loc} now and then, in this language: short advice on keeping "
                 "children safe. To stop them, write CK at any time.")
ALREADY = msg("You already receive the awareness messages for {municipality:loc}; nothing "
              "changes. To stop them, write CK at any time.")
STOPPED = msg("Done: you will receive no more awareness messages. Thank you for following "
              "them. You can still report here at any time, and write ABONOHU if you would "
              "like them again.")
NOT_SUBSCRIBED = msg("You were not receiving any awareness messages, so there is nothing to "
                     "stop. You can report here at any time.")
CHILD_FIRST = msg("The messages can wait: first, the child.")
LATER = msg("Let us finish this first; afterwards write ABONOHU to receive awareness messages.")


def finish(ctx: Context, state: State) -> Finished:
    """Ask the service to keep the subscription; it answers whether it is new."""
    place = place_from(state.answers["place"])
    return Finished((Subscribe(place.municipality_id),), ())


def subscribed_reply(municipality: PlaceName, new: bool) -> Reply:
    """Tell the person they will receive the messages (or already did), and how to stop."""
    template = SUBSCRIBED if new else ALREADY
    return Reply((msg(template.msgid, municipality=municipality),))


def unsubscribed_reply(had: bool) -> Reply:
    """Tell the person, warmly, that the messages have stopped (or that there were none)."""
    return Reply((STOPPED if had else NOT_SUBSCRIBED,))


def unsubscribe() -> Unsubscribe:
    """Return the effect of CK: stop every awareness message to this address."""
    return Unsubscribe()


def child_in_danger(ctx: Context) -> tuple[str, Msg] | None:
    """Return the child-at-risk flow, and why, when the message speaks of a child in danger."""
    inbound = ctx.inbound
    if inbound.kind != "text" or inbound.option is not None:
        return None
    words = tokens(inbound.text)
    if len(words) < MIN_WORDS:
        return None
    child = any(w.startswith(CHILD_STEMS) for w in words)
    harm = any(w.startswith(HARM_STEMS) for w in words)
    return (CHILD_FLOW, CHILD_FIRST) if child and harm else None


SUBSCRIPTION = Flow(
    name=NAME,
    title=msg("Awareness messages"),
    steps=(
        AskPlace("place", msg("Municipality"),
                 msg("Sinjalizo can send you, now and then, a short message from your "
                     "municipality on keeping children safe. For which municipality would you "
                     "like them? Share your location with the button, or write the "
                     "municipality or village."),
                 msg("Sinjalizo can send you, now and then, a short message from your "
                     "municipality on keeping children safe. For which municipality would you "
                     "like them? Write the municipality or village.")),
    ),
    finish=finish,
    confirm=False,  # one answer, said back in the closing reply: no summary to confirm
    yields=child_in_danger,
)
