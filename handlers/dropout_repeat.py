"""A pupil flagged again: the teacher is told of the earlier report and may add to it.

As soon as the class and the pupil are known (guided or in one line), the teacher's own
flags of the last 14 days are looked up. When one names the same pupil the teacher chooses:
add what they send now to it (its holders are told), file it anyway for another pupil who
shares the initials, or cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.categories import DROPOUT_STATUSES, label
from handlers.flow import Accept, Condition, Context, Finished, Reject, State, StepResult
from handlers.i18n import Msg, Verbatim, When, msg
from handlers.steps import Choice, as_options, pick
from handlers.types import AddToReport, Reply, Text
from handlers.words import YES_WORDS

EARLIER = "earlier"  # the earlier flag found, as JSON
EARLIER_FOR = "earlier_for"  # the class and pupil it was looked up for
MAX_REASON_TEXT = 400


def review(ctx: Context, answers: dict[str, Any]) -> dict[str, Any]:
    """Look up an earlier flag of the pupil once the class and pupil are known (or changed)."""
    key = [answers.get("class"), answers.get("pupil")]
    if None in key or answers.get(EARLIER_FOR) == key:
        return answers
    answers = {k: v for k, v in answers.items() if k not in (EARLIER, "repeat")}
    answers[EARLIER_FOR] = key
    teacher = ctx.world.teacher(ctx.inbound.channel, ctx.inbound.address)
    if teacher is None:
        return answers
    found = ctx.world.earlier_flag(ctx.inbound.channel, ctx.inbound.address,
                                   teacher.school_id, str(key[0]), str(key[1]), ctx.now)
    if found is not None:
        answers[EARLIER] = {"reference": found.reference, "category": found.category,
                            "created_at": found.created_at.isoformat(),
                            "reason_text": found.reason_text}
    return answers


def has_earlier(answers: dict[str, Any]) -> bool:
    """Tell whether an earlier flag of the same pupil was found."""
    return isinstance(answers.get(EARLIER), dict)


def _choices(reference: str) -> tuple[Choice, ...]:
    """Return the three ways on: add to the earlier report, file anyway, or cancel."""
    return (
        Choice("add", msg("Add this to {reference}", reference=Verbatim(reference)),
               ("shto", "shtoje", "shtoji", "add", "dodaj", "dodajte", *YES_WORDS)),
        Choice("another", msg("It is another pupil: file it separately"),
               ("tjeter", "nxenes tjeter", "drugi", "drugi ucenik", "another", "other")),
        Choice("cancel", msg("Cancel"), ("anulo", "otkazi", "cancel")),
    )


@dataclass(frozen=True)
class Repeat:
    """Tell the teacher the pupil is already reported and ask how to go on."""

    name: str
    title: Msg
    when: Condition | None = has_earlier

    def ask(self, ctx: Context, state: State) -> Reply:
        """Name the earlier report (reference, date, situation) and offer to add to it."""
        earlier = state.answers[EARLIER]
        reference = Verbatim(str(earlier["reference"]))
        return Reply((
            msg("Class {class_name}, pupil {pupil} is already reported: {reference}, "
                "{situation}, sent {date}.", class_name=Verbatim(str(state.answers["class"])),
                pupil=Verbatim(str(state.answers["pupil"])), reference=reference,
                situation=label(DROPOUT_STATUSES, str(earlier["category"])),
                date=When(datetime.fromisoformat(str(earlier["created_at"])))),
            msg("Add what you send now to {reference} instead of a second report?",
                reference=reference),
        ), as_options(_choices(str(earlier["reference"]))))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Take the choice; a one-line flag goes on at once, a guided one asks the rest."""
        chosen = pick(_choices(str(state.answers[EARLIER]["reference"])), ctx)
        if isinstance(chosen, Msg):
            return Reject(chosen)
        done = chosen.key == "cancel" or bool(state.answers.get("one_line"))
        return Accept(chosen.key, done=done)

    def show(self, value: Any, ctx: Context) -> Text:
        """Say what will happen to the flag."""
        return {"add": msg("add to the earlier report"),
                "another": msg("file it separately")}.get(str(value), msg("Cancel"))


def add_to_earlier(answers: dict[str, Any], details: dict[str, Any]) -> Finished:
    """Add the new situation, days and reason to the earlier report; its holders are told."""
    earlier = answers[EARLIER]
    reference = Verbatim(str(earlier["reference"]))
    added = {k: v for k, v in details.items()
             if k in ("days_absent", "reason", "reason_text") and v not in (None, "")}
    if added.get("reason") == "unknown" and "reason_text" not in added:
        del added["reason"]  # "unknown" now must not wipe a reason known before
    before = str(earlier.get("reason_text") or "")
    if "reason_text" in added and before and added["reason_text"] not in before:
        added["reason_text"] = f"{before} / {added['reason_text']}"[-MAX_REASON_TEXT:]
    done = Reply((msg("Thank you. What you sent is added to {reference}, and those handling "
                      "it are told of anything new.", reference=reference),
                  msg("To follow it: STATUS {reference}.", reference=reference)))
    gone = Reply((msg("Report {reference} can no longer be added to, so nothing was sent. "
                      "Please send the flag again to file it anew.", reference=reference),))
    effect = AddToReport(str(earlier["reference"]),
                         {"category": answers["status"], "details": added}, done, gone)
    return Finished((effect,), ())
