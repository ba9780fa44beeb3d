"""A report's kind-specific details as the report page says them: words, not JSON keys.

A dropout reads as a teacher writes it ("Class 7A, pupil A.K., 12 days absent, reason: work
— “…”"); a child as "girl, 6–11 years". Any other detail is a label and its value; a key
with no label here shows raw, and tests/test_case_pages.py fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from handlers.categories import AGE_BANDS, label
from handlers.i18n import Msg, Verbatim, msg, nmsg
from models import Report

Text = Msg | Verbatim
Fact = tuple[Text, Text]

LABELS: dict[str, Msg] = {
    "class": msg("Class"),
    "pupil": msg("Pupil"),
    "days_absent": msg("Days absent"),
    "reason": msg("Known reason"),
    "reason_text": msg("In the teacher's words"),
    "age_band": msg("Age"),
    "sex": msg("Sex"),
    "school": msg("School"),
    "words": msg("In the reporter's own words"),
}
# Details the page never shows: how a point was found is in "Located" already.
HIDDEN = frozenset({"located_by"})
DROPOUT_KEYS = ("class", "pupil", "days_absent", "reason", "reason_text")
CHILD_KEYS = ("age_band", "sex")
DROPOUT_REASONS: dict[str, Msg] = {  # lowercase, to sit inside the teacher's sentence
    "work": msg("work"),
    "illness": msg("illness"),
    "migration": msg("migration"),
    "early_marriage": msg("early marriage"),
    "poverty": msg("poverty"),
    "unknown": msg("not known"),
}
SEXES: dict[str, Msg] = {
    "girl": msg("girl"),
    "boy": msg("boy"),
    "unknown": msg("sex not said"),
}
AGE_UNKNOWN = msg("age not known")
QUOTED = msg("“{text}”")
INITIALS = re.compile(r"[^\W\d_]{1,4}")


def pupil_name(pupil: str) -> str:
    """Write a pupil's initials as initials ("AK" -> "A.K."); an EMIS id stays as it is."""
    pupil = pupil.strip()
    if INITIALS.fullmatch(pupil):
        return "".join(f"{letter.upper()}." for letter in pupil)
    return pupil


def dropout_parts(details: dict[str, Any]) -> Iterator[Text]:
    """Yield the pieces of a teacher's flag: class, pupil, days absent, reason, their words."""
    if details.get("class"):
        yield msg("class {class_name}", class_name=Verbatim(str(details["class"])))
    if details.get("pupil"):
        yield msg("pupil {pupil}", pupil=Verbatim(pupil_name(str(details["pupil"]))))
    days = str(details.get("days_absent") or "").strip()
    if days.isdigit():
        yield nmsg("{num} day absent", "{num} days absent", int(days))
    elif days:
        yield msg("days absent: {days}", days=Verbatim(days))
    reason = str(details.get("reason") or "")
    if reason:
        said = DROPOUT_REASONS.get(reason, Verbatim(reason))
        text = str(details.get("reason_text") or "").strip()
        yield msg("reason: {reason} — “{text}”", reason=said, text=Verbatim(text)) if text \
            else msg("reason: {reason}", reason=said)
    elif details.get("reason_text"):
        yield msg(QUOTED.msgid, text=Verbatim(str(details["reason_text"])))


def child_parts(details: dict[str, Any]) -> Iterator[Text]:
    """Yield what is known of a child: sex and age band, in words."""
    sex, age = details.get("sex"), details.get("age_band")
    if sex:
        yield SEXES.get(str(sex), Verbatim(str(sex)))
    if age:
        yield AGE_UNKNOWN if age == "unknown" else label(AGE_BANDS, str(age))


def detail_facts(report: Report, render: Callable[[Text], str]) -> list[Fact]:
    """Return the report's details as (label, value) rows, in the words of `render`."""
    details = report.details if isinstance(report.details, dict) else {}
    facts: list[Fact] = []
    if report.kind == "dropout" and any(details.get(k) for k in DROPOUT_KEYS):
        facts.append((msg("Pupil"), Verbatim(sentence(dropout_parts(details), render))))
    if report.kind == "child_at_risk" and any(details.get(k) for k in CHILD_KEYS):
        facts.append((msg("Child"), Verbatim(sentence(child_parts(details), render))))
    said = (DROPOUT_KEYS if report.kind == "dropout" else ()) + \
        (CHILD_KEYS if report.kind == "child_at_risk" else ())
    for key, value in details.items():
        if key in HIDDEN or key in said or value in (None, "", {}):
            continue
        if key == "school" and report.school is not None:
            continue  # the page names the school already
        facts.append(detail_fact(key, value))
    return facts


def sentence(parts: Iterator[Text], render: Callable[[Text], str]) -> str:
    """Join rendered pieces with commas, the first letter a capital."""
    text = ", ".join(render(part) for part in parts)
    return text[:1].upper() + text[1:]


def detail_fact(key: str, value: Any) -> Fact:
    """Return one detail as (label, value): a known key in words, any other as stored."""
    name = LABELS.get(key, Verbatim(key))
    if key == "reason":
        return name, DROPOUT_REASONS.get(str(value), Verbatim(str(value)))
    if key == "sex":
        return name, SEXES.get(str(value), Verbatim(str(value)))
    if key == "age_band":
        return name, AGE_UNKNOWN if value == "unknown" else label(AGE_BANDS, str(value))
    if isinstance(value, dict):  # the reporter's sentences, by the question they answered
        return name, Verbatim(" / ".join(str(v) for v in value.values()))
    return name, Verbatim(str(value))
