"""Events from before `ReportEvent.data`: their English notes read back into the same data.

Until migration 0013 the code wrote each event's facts into an English note only ("filed by
telegram", "child_protection: Besa -> Arta (deadline)"). Those notes are read here, by the
shapes the code wrote them in, so that old and new events are said alike in every language.
A note of no known shape gives None, and the page shows it as it was written.
"""

from __future__ import annotations

import re
from typing import Any

from models import CLOSE_REASONS

ROUTE = re.compile(r"(?P<role>[a-z_]+): (?P<name>.+)", re.S)
ESCALATED = re.compile(r"(?P<role>[a-z_]+): (?P<old>.*?) -> (?P<new>.*?) "
                       r"\((?P<why>deadline|failed|deactivated)(?:: (?P<error>.*))?\)", re.S)
EXHAUSTED = re.compile(r"(?P<role>[a-z_]+): escalation chain exhausted "
                       r"\((?P<why>deadline|failed|deactivated)(?:: (?P<error>.*))?\)", re.S)
SKIPPED = re.compile(r"(?P<purpose>[a-z_]+) #(?P<message>\d+) not sent: (?P<reason>.*)", re.S)
REASSIGNED = re.compile(r"to (?P<role>[a-z_]+): (?P<name>.*?)(?: — (?P<text>.*))?", re.S)
CONFIRMED = re.compile(r"confirmed by a second reporter \((?P<channel>[a-z]+)\)")
# The reasons alerts/content.py gave for a message it held back, by their beginnings.
SKIP_REASONS = (
    (re.compile(r"malformed payload"), "malformed"),
    (re.compile(r"the report was (?P<status>resolved|closed) before"), "finished"),
    (re.compile(r"the report was acknowledged before"), "taken_up"),
    (re.compile(r"the contact point no longer exists"), "point_gone"),
    (re.compile(r"contact point (?P<point>\d+) is deactivated"), "point_inactive"),
    (re.compile(r"the contact point is no longer active"), "point_inactive"),
    (re.compile(r"the contact point's (?P<channel>[a-z]+) address takes no messages"),
     "point_opted_out"),
    (re.compile(r"the reporter's contact no longer exists"), "reporter_gone"),
    (re.compile(r"the reporter opted out"), "reporter_opted_out"),
)


def read_note(kind: str, actor: str, to_status: str | None,
              note: str) -> tuple[str, dict[str, Any] | None]:
    """Return an old event's actor and its note read as data (None for an unknown shape)."""
    note = note or ""
    if kind == "confirmation":
        found = CONFIRMED.fullmatch(note)
        return "follower", {"channel": found["channel"]} if found else None
    readers = {"status": _status, "update": _update, "routing": _routing,
               "escalation": _escalation, "message_skipped": _skipped,
               "reassigned": _reassigned}
    reader = readers.get(kind)
    return actor, reader(note, to_status) if reader is not None else None


def _status(note: str, to_status: str | None) -> dict[str, Any] | None:
    """Read a status change: the channel it was filed by, whom it went to, or why it closed."""
    if to_status == "received":
        found = re.fullmatch(r"filed by (?P<channel>[a-z]+)", note)
        return {"channel": found["channel"]} if found else None
    if to_status == "routed":
        unrouted = re.fullmatch(r"unrouted, national fallback \((?P<inner>.*)\)", note, re.S)
        inner = unrouted["inner"] if unrouted else note
        if inner == "no contact point":
            return {"routes": [], "unrouted": bool(unrouted)}
        routes = [ROUTE.fullmatch(part) for part in inner.split("; ")]
        if not all(routes):
            return None
        return {"routes": [{"role": r["role"], "name": r["name"]} for r in routes if r],
                "unrouted": bool(unrouted)}
    if to_status == "closed":
        reason, _, text = note.partition(": ")
        if reason in CLOSE_REASONS:
            return {"reason": reason, **({"text": text} if text else {})}
    return {"text": note} if note else {}


def _update(note: str, to_status: str | None) -> dict[str, Any] | None:
    """Read what the reporter added: "added by the reporter: category, details.age_band"."""
    found = re.fullmatch(r"added by the reporter: (?P<fields>.*)", note, re.S)
    return {"fields": found["fields"].split(", ")} if found else None


def _routing(note: str, to_status: str | None) -> dict[str, Any] | None:
    """Read a new role reached after the category changed."""
    found = re.fullmatch(r"(?P<role>[a-z_]+): (?P<name>.*) \(the category changed\)", note, re.S)
    if found is None:
        return None
    return {"routes": [{"role": found["role"], "name": found["name"]}], "why": "category"}


def _escalation(note: str, to_status: str | None) -> dict[str, Any] | None:
    """Read a step along the escalation chain, or its end."""
    found = ESCALATED.fullmatch(note)
    if found is not None:
        return {"role": found["role"], "why": found["why"], "from": {"name": found["old"]},
                "to": {"name": found["new"]}, "error": found["error"] or ""}
    found = EXHAUSTED.fullmatch(note)
    if found is not None:
        return {"role": found["role"], "why": found["why"], "exhausted": True,
                "error": found["error"] or ""}
    return None


def _skipped(note: str, to_status: str | None) -> dict[str, Any] | None:
    """Read a message held back: which one, and why."""
    found = SKIPPED.fullmatch(note)
    if found is None:
        return None
    data: dict[str, Any] = {"purpose": found["purpose"], "message": int(found["message"]),
                            "escalated": "; escalated to the next" in found["reason"]}
    for pattern, why in SKIP_REASONS:
        reason = pattern.match(found["reason"])
        if reason is not None:
            facts = {k: v for k, v in reason.groupdict().items() if v is not None}
            if "point" in facts:
                facts["point"] = int(facts["point"])
            return {**data, "why": why, **facts}
    return None


def _reassigned(note: str, to_status: str | None) -> dict[str, Any] | None:
    """Read a passing-on: "to public_services: Name — the note typed"."""
    found = REASSIGNED.fullmatch(note)
    if found is None:
        return None
    return {"to": {"role": found["role"], "name": found["name"]},
            **({"text": found["text"]} if found["text"] else {})}
