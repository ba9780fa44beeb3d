"""School dropout, for registered teachers: guided, or in one line such as BRAKTISJE 7A AK 12.

The one-line form is read in `dropout_line`; a pupil the teacher flagged in the last 14 days
is offered for adding to (`dropout_repeat`); answers are read as teachers give them
(`pupil_answers`, `dropout_steps`).
"""

from __future__ import annotations

from typing import Any

from handlers.categories import DROPOUT_STATUSES
from handlers.dropout_line import MAX_LINE
from handlers.dropout_repeat import Repeat, add_to_earlier, review
from handlers.dropout_steps import DaysAbsent, KnownReason
from handlers.filing import file_report
from handlers.flow import Context, Finished, Flow, State
from handlers.i18n import Msg, msg
from handlers.pupil_answers import CLASS_WORDS, PUPIL_WORDS, class_at, pupil_at
from handlers.steps import Choose, Code
from handlers.types import Reply
from routing.text import fold


def parse_class(text: str) -> str | Msg:
    """Read a class such as 7A, 7 a, kl. 7A, VII A or 7/2, returned as 7A or 7/2."""
    tokens = fold(text).split()
    found = class_at(tokens, 0)
    # A word after the class is the class named again: "7 A klasa", "7. razred".
    if found is None or any(t not in CLASS_WORDS for t in tokens[found.used:]):
        return msg("Please write the class as grade and section, for example 7A.")
    return found.value


def parse_pupil(text: str) -> str | Msg:
    """Read the pupil's initials or EMIS id; refuse anything that looks like a full name."""
    tokens = fold(text).split()
    found = pupil_at(tokens, 0)
    # A word after the initials names them again: "AK (inicialet)".
    if found is None or any(t not in PUPIL_WORDS for t in tokens[found.used:]):
        return msg("Please write only the pupil's initials (for example AK) or the EMIS pupil "
                   "id, never the full name.")
    return found.value


def needs_days(answers: dict[str, Any]) -> bool:
    """Ask for days absent unless the child was never enrolled."""
    return answers.get("status") != "not_enrolled"


def complete(answers: dict[str, Any]) -> bool:
    """Tell whether a one-line flag carries every answer needed to file it at once."""
    needed = {"status", "class", "pupil"} | ({"days"} if needs_days(answers) else set())
    return needed <= answers.keys()


def one_line(answers: dict[str, Any]) -> dict[str, Any]:
    """Return a complete one-line flag's answers, marked as such, the reason unknown if unsaid."""
    return {"reason": "unknown", **answers, "one_line": True}


def teachers_only(ctx: Context) -> Reply | None:
    """Refuse politely when the sender is not a registered teacher, saying where else to go."""
    if ctx.world.teacher(ctx.inbound.channel, ctx.inbound.address) is not None:
        return None
    # Two paragraphs, so that each fits one SMS whole rather than both being cut to two.
    return Reply((msg("Only registered teachers can flag a school dropout from this service. "
                      "If you are a teacher, ask your school director to register your "
                      "number."),
                  msg("To reach a school, please call its office. If a child is at risk, "
                      "you can report it here: choose \u201cReport a child at risk\u201d.")))


def too_long(length: int) -> Reply:
    """Explain the one-line form to a teacher whose flag is longer than a flag may be."""
    return Reply((
        msg("Your message has {length} characters, more than a dropout flag can take "
            "({limit}), so nothing was filed.", length=length, limit=MAX_LINE),
        msg("Write one line: SITUATION CLASS INITIALS DAYS REASON, the reason in a sentence "
            "or two. For example: RREZIK 9C LM 3 works on building sites with his father"),
        msg("Or write MENU to be asked step by step."),
    ))


def finish(ctx: Context, state: State) -> Finished:
    """File the flag for the teacher's school, or add it to the earlier report, or cancel."""
    teacher = ctx.world.teacher(ctx.inbound.channel, ctx.inbound.address)
    answers = state.answers
    if answers.get("repeat") == "cancel":
        return Finished((), (Reply((msg("Cancelled. Nothing was sent."),)),))
    details = {"class": answers["class"], "pupil": answers["pupil"],
               "days_absent": answers.get("days") if needs_days(answers) else None,
               "reason": answers.get("reason", "unknown")}
    if answers.get("reason_text"):
        details["reason_text"] = answers["reason_text"]
    if answers.get("repeat") == "add":
        return add_to_earlier(answers, details)
    return file_report(
        ctx, kind="dropout", category=answers["status"],
        school_id=teacher.school_id if teacher else None,
        municipality_id=teacher.municipality_id if teacher else None,
        details=details | {"school": teacher.school_name if teacher else None},
    )


DROPOUT = Flow(
    name="dropout",
    title=msg("School dropout"),
    steps=(
        Choose("status", msg("Situation"), msg("What is the pupil's situation?"),
               DROPOUT_STATUSES),
        Code("class", msg("Class"), msg("Which class? For example 7A."), parse_class),
        Code("pupil", msg("Pupil"),
             msg("The pupil's initials (for example AK) or EMIS pupil id. Never the full name."),
             parse_pupil),
        Repeat("repeat", msg("Already reported")),
        DaysAbsent("days", msg("Days absent"), msg("How many school days has the pupil missed?"),
                   when=needs_days),
        KnownReason("reason", msg("Reason"),
                    msg("What is the reason, if known? Choose a number, or write it in a few "
                        "words.")),
    ),
    finish=finish,
    gate=teachers_only,
    review=review,
)
