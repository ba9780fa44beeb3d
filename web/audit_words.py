"""The audit log in words: each action, and each detail as "label: value", in the reader's language.

The log stores what the code passed to `web.audit.record`: an action and keyword details.
Each action and each detail key has a line here; codes among the values (statuses, kinds,
roles, reasons, yes/no) are said too, and ids of contact points, municipalities and
schools are named. A key with no line shows raw, and tests/test_case_pages.py fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.content import CLOSE_REASONS
from handlers.categories import (
    CHILD_CONCERNS,
    DROPOUT_STATUSES,
    HAZARDS,
    KINDS,
    ROLES,
    STATUSES,
)
from handlers.i18n import ListOf, Msg, Verbatim, msg
from handlers.referral_texts import REFERRAL_STATES
from models import ContactPoint, Municipality, School
from models.services import Service
from web.case_words import USER_ROLES

Text = Msg | Verbatim
Said = Msg | Verbatim | ListOf  # a value said inside "label: value"
ACTIONS: dict[str, Msg] = {
    "list": msg("opened the report list"),
    "view": msg("opened a report"),
    "status": msg("changed a report's status"),
    "reassign": msg("passed a report on"),
    "attachment": msg("opened a photo"),
    "login": msg("signed in"),
    "login_failed": msg("sign-in refused: wrong password"),
    "login_locked": msg("sign-in refused: account locked"),
    "stats": msg("opened the statistics"),
    "export": msg("exported the six-monthly report"),
    "admin": msg("changed the settings"),
    "simulator": msg("used the simulator"),
    "audit": msg("read the audit log"),
    "referral": msg("referred a report to a service"),
    "ask": msg("asked a reporter a question"),
    "retention": msg("removed reporters' identities past the retention period"),
    "subject_export": msg("exported everything held about a person"),
    "subject_erase": msg("removed a person's identity at their request"),
    "publish": msg("published a hazard's description or photo on the public page"),
    "withdraw": msg("withdrew a hazard's description or photo from the public page"),
    "campaign": msg("worked on an awareness campaign"),
}
KEYS: dict[str, Msg] = {
    "filters": msg("filters"), "to": msg("until"), "from": msg("from"), "reason": msg("reason"),
    "refused": msg("refused"), "done": msg("done"), "attachment": msg("photo"),
    "start": msg("from"), "end": msg("until"), "pane": msg("window"), "sender": msg("sender"),
    "filed": msg("filed"), "teacher_school": msg("teacher's school"), "change": msg("change"),
    "kind": msg("kind"), "file": msg("file"), "added": msg("added"),
    "updated": msg("updated"), "unchanged": msg("unchanged"), "urgent": msg("urgent"),
    "before": msg("before"), "after": msg("after"), "point": msg("contact point"),
    "values": msg("values"), "name": msg("name"), "rule": msg("rule"),
    "category": msg("category"), "municipality": msg("municipality"),
    "municipality_id": msg("municipality"), "roles": msg("roles"), "role": msg("role"),
    "note": msg("note"), "school": msg("school"), "school_id": msg("school"),
    "code": msg("code"), "teacher": msg("teacher"), "phone": msg("phone"),
    "id": msg("number"), "status": msg("status"), "user": msg("user"),
    "action": msg("action"), "reference": msg("reference"), "unrouted": msg("unrouted"),
    "overdue": msg("overdue"), "telegram_chat_id": msg("Telegram chat"),
    "email": msg("e-mail"), "escalation_order": msg("escalation order"),
    "language": msg("language"),
    "service": msg("service"), "referral": msg("referral number"),
    "question": msg("question"), "outcome": msg("outcome"),
    # A person's data and retention: the person is named masked (+383••••••56), never in full.
    "subject": msg("person"), "by": msg("by"), "days": msg("retention period in days"),
    "reports": msg("reports no longer naming their reporter"),
    "followers": msg("people unlinked from reports they joined"),
    "questions": msg("questions unlinked"), "messages": msg("messages emptied"),
    "held": msg("messages not sent"), "conversations": msg("conversation states deleted"),
    "inbound": msg("processed-message records deleted"),
    "contacts": msg("numbers and chats removed"), "hashed": msg("opt-outs kept as a hash"),
    "client": msg("Open311 application"),
    # Awareness campaigns (web/campaigns.py).
    "campaign": msg("campaign"), "title": msg("title"), "municipalities": msg("municipalities"),
    "scheduled_at": msg("scheduled for"), "skipped": msg("messages skipped"),
}
# Where a key means something else in one action: "to" is a status, or a contact point.
KEYS_IN: dict[tuple[str, str], Msg] = {
    ("status", "to"): msg("new status"),
    ("reassign", "to"): msg("passed to"),
    ("referral", "to"): msg("the referral's new state"),
}
CHANGES: dict[str, Msg] = {
    "import": msg("imported a file"),
    "escalation deadline": msg("set an escalation deadline"),
    "contact point saved": msg("saved a contact point"),
    "activated": msg("activated a contact point"),
    "deactivated": msg("deactivated a contact point"),
    "link code made": msg("made a Telegram link code"),
    "routing rule added": msg("added a routing rule"),
    "routing rule removed": msg("removed a routing rule"),
    "school added": msg("added a school"),
    "school edited": msg("edited a school"),
    "activated school": msg("activated a school"),
    "deactivated school": msg("deactivated a school"),
    "teacher added": msg("added a teacher"),
    "teacher edited": msg("edited a teacher"),
    "activated teacher": msg("activated a teacher"),
    "deactivated teacher": msg("deactivated a teacher"),
    "service saved": msg("saved a service"),
    "service activated": msg("activated a service"),
    "service deactivated": msg("deactivated a service"),
    "open311 key issued": msg("issued an Open311 key"),
    "open311 key revoked": msg("revoked an Open311 key"),
    "campaign saved": msg("saved an awareness campaign"),
    "campaign scheduled": msg("scheduled an awareness campaign"),
    "campaign cancelled": msg("cancelled an awareness campaign"),
}
IMPORTS: dict[str, Msg] = {"schools": msg("Schools"), "teachers": msg("Teachers"),
                           "contact-points": msg("Contact points"), "services": msg("Services")}
# What came of a question to a reporter (service/relay.py AskOutcome).
ASK_OUTCOMES: dict[str, Msg] = {
    "sent": msg("sent to the reporter"),
    "not_found": msg("not sent: the report was not found"),
    "empty": msg("not sent: no question was written"),
    "too_long": msg("not sent: the question was too long"),
    "too_long_sms": msg("not sent: too long for two SMS"),
    "nobody": msg("not sent: the reporter cannot be written to"),
    "window": msg("not sent: more than 30 days since the reporter last wrote"),
    "opted_out": msg("not sent: the reporter asked to receive no more messages"),
}
LANGUAGES: dict[str, Msg] = {"sq": msg("Albanian"), "sr": msg("Serbian"), "en": msg("English")}
YES, NO = msg("yes"), msg("no")
FACT = msg("{label}: {value}")
NESTED = msg("{outer} · {inner}")
FROM_FILE = msg("as in the file")
POINT_KEYS = frozenset({"point"})
PLACE_KEYS = frozenset({"municipality", "municipality_id"})
SCHOOL_KEYS = frozenset({"school", "school_id", "teacher_school"})
SERVICE_KEYS = frozenset({"service"})
ID_KEYS = POINT_KEYS | PLACE_KEYS | SCHOOL_KEYS | SERVICE_KEYS


def category_anywhere(category: str) -> Text:
    """Say a category of any kind of report."""
    for choice in (*HAZARDS, *CHILD_CONCERNS, *DROPOUT_STATUSES):
        if choice.key == category:
            return choice.label
    return Verbatim(category)


@dataclass
class Named:
    """The contact points, municipalities and schools the page's entries mention, by id."""

    language: str
    points: dict[int, str] = field(default_factory=dict)
    places: dict[int, str] = field(default_factory=dict)
    schools: dict[int, str] = field(default_factory=dict)
    services: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, language: str,
             entries: Iterable[tuple[str, dict[str, Any]]]) -> Named:
        """Look up every id the entries' details mention."""
        wanted: dict[str, set[int]] = {"points": set(), "places": set(), "schools": set(),
                                       "services": set()}
        for action, detail in entries:
            for key, value in walk(detail):
                table = "points" if key in POINT_KEYS or (action == "reassign" and key == "to") \
                    else "places" if key in PLACE_KEYS else "schools" if key in SCHOOL_KEYS \
                    else "services" if key in SERVICE_KEYS else None
                number = as_id(value)
                if table and number is not None:
                    wanted[table].add(number)
        named = cls(language)
        named.points = dict(session.execute(select(ContactPoint.id, ContactPoint.name).where(
            ContactPoint.id.in_(wanted["points"]))).all()) if wanted["points"] else {}
        named.places = {m.id: m.name(language) for m in session.scalars(select(
            Municipality).where(Municipality.id.in_(wanted["places"])))} \
            if wanted["places"] else {}
        named.schools = dict(session.execute(select(School.id, School.name).where(
            School.id.in_(wanted["schools"]))).all()) if wanted["schools"] else {}
        named.services = dict(session.execute(select(Service.id, Service.name).where(
            Service.id.in_(wanted["services"]))).all()) if wanted["services"] else {}
        return named


def as_id(value: Any) -> int | None:
    """Return a value as an id: a number, or digits as a filter keeps them ("7")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def walk(detail: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    """Yield every (key, value) of a detail, nested ones too."""
    for key, value in detail.items():
        yield key, value
        if isinstance(value, dict):
            yield from walk(value)


def said_value(action: str, key: str, value: Any, named: Named) -> Said:
    """Say one detail's value: codes in words, ids by name, anything else as stored."""
    if isinstance(value, bool):
        return YES if value else NO
    if value is None or value == "":
        return Verbatim("–")
    if isinstance(value, list):
        return Verbatim(", ".join(str(v) for v in value))
    if isinstance(value, int) or (key in ID_KEYS and as_id(value) is not None):
        return by_id(action, key, as_id(value) or 0, named)
    return said_code(action, key, str(value))


def by_id(action: str, key: str, value: int, named: Named) -> Text:
    """Name what an id stands for, where the page looked it up."""
    if key in POINT_KEYS or (action == "reassign" and key == "to"):
        return Verbatim(named.points.get(value, f"#{value}"))
    if key in PLACE_KEYS:
        return Verbatim(named.places.get(value, f"#{value}"))
    if key in SCHOOL_KEYS:
        return Verbatim(named.schools.get(value, f"#{value}"))
    if key in SERVICE_KEYS:
        return Verbatim(named.services.get(value, f"#{value}"))
    return Verbatim(str(value))


CODES: dict[str, Callable[[str], Text | None]] = {
    "status": STATUSES.get, "to": STATUSES.get, "reason": CLOSE_REASONS.get,
    "change": CHANGES.get, "action": ACTIONS.get, "role": ROLES.get,
    "language": LANGUAGES.get, "category": category_anywhere,
    "urgent": lambda v: {"yes": YES, "no": NO, "true": YES, "false": NO}.get(v.lower()),
    "outcome": ASK_OUTCOMES.get,
    "by": {"worker": msg("the worker, once a day"),
           "command line": msg("the command line")}.get,
    "unrouted": lambda v: YES if v == "1" else None, "overdue": lambda v: YES if v == "1" else None,
    "before": lambda v: FROM_FILE if v == "file" else None,
    "after": lambda v: FROM_FILE if v == "file" else None,
}


def said_code(action: str, key: str, value: str) -> Said:
    """Say a string value: a status, kind, role, reason or change in words, else as stored."""
    if key == "kind":
        return KINDS.get(value) or IMPORTS.get(value) or (
            msg("any other kind") if value == "default" else Verbatim(value))
    if key == "roles":
        return ListOf(tuple(ROLES.get(r, Verbatim(r)) for r in value.split()))
    if action == "referral" and key == "to" and value in REFERRAL_STATES:
        return REFERRAL_STATES[value]
    if key == "user" and value in USER_ROLES:
        return USER_ROLES[value]
    reader = CODES.get(key)
    said = reader(value) if reader is not None else None
    return said if said is not None else Verbatim(value)


def said_detail(action: str, detail: dict[str, Any] | None, named: Named) -> list[Msg]:
    """Say an entry's details, one "label: value" each; a nested one as "outer · inner"."""
    lines: list[Msg] = []
    for key, value in (detail or {}).items():
        if value == {}:
            continue  # no filters: nothing to say
        label: Text = KEYS_IN.get((action, key), KEYS.get(key, Verbatim(key)))
        if not isinstance(value, dict):
            lines.append(msg(FACT.msgid, label=label, value=said_value(action, key, value,
                                                                         named)))
            continue
        lines.extend(msg(FACT.msgid, label=msg(NESTED.msgid, outer=label,
                                                inner=KEYS.get(k, Verbatim(k))),
                         value=said_value(action, k, v, named)) for k, v in value.items())
    return lines
