"""A report's timeline in the reader's language: each event one sentence, naming who did it.

KINDS is the one registry of event kinds. Each kind is a sentence with the doer as {who}
("{who} took up the report"); a kind whose sentence depends on its data also has a `say`.
A kind whose facts are plain needs one line and nothing else: its other placeholders are
filled from the event's data (a contact point by name and role), and a person's note
(`text`) is quoted under it. For example:

    "question": Kind(msg("{who} asked the reporter a question")),
    "fixed_confirmed": Kind(msg("{who} confirmed that the hazard is fixed")),
    "closed_as": Kind(msg("{who} closed the report: {reason}"),
                      words={"reason": CLOSE_REASONS}),

An event of a kind not in KINDS shows a general sentence and its English note, and
tests/test_case_pages.py fails for any kind the code writes that has no entry here.

The data each kind keeps (ReportEvent.data):

- status: received {channel, urgent, incomplete} · routed {routes: [{role, point, name}],
  unrouted} · any other {reason?, text?}
- update: {fields: ["category", "details.age_band", …]}
- routing: {routes: [{role, point, name}], why: "category"}
- escalation: {role, why: deadline|failed|deactivated, from: {point, name}, to?: {…},
  exhausted?, error}
- confirmation: {channel}
- message_skipped: {purpose, message, why (alerts/skips.py), channel, point, status?,
  escalated?}
- reassigned: {to: {role, point, name}, moved, text?}
- open311: {client (the application's name), client_id, media_url?}
- identity_removed: {why: retention | request, reporter (the reporter was removed),
  followers (how many who had joined were removed)}
- published: {text (the description as published)} · unpublished: {}
- photo_published, photo_withdrawn: {attachment}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from string import Formatter
from typing import Any

from sqlalchemy.orm import Session

from handlers.categories import ROLES, STATUSES
from handlers.i18n import ListOf, Msg, Verbatim, msg
from handlers.needs import need_label
from models import ReportEvent, ReportRoute
from web.case_words import (
    ADDED_FIELDS,
    CHANNELS,
    CLOSED_BECAUSE,
    ESCALATED_BECAUSE,
    ESCALATED_WHY,
    ROUTE_STATES,
    SKIPPED_BECAUSE,
    SKIPPED_MESSAGES,
    SKIPPED_MESSAGES_TO,
    STATUS_CHANGES,
    STOPPED_BY_CHANNEL,
)
from web.event_notes import read_note
from web.names import GONE_POINT, TEACHER, Names

Text = Msg | Verbatim
Facts = dict[str, Any]
QUOTED = msg("“{text}”")  # a person's own words, quoted as the language quotes
UNKNOWN = msg("{who} changed the report")  # a kind with no entry in KINDS yet
MISSING = Verbatim("–")  # a placeholder the event's data does not fill


@dataclass(frozen=True)
class Told:
    """What a sentence is made from: the event, its data, who did it, and the page's names."""

    event: ReportEvent
    data: Facts
    who: Text
    names: Names

    def say(self, sentence: Msg, **params: Text | ListOf) -> Msg:
        """Return a sentence with {who} filled in, and the given values."""
        return msg(sentence.msgid, who=self.who, **params)


@dataclass(frozen=True)
class Said:
    """An event in words: the sentence, and the lines that go under it."""

    sentence: Text
    lines: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Kind:
    """One kind of event: its sentence ({who} did what), and how to choose one from its data.

    `words` says the codes a placeholder may hold: {"reason": DECLINE_REASONS} puts the
    reason's words where the sentence has {reason}.
    """

    sentence: Msg
    say: Callable[[Told], Said] | None = None
    words: Mapping[str, Mapping[str, Msg]] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: when, of which kind, the sentence, and the rest."""

    at: datetime
    kind: str
    sentence: Text
    lines: tuple[Text, ...]
    # An English note of no known shape (an old event, an unknown kind): shown as written.
    as_written: str = ""


def quoted(data: Facts) -> tuple[Text, ...]:
    """Return a person's note, quoted, when the event has one."""
    text = data.get("text")
    return (msg(QUOTED.msgid, text=Verbatim(str(text))),) if text else ()


def fill(told: Told, kind: Kind) -> Said:
    """Say an event with its kind's sentence, placeholders filled from the event's data.

    A contact point ({"point", "name", "role"}) is named; a code the kind has words for is
    said in them; anything else is a person's or a place's own name, shown as stored.
    """
    params: dict[str, Text] = {}
    for name in fields_of(kind.sentence):
        value = told.data.get(name)
        if isinstance(value, dict):
            params[name] = told.names.entry(value)
        elif value in (None, ""):
            params[name] = MISSING
        else:
            params[name] = kind.words.get(name, {}).get(str(value), Verbatim(str(value)))
    return Said(told.say(kind.sentence, **params), quoted(told.data))


def channel(code: Any) -> Text:
    """Say how a report came in ("by SMS"); an unknown channel shows as stored."""
    return CHANNELS.get(str(code), Verbatim(str(code)))


def recipients(told: Told) -> tuple[Text, ...]:
    """Return one line per contact point an event sent the report to."""
    routes = told.data.get("routes")
    return tuple(told.names.entry(r) for r in routes) if isinstance(routes, list) else ()


def say_status(told: Told) -> Said:
    """Say a status change: filed, sent on, taken up, resolved, closed and why."""
    status, data = told.event.to_status or "", told.data
    if status == "received":
        lines: list[Text] = []
        if data.get("urgent"):
            lines.append(msg("Marked urgent: a child may be in danger now."))
        if data.get("incomplete"):
            lines.append(msg("Filed before the reporter answered every question"))
        return Said(told.say(msg("{who} filed the report {channel}"),
                             channel=channel(data.get("channel"))), tuple(lines))
    if status == "routed" and "routes" in data:
        sent = recipients(told)
        if not sent:
            return Said(told.say(msg("{who} found nobody to send the report to")))
        if data.get("unrouted"):
            return Said(told.say(msg("{who} found nobody responsible for this place and "
                                     "sent the report to the national office:")), sent)
        return Said(told.say(msg("{who} sent the report to those responsible:")), sent)
    reason = str(data.get("reason") or "")
    if status == "closed" and reason:
        sentence = told.say(CLOSED_BECAUSE[reason]) if reason in CLOSED_BECAUSE \
            else told.say(STATUS_CHANGES["closed"])
    elif status in STATUS_CHANGES:
        sentence = told.say(STATUS_CHANGES[status])
    else:
        sentence = told.say(msg("{who} set the report's status: {status}"),
                            status=STATUSES.get(status, Verbatim(status)))
    return Said(sentence, quoted(data))


def say_update(told: Told) -> Said:
    """Say what the reporter added to their report."""
    fields = [str(f) for f in told.data.get("fields") or ()]
    added = tuple(ADDED_FIELDS.get(f, Verbatim(f)) for f in fields if f != "incomplete")
    if not added:
        return Said(told.say(msg("{who} answered every question") if "incomplete" in fields
                             else KINDS["update"].sentence))
    done = (msg("The reporter has answered every question."),) if "incomplete" in fields \
        else ()
    return Said(told.say(msg("{who} added to the report: {fields}"), fields=ListOf(added)),
                done)


def say_routing(told: Told) -> Said:
    """Say that the report reached a new recipient, and why."""
    if told.data.get("why") == "category":
        return Said(told.say(msg("Now that the concern is known, {who} also sent the report "
                                 "to:")), recipients(told))
    return Said(told.say(KINDS["routing"].sentence), recipients(told))


def say_escalation(told: Told) -> Said:
    """Say a step along the escalation chain, or that nobody is left."""
    data, names = told.data, told.names
    why = str(data.get("why") or "deadline")
    role = str(data.get("role") or "") or None
    old = names.entry(data.get("from"), role) if data.get("from") else None
    if data.get("exhausted"):
        lines: list[Text] = [ESCALATED_BECAUSE.get(why, Verbatim(why))]
        if old is not None:
            lines.append(msg("Last in line: {point}", point=old))
        lines.append(msg("Nobody else is left in line for {role}.",
                         role=ROLES.get(role or "", Verbatim(role or ""))))
        return Said(told.say(msg("{who} has nobody left to pass the report to")), tuple(lines))
    sentence = ESCALATED_WHY.get(why, KINDS["escalation"].sentence)
    new = names.entry(data.get("to"), role)
    return Said(told.say(sentence), (msg("Passed on: {old} → {new}",
                                         old=old or names.entry(None), new=new),))


def say_confirmation(told: Told) -> Said:
    """Say that another person reported the same hazard and joined the report."""
    return Said(told.say(msg("{who} reported the same hazard {channel} and joined this "
                             "report"), channel=channel(told.data.get("channel"))))


def say_skipped(told: Told) -> Said:
    """Say which message was held back and why."""
    data, names = told.data, told.names
    purpose, why, point = str(data.get("purpose") or ""), str(data.get("why") or ""), \
        data.get("point")
    sentence = told.say(SKIPPED_MESSAGES.get(purpose, KINDS["message_skipped"].sentence))
    if purpose in SKIPPED_MESSAGES_TO and isinstance(point, int) and point in names.points:
        sentence = told.say(SKIPPED_MESSAGES_TO[purpose], point=names.point(point))
    if why == "point_opted_out":
        because: Text = STOPPED_BY_CHANNEL.get(str(data.get("channel")),
                                               SKIPPED_BECAUSE[why])
    elif why == "finished":
        status = str(data.get("status") or "")
        because = msg(SKIPPED_BECAUSE[why].msgid,
                      status=STATUSES.get(status, Verbatim(status)))
    else:
        because = SKIPPED_BECAUSE.get(why, Verbatim(why))
    later = (msg("The alert went to the next in line."),) if data.get("escalated") else ()
    return Said(sentence, (because, *later))


def say_referral(told: Told) -> Said:
    """Say a referral's step, with the help it is for and the words that came with it."""
    sentence = fill(told, KINDS[told.event.kind]).sentence
    need = str(told.data.get("need") or "")
    lines: tuple[Text, ...] = (msg("Help needed: {need}", need=need_label(need)),) \
        if need and told.event.kind == "referral_sent" else ()
    return Said(sentence, (*lines, *quoted(told.data)))


def say_identity_removed(told: Told) -> Said:
    """Say whose number was removed from the report, and why: the period, or their request."""
    request = told.data.get("why") == "request"
    if told.data.get("reporter", True):
        sentence = msg("{who} removed the reporter's number and conversation at their "
                       "request") if request else KINDS["identity_removed"].sentence
        joined = (msg("The numbers of those who joined the report were removed too."),) \
            if told.data.get("followers") else ()
        return Said(told.say(sentence), joined)
    return Said(told.say(
        msg("{who} removed the number of someone who joined the report, at their request")
        if request else msg("{who} removed the numbers of those who joined the report, as "
                            "the retention period requires")))


def say_open311(told: Told) -> Said:
    """Say which Open311 application sent the report, and the photo address it gave."""
    url = told.data.get("media_url")
    lines = (msg("Photo given by the application: {url}", url=Verbatim(str(url))),) \
        if url else ()
    return Said(fill(told, KINDS["open311"]).sentence, lines)


# One line per kind of event. The sentence alone says a kind with plain facts; `say` picks
# among sentences for the kinds whose words depend on their data.
KINDS: dict[str, Kind] = {
    "status": Kind(msg("{who} changed the report's status"), say_status),
    "update": Kind(msg("{who} added to the report"), say_update),
    "routing": Kind(msg("{who} also sent the report to:"), say_routing),
    "escalation": Kind(msg("{who} passed the report on along the chain"), say_escalation),
    "confirmation": Kind(msg("{who} joined this report"), say_confirmation),
    "message_skipped": Kind(msg("{who} held a message back"), say_skipped),
    "reassigned": Kind(msg("{who} passed the report to {to}")),
    "question": Kind(msg("{who} asked the reporter a question")),
    "answer": Kind(msg("{who} answered the question")),
    "fixed_check": Kind(msg("{who} asked those who reported the hazard whether it is really "
                            "fixed")),
    "fixed_unasked": Kind(msg("{who} could ask nobody whether the hazard is really fixed: "
                              "no reporter can still be written to")),
    "fixed_confirmed": Kind(msg("{who} confirmed that the hazard is fixed")),
    "not_fixed": Kind(msg("{who} says the hazard is still not fixed")),
    "referral_sent": Kind(msg("{who} referred the case to {service}"), say_referral),
    "referral_accepted": Kind(msg("{who} accepted the referral"), say_referral),
    "referral_declined": Kind(msg("{who} declined the referral"), say_referral),
    "referral_done": Kind(msg("{who} has given the help the case was referred for"),
                          say_referral),
    "referral_revoked": Kind(msg("{who} withdrew the referral to {service}"), say_referral),
    "open311": Kind(msg("{who} received the report from the application “{client}” through "
                        "the Open311 interface"), say_open311),
    "identity_removed": Kind(msg("{who} removed the reporter's number and conversation, as the "
                                 "retention period requires"), say_identity_removed),
    "published": Kind(msg("{who} published a description of the hazard on the public page")),
    "unpublished": Kind(msg("{who} withdrew the hazard's description from the public page")),
    "photo_published": Kind(msg("{who} published a photo of the hazard on the public page")),
    "photo_withdrawn": Kind(msg("{who} withdrew a photo of the hazard from the public page")),
}


def point_ids(events: Iterable[ReportEvent], routes: Iterable[ReportRoute]) -> set[int]:
    """Return every contact point id the events' data and the routes mention."""
    found = {r.contact_point_id for r in routes if r.contact_point_id is not None}
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        entries = [data, *data.values(), *(data.get("routes") or [])]
        found |= {e["point"] for e in entries
                  if isinstance(e, dict) and isinstance(e.get("point"), int)}
    return found


def entry(event: ReportEvent, names: Names) -> Entry:
    """Say one event, from its data or, for an old event, from its note."""
    actor, data = event.actor, event.data
    if data is None:
        actor, data = read_note(event.kind, event.actor, event.to_status, event.note)
    who = names.actor(actor)
    kind = KINDS.get(event.kind)
    if kind is None:
        return Entry(event.at, event.kind, msg(UNKNOWN.msgid, who=who), (), event.note)
    if data is None:
        return Entry(event.at, event.kind, msg(kind.sentence.msgid, who=who,
                                               **dict.fromkeys(fields_of(kind.sentence),
                                                               MISSING)),
                     (), event.note)
    told = Told(event, data, who, names)
    said = kind.say(told) if kind.say is not None else fill(told, kind)
    return Entry(event.at, event.kind, said.sentence, said.lines)


def fields_of(sentence: Msg) -> set[str]:
    """Return the placeholders of a sentence other than {who}."""
    return {f for _, f, _, _ in Formatter().parse(sentence.msgid) if f and f != "who"}


@dataclass(frozen=True)
class Recipient:
    """One contact point a report was sent to, where it stands, and its escalation level."""

    point: Text
    state: Text
    level: int


def timeline(session: Session, language: str, kind: str, events: list[ReportEvent],
             routes: list[ReportRoute]) -> tuple[list[Entry], list[Recipient]]:
    """Return a report's events in words, and whom it was sent to."""
    names = Names.load(session, language, (e.actor for e in events), point_ids(events, routes))
    if kind == "dropout":
        names.reporter = TEACHER
    sent_to = [Recipient(names.point(r.contact_point_id, role=r.role)
                         if r.contact_point_id is not None else GONE_POINT,
                         ROUTE_STATES.get(r.state, Verbatim(r.state)), r.level or 0)
               for r in routes]
    return [entry(e, names) for e in events], sent_to
