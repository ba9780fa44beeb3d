"""What a focal point may do with a report, written once for every way of doing it.

The alert's Telegram buttons, the chat words (OK R-7K3M9Q, PYET R-7K3M9Q …) and the
dashboard's forms all read this table: each action names its kind, its words and button,
the statuses a status action passes through, and what it needs (a close reason, a note, a
question). Whether an action is open from a status follows from the transitions below,
which are the report's lifecycle (alerts/lifecycle.py applies them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from handlers.i18n import Msg, msg

Kind = Literal["status", "ask", "refer"]
Need = Literal["reason", "note", "question", "service"]
Verdict = Literal["ok", "noop", "not_allowed", "reason_required"]
CLOSE_REASONS = ("duplicate", "not_actionable", "referred")
# Where each status may go. Closing (duplicate, not actionable, referred) is allowed before
# any work starts, since a duplicate is usually spotted on first reading. A resolved report
# is reopened only by the system, when a reporter says it is not fixed (no focal action).
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"acknowledged", "closed"}),
    "routed": frozenset({"acknowledged", "closed"}),
    "acknowledged": frozenset({"in_progress", "resolved", "closed"}),
    "in_progress": frozenset({"resolved", "closed"}),
    "resolved": frozenset({"reopened"}),
    "reopened": frozenset({"acknowledged", "in_progress", "resolved", "closed"}),
}
# Statuses at or past acknowledgement: a late "OK" from a second contact point changes nothing.
TAKEN_UP = frozenset({"acknowledged", "in_progress", "resolved", "closed"})
# Statuses an alert keeps no buttons in, and the dashboard offers no status change from.
FINAL = frozenset({"resolved", "closed"})
# The words of a referral (sq, sr, en).
REFER_WORDS = ("refero", "referoj", "referim", "uputi", "uputiti", "refer")


@dataclass(frozen=True)
class FocalAction:
    """One thing a focal point may do with a report, and how each channel asks for it."""

    key: str
    kind: Kind
    label: Msg  # the button's and the dashboard's name for it
    words: tuple[str, ...] = ()  # folded words before the reference in a chat command
    path: tuple[str, ...] = ()  # statuses passed through, in order (status actions)
    needs: frozenset[Need] = field(default_factory=frozenset)  # must be given
    takes: frozenset[Need] = field(default_factory=frozenset)  # may be given
    button: str | None = None  # the callback prefix of the alert's button, if it has one
    row: int = 0  # the alert keyboard's row the button sits in

    @property
    def target(self) -> str | None:
        """Return the status a status action ends in (None for the others)."""
        return self.path[-1] if self.path else None


NOTE: frozenset[Need] = frozenset({"note"})
# A press on "in progress" or "resolved" takes the report up first, as the focal point
# obviously has; the chat words and the dashboard do the same.
FOCAL_ACTIONS: tuple[FocalAction, ...] = (
    FocalAction("take_up", "status", msg("Acknowledge"),
                ("ok", "pranoj", "pranuar", "prihvatam", "primljeno", "ack"),
                ("acknowledged",), takes=NOTE, button="ack"),
    FocalAction("in_progress", "status", msg("In progress"),
                ("proces", "ne proces", "u toku", "in progress"),
                ("acknowledged", "in_progress"), takes=NOTE, button="proc"),
    FocalAction("resolve", "status", msg("Resolved"),
                ("zgjidhur", "zgjidhet", "reseno", "resolved", "done"),
                ("acknowledged", "resolved"), takes=NOTE, button="done"),
    FocalAction("close", "status", msg("Close, with the reason"),
                ("mbyll", "mbyllur", "zatvori", "zatvoreno", "close", "closed"),
                ("closed",), needs=frozenset({"reason"}), takes=NOTE),
    FocalAction("ask", "ask", msg("Ask the reporter"),
                ("pyet", "pyetje", "pitaj", "pitanje", "ask", "question"),
                needs=frozenset({"question"}), button="ask", row=1),
    # Referring to a service of the directory (REFERO R-7K3M9Q 12 note): the referral's own
    # life (sent, accepted, declined, done) is service/referrals.py's.
    FocalAction("refer", "refer", msg("Refer to a service"), REFER_WORDS,
                needs=frozenset({"service"}), takes=NOTE),
)
# The first word after the reference when closing by chat: why it is closed.
CLOSE_WORDS: dict[str, str] = {
    "dublikate": "duplicate", "duplikat": "duplicate", "duplicate": "duplicate",
    "pavend": "not_actionable", "paveprim": "not_actionable", "neosnovano": "not_actionable",
    "notactionable": "not_actionable",
    "referuar": "referred", "upuceno": "referred", "referred": "referred",
}


def decide(current: str, target: str, reason: str | None) -> Verdict:
    """Decide whether `current` may become `target`: "ok", "noop", or why not."""
    if target == current or (target == "acknowledged" and current in TAKEN_UP):
        return "noop"
    if target not in TRANSITIONS.get(current, frozenset()):
        return "not_allowed"
    if target == "closed" and reason not in CLOSE_REASONS:
        return "reason_required"
    return "ok"


def available(action: FocalAction, status: str) -> bool:
    """Tell whether the action can do something to a report in `status` now.

    A status action is open when its path changes the report at least once without
    being refused; referring, while the report is open; asking, in every status (the
    reporter's window decides).
    """
    if action.kind == "refer":
        return status not in FINAL  # a finished report is referred no more
    if action.kind != "status":
        return True
    changed = False
    for target in action.path:
        verdict = decide(status, target, "duplicate")  # any reason: only the path matters
        if verdict == "not_allowed":
            return False
        if verdict == "ok":
            status, changed = target, True
    return changed


def by_key(key: str) -> FocalAction | None:
    """Return the action with this key."""
    return next((a for a in FOCAL_ACTIONS if a.key == key), None)


def by_button(prefix: str) -> FocalAction | None:
    """Return the action of an alert button's callback prefix ("ack", "ask"…)."""
    return next((a for a in FOCAL_ACTIONS if a.button is not None and a.button == prefix), None)


def by_word(folded: str) -> FocalAction | None:
    """Return the action a chat command's folded leading words name ("ok", "ne proces"…)."""
    return next((a for a in FOCAL_ACTIONS if folded in a.words), None)


def by_target(status: str) -> FocalAction | None:
    """Return the status action ending in `status` (the dashboard's form sends the status)."""
    return next((a for a in FOCAL_ACTIONS if a.kind == "status" and a.target == status), None)


def buttons() -> list[list[FocalAction]]:
    """Return the actions with a button, in the alert keyboard's rows."""
    rows: dict[int, list[FocalAction]] = {}
    for action in FOCAL_ACTIONS:
        if action.button is not None:
            rows.setdefault(action.row, []).append(action)
    return [rows[row] for row in sorted(rows)]
