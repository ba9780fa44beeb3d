"""Focal points act on a report from any chat: OK R-7K3M9Q, PROCES, ZGJIDHUR, MBYLL, PYET, REFERO.

The words come from the focal action table (handlers/focal_actions.py); the service applies
the action and words the answer with `answer_for`, whatever happened.
"""

from __future__ import annotations

from typing import Literal

from handlers.categories import STATUSES
from handlers.focal_actions import CLOSE_WORDS as CLOSE_WORDS
from handlers.focal_actions import by_word
from handlers.i18n import Msg, Verbatim, msg
from handlers.keywords import REFERENCE
from handlers.types import AskReporter, ChangeStatus, Refer, Reply
from routing.text import fold

MAX_NOTE = 500
Outcome = Literal["changed", "unchanged", "blocked", "reason_required", "not_found"]
NOW = msg("Report {reference} is now: {status}.")
UNCHANGED = msg("Report {reference} is already: {status}.")
NOT_FOUND = msg("I found no report {reference} assigned to you. Please check the reference.")
BLOCKED = msg("Report {reference} cannot be marked \u201c{status}\u201d now. "
              "Write STATUS {reference} to see where it stands.")
REASON_NEEDED = msg("To close {reference}, add the reason: DUBLIKATE, PAVEPRIM "
                    "(nothing to act on) or REFERUAR (referred elsewhere).")


def focal_command(text: str) -> ChangeStatus | AskReporter | Refer | None:
    """Read a focal point's action on a report; None when the text is not one."""
    found = REFERENCE.search(text[:1000])
    if found is None:
        return None
    action = by_word(fold(text[:found.start()]))
    if action is None:
        return None
    reference = f"R-{found.group(1).upper()}"
    rest = " ".join(text[found.end():].split())
    if action.kind == "ask":
        return AskReporter(reference, rest)
    if action.kind == "refer":
        return Refer(reference, rest[:MAX_NOTE])
    note = rest[:MAX_NOTE]
    reason = None
    if "reason" in action.needs:
        first, _, after = note.partition(" ")
        reason = CLOSE_WORDS.get(fold(first).replace(" ", ""))
        note = after if reason else note
    return ChangeStatus(reference, action.key, note, reason)


def answer_for(outcome: Outcome, reference: str, status: str, target: str) -> Reply:
    """Word the answer to a chat action: done, already so, not possible now, or not found.

    `status` is where the report stands now, `target` where the action would have taken it.
    """
    shown = Verbatim(reference)
    if outcome == "not_found":
        return Reply((msg(NOT_FOUND.msgid, reference=shown),))
    if outcome == "reason_required":
        return Reply((msg(REASON_NEEDED.msgid, reference=shown),))
    named = target if outcome == "blocked" else status
    label: Msg | Verbatim = STATUSES.get(named, Verbatim(named))
    template = {"changed": NOW, "unchanged": UNCHANGED}.get(outcome, BLOCKED)
    return Reply((msg(template.msgid, reference=shown, status=label),))
