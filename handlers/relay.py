"""Questions relayed between a focal point and a reporter, as asides outside any flow.

Two asides live in the conversation state, each with its own expiry:

- `asking`, on a focal point's chat, after "Ask the reporter" on an alert: the next text is
  the question (ANULO, MENU or the Cancel button drop it). It lasts 30 minutes.
- `relay`, on a reporter's address, put there by the service when it sends them a question
  (or asks whether a hazard is fixed). If they were not in the middle of a report then
  (mode "next"), their next written message is the answer, for three days. In the middle
  of a report (mode "keyword") the flow keeps its answers, and only ANSWER R-… (PERGJIGJE,
  ODGOVOR) or, to "is it fixed?", YES/NO R-… and the buttons answer.

ANSWER R-XXXXXX words answers at any time, from anywhere, within the 30 days the service
allows; the service checks that a question about that report waits for this address.
The engine tells an answer from a new message with these rules only, and stays pure: the
service writes the `relay` aside and carries out the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from handlers.choices import Choice, understand
from handlers.flow import Context, Outcome, State
from handlers.i18n import Msg, Verbatim, msg
from handlers.keywords import REFERENCE, command_of
from handlers.relay_texts import (
    ASK_NOT_SENT,
    ASK_TEXT_ONLY,
    FIXED_NO,
    FIXED_UNCLEAR,
    FIXED_YES,
    NOT_PASSED,
    WRITTEN_ONLY,
)
from handlers.types import AnswerQuestion, AskReporter, Reply
from handlers.words import NO_EMOJI, NO_WORDS, YES_EMOJI, YES_WORDS, has_phrase, tokens
from routing.text import fold

ANSWER_WORDS = frozenset({"pergjigje", "pergjigja", "pergjigjem", "pergjigj", "pergjigjet",
                          "odgovor", "odgovaram", "answer", "reply"})
ASK_CANCEL = "ask_cancel"  # the option key of the Cancel button under the question's prompt
FIXED_OPTION = re.compile(r"^fixed:(yes|no):(R-[0-9A-Z]{4,10})$")
NEXT_ANSWER = timedelta(days=3)  # how long the next message answers a question
ASKING_TIME = timedelta(minutes=30)  # how long a focal point's next message is the question
ANSWER_LIMIT = 1000  # characters of an answer passed on
QUESTION_LIMIT = 500  # characters of a question
# "Still there" wins over any yes: "po, ende është aty" means it is not fixed.
STILL_THERE = ("ende", "akoma", "still", "jos", "jos uvek", "i dalje", "nuk eshte rregulluar",
               "nuk u rregullua", "s eshte rregulluar", "not fixed", "nije popravljeno",
               "nije sredjeno", "nije reseno", "nije poprav")
FIXED_CHOICES = (
    Choice("yes", FIXED_YES, ("u rregullua", "eshte rregulluar", "rregulluar", "nuk eshte me",
                              "s eshte me", "nuk ka me", "ska me", "popravljeno", "sredjeno",
                              "nema vise", "fixed", "gone", "repaired"),
           ("rregullu", "ndreq", "popravl", "sredj", "fixed", "repair")),
    Choice("no", FIXED_NO, ("ende aty", "akoma aty", "ende eshte", "still there", "jos je tu"),
           ("ende", "akoma", "still")),
)


@dataclass(frozen=True)
class Pending:
    """A question relayed to this reporter, that their messages may answer."""

    reference: str
    kind: str  # question | fixed
    mode: str  # next (the next written message answers) | keyword (only ANSWER R-…)
    until: datetime


def relay_aside(reference: str, kind: str, mode: str, until: datetime) -> dict[str, Any]:
    """Return the `relay` aside as the service writes it into a reporter's state."""
    return {"reference": reference, "kind": kind, "mode": mode, "until": until.isoformat()}


def asking_aside(reference: str, until: datetime) -> dict[str, Any]:
    """Return the `asking` aside as the service writes it into a focal point's state."""
    return {"reference": reference, "until": until.isoformat()}


def _until(aside: dict[str, Any]) -> datetime | None:
    """Read an aside's expiry, None when malformed."""
    try:
        until = datetime.fromisoformat(str(aside.get("until")))
    except ValueError:
        return None
    return until if until.tzinfo is not None else None


def pending(state: State, now: datetime) -> Pending | None:
    """Return the question waiting for this reporter's answer, unless it expired."""
    until = _until(state.relay)
    reference, kind = state.relay.get("reference"), state.relay.get("kind")
    if until is None or until <= now or not isinstance(reference, str) \
            or kind not in ("question", "fixed"):
        return None
    mode = "next" if state.relay.get("mode") == "next" else "keyword"
    return Pending(reference, str(kind), mode, until)


def asking(state: State, now: datetime) -> str | None:
    """Return the report a focal point is writing a question about, unless it expired."""
    until = _until(state.asking)
    reference = state.asking.get("reference")
    return reference if until is not None and until > now and isinstance(reference, str) \
        else None


def settle(state: State, now: datetime) -> State:
    """Drop the asides that expired (or were malformed)."""
    if state.relay and pending(state, now) is None:
        state = replace(state, relay={})
    if state.asking and asking(state, now) is None:
        state = replace(state, asking={})
    return state


def asking_turn(state: State, ctx: Context) -> Outcome | None:
    """Take a focal point's next message as the question they set out to ask; None if not."""
    reference = asking(state, ctx.now)
    if reference is None:
        return None
    inbound = ctx.inbound
    cleared = replace(state, asking={})
    command = command_of(inbound.text) if inbound.kind in ("text", "command") \
        and inbound.option is None else None
    if inbound.option == ASK_CANCEL or (command is not None
                                        and command.name in ("cancel", "menu", "back")):
        return Outcome(cleared, (Reply((ASK_NOT_SENT,)),))
    if inbound.option is not None or command is not None:
        return None  # another button, or STATUS/HELP: answered as usual, still asking
    if inbound.kind != "text" or not inbound.text.strip():
        return Outcome(state, (Reply((ASK_TEXT_ONLY,)),))
    return Outcome(cleared, (), (AskReporter(reference, " ".join(inbound.text.split())),))


def cancel_turn(state: State, ctx: Context) -> Outcome | None:
    """ANULO while the next message would be an answer: pass nothing on; None otherwise."""
    waiting = pending(state, ctx.now)
    if waiting is None or waiting.mode != "next" or state.flow is not None:
        return None
    return Outcome(replace(state, relay={}), (Reply((msg(
        NOT_PASSED.msgid, reference=Verbatim(waiting.reference)),)),))


def explicit_turn(state: State, ctx: Context) -> Outcome | None:
    """Read ANSWER R-… words, YES/NO R-… to "is it fixed?", or a fixed-check button."""
    inbound = ctx.inbound
    waiting = pending(state, ctx.now)
    pressed = FIXED_OPTION.match(inbound.option or "")
    if pressed is not None:
        return _answered(state, waiting, AnswerQuestion(
            pressed.group(2), pressed.group(1), pressed.group(1) == "yes"))
    if inbound.kind != "text" or inbound.option is not None:
        return None
    found = REFERENCE.search(inbound.text[:200])
    if found is None:
        return None
    head = " ".join(tokens(inbound.text[:found.start()]))
    reference = f"R-{found.group(1).upper()}"
    rest = " ".join(inbound.text[found.end():].split())[:ANSWER_LIMIT]
    if head in ANSWER_WORDS:
        return _answered(state, waiting, AnswerQuestion(reference, rest,
                                                        fixed_verdict(ctx, rest)))
    # YES R-… / NO R-… only while a fixed check waits: from anyone else it is just talk.
    if waiting is not None and waiting.kind == "fixed" and not rest \
            and head in (*YES_WORDS, *NO_WORDS):
        return _answered(state, waiting, AnswerQuestion(reference, head,
                                                        head in YES_WORDS))
    return None


def next_turn(state: State, ctx: Context) -> Outcome | None:
    """Take the next written message as the answer, when a question waits in "next" mode."""
    waiting = pending(state, ctx.now)
    inbound = ctx.inbound
    if waiting is None or waiting.mode != "next" or state.flow is not None \
            or inbound.option is not None or inbound.kind == "location":
        return None
    if inbound.kind != "text":
        return Outcome(state, (Reply((WRITTEN_ONLY,)),))
    words = inbound.text.split()
    if words and fold(words[0]) in ANSWER_WORDS:
        words = words[1:]  # "PERGJIGJE, po..." without the reference
    text = " ".join(words)[:ANSWER_LIMIT]
    if not text:
        return None
    if waiting.kind == "question":
        return _answered(state, waiting, AnswerQuestion(waiting.reference, text))
    verdict = fixed_verdict(ctx, text)
    if verdict is None:
        # Not understood: say how to answer, and let the next message be just a message.
        return Outcome(replace(state, relay={}), (Reply((msg(
            FIXED_UNCLEAR.msgid, reference=Verbatim(waiting.reference)),)),))
    return _answered(state, waiting, AnswerQuestion(waiting.reference, text, verdict))


def _answered(state: State, waiting: Pending | None, answer: AnswerQuestion) -> Outcome:
    """Return the answer as an effect; it settles the aside when it answers that question."""
    if waiting is not None and waiting.reference == answer.reference:
        state = replace(state, relay={})
    return Outcome(state, (), (answer,))


def fixed_verdict(ctx: Context, text: str) -> bool | None:
    """Read "is it really fixed?": True fixed, False still there, None when it says neither."""
    if text.strip() in YES_EMOJI or text.strip() in NO_EMOJI:
        return text.strip() in YES_EMOJI
    folded = " ".join(tokens(text))
    if not folded:
        return None
    if any(has_phrase(folded, phrase) for phrase in STILL_THERE):
        return False
    reading = replace(ctx, inbound=replace(ctx.inbound, text=text, option=None, kind="text"))
    found = understand(FIXED_CHOICES, reading)
    if isinstance(found, Msg) or len(found) != 1:
        return None
    return found[0].key == "yes"
