"""Closing the loop: a week after a hazard is resolved, is it really fixed?

The worker asks the hazard's reporter and everyone who joined it, by the channel each wrote
on and in their language (never an address that opted out). YES records the confirmation
on the report; NO reopens it (resolved → reopened, an event by the reporter) and alerts the
contact points holding it again, or routes it afresh when none is active any more.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from alerts.lifecycle import Actor, change_status
from alerts.reporter import holder, subject
from handlers.flow import Translator
from handlers.i18n import Verbatim, msg
from handlers.relay import NEXT_ANSWER, relay_aside
from handlers.relay_texts import (
    FIXED_KEYWORD,
    FIXED_NEXT,
    FIXED_NOTED,
    FIXED_REOPENED,
    FIXED_THANKS,
    FIXED_UNCLEAR,
)
from handlers.types import Reply
from handlers.words import NO_WORDS, YES_WORDS, tokens
from models import (
    Contact,
    ContactPoint,
    OutboxMessage,
    Report,
    ReporterQuestion,
    ReportEvent,
    ReportFollower,
    ReportRoute,
)
from service.adding import HOLDING
from service.asides import busy, current_state, put_aside
from service.filing import alert_row
from service.routes import route_report

AFTER = timedelta(days=7)  # asked this long after the hazard was resolved
LATEST = timedelta(days=14)  # resolved longer ago (e.g. before an upgrade): not asked any more
BATCH = 50
CHANNELS = frozenset({"telegram", "sms", "whatsapp"})
BARE = ("", "yes", "no", "1", "2")  # a button's answer, or an option's number


def ask_if_fixed(session: Session, now: datetime, translate: Translator) -> int:
    """Ask about every hazard resolved a week ago and not asked about yet; return how many."""
    asked_already = exists(select(ReporterQuestion.id).where(
        ReporterQuestion.report_id == Report.id, ReporterQuestion.kind == "fixed",
        ReporterQuestion.resolved_at == Report.resolved_at))
    due = session.scalars(
        select(Report).where(Report.kind == "hazard", Report.status == "resolved",
                             Report.simulated.is_(False), Report.resolved_at <= now - AFTER,
                             Report.resolved_at > now - LATEST, ~asked_already)
        .order_by(Report.resolved_at, Report.id).limit(BATCH)
        # Several workers may run this at once: each report is asked about by one of them.
        .with_for_update(skip_locked=True, of=Report)).all()
    for report in due:
        ask_one(session, report, now, translate)
    return len(due)


def askable_contacts(session: Session, report: Report) -> list[Contact]:
    """Return the reporter and the followers who can be written to, each once."""
    followers = session.scalars(select(ReportFollower.contact_id).where(
        ReportFollower.report_id == report.id).order_by(ReportFollower.id))
    found: list[Contact] = []
    for contact_id in dict.fromkeys([report.reporter_contact_id, *followers]):
        contact = session.get(Contact, contact_id) if contact_id is not None else None
        if contact is not None and not contact.opted_out and contact.channel in CHANNELS:
            found.append(contact)
    return found


def ask_one(session: Session, report: Report, now: datetime, translate: Translator) -> None:
    """Ask each of the hazard's people whether it is fixed, and note it on the report."""
    contacts = askable_contacts(session, report)
    for contact in contacts:
        language = contact.language or report.language
        _, state = current_state(session, contact.channel, contact.address)
        mode = "keyword" if busy(state, now) else "next"
        template = FIXED_NEXT if mode == "next" else FIXED_KEYWORD
        text = translate(msg(template.msgid, report=subject(report),
                             reference=Verbatim(report.reference)), language)
        session.add(ReporterQuestion(report_id=report.id, contact_id=contact.id, kind="fixed",
                                     text="", asked_by="system", asked_at=now,
                                     resolved_at=report.resolved_at, answer=""))
        session.add(OutboxMessage(
            purpose="fixed_check", report_id=report.id, contact_point_id=None,
            contact_id=contact.id, channel=contact.channel, address=contact.address,
            language=language, payload={"event": "fixed", "reference": report.reference,
                                        "text": text},
            status="pending", attempts=0, due_at=now, created_at=now, last_error=""))
        put_aside(session, contact.channel, contact.address, "relay",
                  relay_aside(report.reference, "fixed", mode, now + NEXT_ANSWER),
                  language, now)
    if not contacts:
        # Kept, so that the report is not looked at again for this resolution.
        session.add(ReporterQuestion(report_id=report.id, contact_id=None, kind="fixed",
                                     text="", asked_by="system", asked_at=now,
                                     resolved_at=report.resolved_at, answer=""))
    # The timeline says it in the reader's language (web/timeline.py KINDS).
    session.add(ReportEvent(report_id=report.id, at=now, actor="system",
                            kind="fixed_check" if contacts else "fixed_unasked",
                            from_status=report.status, to_status=report.status, note="",
                            data={"asked": len(contacts)}))


def answer_fixed(session: Session, report: Report, row: ReporterQuestion,
                 verdict: bool | None, now: datetime, language: str,
                 said: str = "") -> Reply:
    """Record YES as a confirmation, or reopen the hazard on NO; thank the person either way.

    What they wrote (`said`) goes with it, for the holder: "jo, gropa u zgjerua" says more
    than NO. A button's or a bare word's yes/no adds nothing and is left out.
    """
    about = subject(report)
    if verdict is None:
        return Reply((msg(FIXED_UNCLEAR.msgid, reference=Verbatim(report.reference)),))
    row.answer, row.answered_at = ("yes" if verdict else "no"), now
    words = "" if " ".join(tokens(said)) in (*BARE, *YES_WORDS, *NO_WORDS) else said.strip()
    if verdict:
        session.add(ReportEvent(report_id=report.id, at=now, actor="reporter",
                                kind="fixed_confirmed", from_status=report.status,
                                to_status=report.status, note=words,
                                data={"text": words} if words else {}))
        return Reply((msg(FIXED_THANKS.msgid, report=about),))
    if report.status == "resolved":
        change_status(session, report.reference, Actor("reporter"), "reopened",
                      note=words, now=now)
        alert_again(session, report, now, words)
    if report.status != "reopened":
        session.add(ReportEvent(report_id=report.id, at=now, actor="reporter",
                                kind="not_fixed", from_status=report.status,
                                to_status=report.status, note=words,
                                data={"text": words} if words else {}))
        return Reply((msg(FIXED_NOTED.msgid, report=about),))
    who = holder(session, report, report.status, "status", language)
    return Reply((msg(FIXED_REOPENED.msgid, report=about, who=who),))


def alert_again(session: Session, report: Report, now: datetime, words: str = "") -> None:
    """Alert the contact points holding a reopened report; route it afresh if none is active."""
    held = session.execute(
        select(ContactPoint, ReportRoute.role)
        .join(ReportRoute, ReportRoute.contact_point_id == ContactPoint.id)
        .where(ReportRoute.report_id == report.id, ReportRoute.state.in_(HOLDING),
               ContactPoint.active).order_by(ReportRoute.id)).all()
    alerted: set[int] = set()
    for point, role in held:
        if point.id not in alerted:
            alerted.add(point.id)
            session.add(OutboxMessage(**reopened_alert(report, point, role, now, words)))
    if alerted:
        return
    routing = route_report(session, report.kind, report.category, report.urgent,
                           report.municipality_id, report.school_id, report.language)
    for target in routing.targets:
        chosen = session.get(ContactPoint, target.contact_point_ids[0]) \
            if target.contact_point_ids else None
        if chosen is None:
            continue
        session.add(ReportRoute(report_id=report.id, contact_point_id=chosen.id,
                                role=target.role, created_at=now))
        session.add(ReportEvent(report_id=report.id, at=now, actor="system", kind="routing",
                                note=f"{target.role}: {chosen.name}"))
        session.add(OutboxMessage(**reopened_alert(report, chosen, target.role, now, words)))


def reopened_alert(report: Report, point: ContactPoint, role: str, now: datetime,
                   words: str = "") -> dict[str, object]:
    """Return the outbox row alerting a contact point that a hazard was reopened."""
    row = alert_row(report.id, report.reference, point, role, now)
    row["payload"] = {"event": "reopened", "reference": report.reference, "role": role,
                      "words": words}
    return row

