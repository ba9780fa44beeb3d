"""Focal points act on a report from any chat: OK R-7K3M9Q, PROCES, ZGJIDHUR, MBYLL R-… why."""

from __future__ import annotations

from handlers.categories import STATUSES
from handlers.i18n import Verbatim, msg
from handlers.keywords import REFERENCE
from handlers.types import ChangeStatus, Reply
from routing.text import fold

# The words before the reference, as focal points write them in Albanian, Serbian and English.
ACTIONS: dict[str, str] = {
    "ok": "acknowledged", "pranoj": "acknowledged", "pranuar": "acknowledged",
    "prihvatam": "acknowledged", "primljeno": "acknowledged", "ack": "acknowledged",
    "proces": "in_progress", "ne proces": "in_progress", "u toku": "in_progress",
    "in progress": "in_progress",
    "zgjidhur": "resolved", "zgjidhet": "resolved", "reseno": "resolved",
    "resolved": "resolved", "done": "resolved",
    "mbyll": "closed", "mbyllur": "closed", "zatvori": "closed", "zatvoreno": "closed",
    "close": "closed", "closed": "closed",
}
# The first word after the reference when closing: why it is closed.
CLOSE_WORDS: dict[str, str] = {
    "dublikate": "duplicate", "duplikat": "duplicate", "duplicate": "duplicate",
    "pavend": "not_actionable", "paveprim": "not_actionable", "neosnovano": "not_actionable",
    "notactionable": "not_actionable",
    "referuar": "referred", "upuceno": "referred", "referred": "referred",
}
MAX_NOTE = 500


def focal_command(text: str) -> ChangeStatus | None:
    """Read a focal point's action on a report; None when the text is not one."""
    found = REFERENCE.search(text[:1000])
    if found is None:
        return None
    status = ACTIONS.get(fold(text[:found.start()]))
    if status is None:
        return None
    reference = f"R-{found.group(1).upper()}"
    note = " ".join(text[found.end():].split())[:MAX_NOTE]
    reason = None
    if status == "closed":
        first, _, rest = note.partition(" ")
        reason = CLOSE_WORDS.get(fold(first).replace(" ", ""))
        note = rest if reason else note
    shown = Verbatim(reference)
    done = Reply((msg("Report {reference} is now: {status}.", reference=shown,
                      status=STATUSES[status]),))
    refused = Reply((msg("I found no report {reference} assigned to you. Please check the "
                         "reference.", reference=shown),))
    blocked = Reply((msg("Report {reference} cannot be marked \u201c{status}\u201d now. "
                         "Write STATUS {reference} to see where it stands.", reference=shown,
                         status=STATUSES[status]),))
    if status == "closed" and reason is None:
        blocked = Reply((msg("To close {reference}, add the reason: DUBLIKATE, PAVEPRIM "
                             "(nothing to act on) or REFERUAR (referred elsewhere).",
                             reference=shown),))
    return ChangeStatus(reference, status, note, done, refused, blocked, reason)
