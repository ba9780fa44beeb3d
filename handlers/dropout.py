"""School dropout, for registered teachers: guided, or in one line such as BRAKTISJE 7A AK 12."""

from __future__ import annotations

import re
from typing import Any

from handlers.categories import DROPOUT_REASONS, DROPOUT_STATUSES
from handlers.filing import file_report
from handlers.flow import Context, Finished, Flow, State
from handlers.i18n import Msg, msg
from handlers.steps import Choose, Code, Number
from routing.text import fold

# The first word of the one-line form, as teachers write it, in all three languages.
STATUS_WORDS: dict[str, str] = {
    "braktisje": "dropout", "braktisi": "dropout", "braktis": "dropout", "dropout": "dropout",
    "napustanje": "dropout", "napustio": "dropout",
    "mungese": "absence", "mungon": "absence", "mungesa": "absence", "absence": "absence",
    "izostanak": "absence",
    "paregjistruar": "not_enrolled", "mosregjistrim": "not_enrolled",
    "pa regjistruar": "not_enrolled", "neupisan": "not_enrolled", "notenrolled": "not_enrolled",
    "rrezik": "at_risk", "rrezikbraktisje": "at_risk", "rizik": "at_risk", "risk": "at_risk",
}
_CLASS = re.compile(r"^(\d{1,2})\s*[-/.]?\s*([a-z]|\d{1,2})?$")
_INITIALS = re.compile(r"^[^\W\d_]{1,2}(?:[ .]*[^\W\d_]){1,3}\.?$")
_PUPIL_ID = re.compile(r"^[0-9A-Za-z]{5,20}$")
MAX_DAYS = 365


def parse_class(text: str) -> str | Msg:
    """Read a class such as 7A, 7-a or 10/2, returned as 7A or 10/2."""
    found = _CLASS.match(fold(text).replace(" ", ""))
    if found is None or not 1 <= int(found.group(1)) <= 13:
        return msg("Please write the class as grade and section, for example 7A.")
    grade, section = found.group(1), (found.group(2) or "").upper()
    return f"{grade}/{section}" if section.isdigit() else f"{grade}{section}"


def parse_pupil(text: str) -> str | Msg:
    """Read the pupil's initials or EMIS id; refuse anything that looks like a full name."""
    raw = text.strip()
    if _PUPIL_ID.match(raw) and any(c.isdigit() for c in raw):
        return raw.upper()
    if _INITIALS.match(raw) and sum(c.isalpha() for c in raw) <= 4:
        return "".join(c for c in raw if c.isalpha()).upper()
    return msg("Please write only the pupil's initials (for example AK) or the EMIS pupil id, "
               "never the full name.")


def needs_days(answers: dict[str, Any]) -> bool:
    """Ask for days absent unless the child was never enrolled."""
    return answers.get("status") != "not_enrolled"


def teachers_only(ctx: Context) -> Msg | None:
    """Refuse politely when the sender is not a registered teacher."""
    if ctx.world.teacher(ctx.inbound.channel, ctx.inbound.address) is not None:
        return None
    return msg("Only registered teachers can flag a school dropout from this service. "
               "If you are a teacher, ask your school director to register your number. "
               "To reach a school, please call its office. If a child is at risk, "
               "you can report it here: choose \u201cReport a child at risk\u201d.")


def finish(ctx: Context, state: State) -> Finished:
    """File the flag for the teacher's school, routed to its dropout team."""
    teacher = ctx.world.teacher(ctx.inbound.channel, ctx.inbound.address)
    answers = state.answers
    details = {"class": answers["class"], "pupil": answers["pupil"],
               "days_absent": answers.get("days") if needs_days(answers) else None,
               "reason": answers.get("reason", "unknown")}
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
        Number("days", msg("Days absent"), msg("How many school days has the pupil missed?"),
               0, MAX_DAYS, when=needs_days),
        Choose("reason", msg("Reason"), msg("Is the reason known?"), DROPOUT_REASONS),
    ),
    finish=finish,
    gate=teachers_only,
)


def one_shot(text: str) -> dict[str, Any] | None:
    """Read the one-line form (BRAKTISJE 7A AK 12 [reason]); None when it is not one."""
    words = text.split()
    if not words or len(text) > 160:
        return None
    status = STATUS_WORDS.get(fold(words[0]).replace(" ", ""))
    if status is None:
        return None
    answers: dict[str, Any] = {"status": status}
    for word in words[1:]:
        _take(answers, word)
    return answers


def _take(answers: dict[str, Any], word: str) -> None:
    """Place one word of the one-line form into the answer it fits first."""
    if "class" not in answers and not isinstance(parse_class(word), Msg):
        answers["class"] = parse_class(word)
    elif "pupil" not in answers and not isinstance(parse_pupil(word), Msg) \
            and not (word.isdigit() and len(word) < 5):
        answers["pupil"] = parse_pupil(word)
    elif "days" not in answers and word.isdigit() and int(word) <= MAX_DAYS:
        answers["days"] = int(word)
    elif "reason" not in answers:
        folded = fold(word)
        for choice in DROPOUT_REASONS:
            if folded in {fold(w) for w in choice.words} | {choice.key}:
                answers["reason"] = choice.key


def complete(answers: dict[str, Any]) -> bool:
    """Tell whether a one-line flag carries every answer needed to file it at once."""
    needed = {"status", "class", "pupil"} | ({"days"} if needs_days(answers) else set())
    return needed <= answers.keys()
