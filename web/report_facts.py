"""A report's kind-specific details as the report page names them: labels, not JSON keys."""

from __future__ import annotations

from typing import Any

from handlers.categories import AGE_BANDS, DROPOUT_REASONS, SEXES, label
from handlers.i18n import Msg, Verbatim, msg
from handlers.steps import Choice

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
CHOICES: dict[str, tuple[Choice, ...]] = {
    "reason": DROPOUT_REASONS, "age_band": AGE_BANDS, "sex": SEXES}


def detail_fact(key: str, value: Any) -> tuple[Msg | Verbatim, Msg | Verbatim]:
    """Return one detail as (label, value): a known key in words, any other as stored."""
    name = LABELS.get(key, Verbatim(key))
    if key in CHOICES:
        return name, label(CHOICES[key], str(value))
    if isinstance(value, dict):  # the reporter's sentences, by the question they answered
        return name, Verbatim(" / ".join(str(v) for v in value.values()))
    return name, Verbatim("–" if value is None else str(value))
