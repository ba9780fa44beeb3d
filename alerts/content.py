"""The text of an outbox message, in its language: alerts, escalations and reporter updates.

`prepare` returns the dispatcher's own `Skip`, so that the dispatcher recognises it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from alerts.campaigns import prepare_campaign
from alerts.dispatcher import Skip
from alerts.escalation import DEACTIVATED, escalate_row
from alerts.places import place_lines
from alerts.referral_content import PURPOSES as REFERRAL_PURPOSES
from alerts.referral_content import referral_lines, referral_problem
from alerts.reporter import holder, update_text
from alerts.skips import Problem
from alerts.updates import (
    absorb_updates,
    answer_lines,
    notice_problem,
    update_lines,
    update_problem,
)
from handlers.categories import (
    AGE_BANDS,
    DROPOUT_REASONS,
    KINDS,
    SEXES,
    STATUSES,
    category_label,
    label,
)
from handlers.i18n import Msg, PlaceName, Verbatim, msg
from locales import Catalogs
from models import Contact, ContactPoint, OutboxMessage, Report, ReportEvent
from models.base import utcnow
from models.campaigns import CAMPAIGN
from models.optout import is_opted_out
from sinjalizo.settings import Settings

WHY_STOPPED = {  # how an address comes to take no messages, per channel, for the timeline
    "sms": "it sent STOP, or the provider refused the number",
    "telegram": "the chat blocked the bot",
    "whatsapp": "it sent STOP, or the provider refused the number",
}

ALERT_EVENTS = ("new_report", "escalation", "reopened")
# Messages to a reporter written when queued (the text is in the payload): a notice, a
# question relayed from a focal point, "is it really fixed?".
NOTICES = ("reporter_notice", "relay_question", "fixed_check")
FINISHED = ("resolved", "closed")
CLOSE_REASONS: dict[str, Msg] = {  # the dashboard's choices when closing a report
    "duplicate": msg("Duplicate: already reported"),
    "not_actionable": msg("Nothing that can be acted on"),
    "referred": msg("Referred to another service"),
}
WHY_ESCALATED: dict[str, Msg] = {
    "deadline": msg("ESCALATED: nobody took it up in time."),
    "failed": msg("ESCALATED: the previous contact could not be reached."),
    "deactivated": msg("ESCALATED: the previous contact is no longer active."),
}


def prepare(session: Session, row: OutboxMessage, catalogs: Catalogs,
            settings: Settings) -> str | Skip:
    """Render an outbox row's text in its language, or say why it must not be sent."""
    if row.purpose == CAMPAIGN:
        return prepare_campaign(session, row)
    payload = row.payload
    if not isinstance(payload, dict) or not isinstance(payload.get("reference"), str):
        return _skip(session, row, Problem("malformed", "malformed payload"))
    report = session.get(Report, row.report_id) if row.report_id is not None else None
    if report is None:
        return Skip("the report no longer exists")
    if report.reference != payload["reference"]:
        return _skip(session, row, Problem(
            "malformed", "malformed payload: the reference does not match"))
    if row.purpose == "reporter_update":
        return _reporter_update(session, row, report, catalogs)
    if row.purpose in NOTICES:
        problem = notice_problem(session, row)
        return _skip(session, row, problem) if problem else str(payload.get("text") or "")
    if row.purpose in ("report_update", "relay_answer"):
        problem = update_problem(session, row)
        if problem is not None:
            return _skip(session, row, problem)
        lines = (answer_lines if row.purpose == "relay_answer" else update_lines)(
            report, payload, settings.public_base_url)
        return "\n".join(catalogs(line, row.language) for line in lines)
    if row.purpose in REFERRAL_PURPOSES:
        return _referral(session, row, report, catalogs, settings)
    if row.purpose not in ("alert", "escalation") or payload.get("event") not in ALERT_EVENTS:
        return _skip(session, row, Problem(
            "malformed", f"malformed payload: unknown purpose {row.purpose!r}"))
    if report.status in FINISHED:
        return _skip(session, row, Problem(
            "finished", f"the report was {report.status} before the alert went out"),
            status=report.status)
    if row.purpose == "escalation" and report.acknowledged_at is not None:
        return _skip(session, row, Problem(
            "taken_up", "the report was acknowledged before the escalation went out"))
    point = session.get(ContactPoint, row.contact_point_id) if row.contact_point_id else None
    if point is None:
        return _skip(session, row, Problem("point_gone", "the contact point no longer exists"))
    if not point.active:
        # The dispatcher's clock is not passed in; seconds of skew do not matter for deadlines.
        moved = escalate_row(session, row, DEACTIVATED, utcnow())
        return _skip(session, row, Problem(
            "point_inactive", f"contact point {point.id} is deactivated"
            + ("; escalated to the next" if moved else "")), escalated=moved)
    if is_opted_out(session, row.channel, row.address):
        moved = escalate_row(session, row, f"the {row.channel} address takes no messages",
                             utcnow())
        return _skip(session, row, Problem(
            "point_opted_out", f"the contact point's {row.channel} address takes no messages"
            f" ({WHY_STOPPED.get(row.channel, 'the provider refused it')})"
            + ("; escalated to the next" if moved else "")), escalated=moved)
    lines = alert_lines(report, payload, settings.public_base_url, row.language)
    absorb_updates(session, row)
    return "\n".join(catalogs(line, row.language) for line in lines)


def alert_lines(report: Report, payload: dict[str, Any], base_url: str,
                language: str) -> Iterator[Msg]:
    """Yield an alert's lines; never the reporter's identity or contact, never a child's name."""
    reference = Verbatim(report.reference)
    if report.urgent:
        yield msg("URGENT")
    if payload.get("event") == "escalation":
        yield WHY_ESCALATED.get(str(payload.get("why")), WHY_ESCALATED["deadline"])
    header = msg("New report {reference}: {kind}, {category}")
    if payload.get("event") == "reopened":
        yield msg("REOPENED: a reporter says it is still not fixed, a week after it was "
                  "resolved.")
        header = msg("Report {reference} reopened: {kind}, {category}")
        if payload.get("words"):
            yield msg("In the reporter's own words: {text}",
                      text=Verbatim(str(payload["words"])))
    yield msg(header.msgid, reference=reference, kind=KINDS.get(report.kind, msg("Report")),
              category=category_label(report.kind, report.category))
    if report.incomplete:
        yield msg("Filed before the reporter answered every question; anything they add "
                  "will follow.")
    if report.municipality is not None:
        yield msg("Municipality: {municipality}", municipality=PlaceName(
            report.municipality.code, report.municipality.name(language)))
    yield from place_lines(report, language)
    yield from _kind_lines(report)
    if report.description:
        yield msg("Description: {description}", description=Verbatim(report.description))
    yield from words_lines(report)
    link = f"{base_url.rstrip('/')}/reports/{report.reference}"
    yield msg("Details: {link}", link=Verbatim(link))
    yield msg("To acknowledge, reply OK {reference}", reference=reference)


def words_lines(report: Report) -> Iterator[Msg]:
    """Yield the reporter's own sentences that answered a choice (kept beside the choice)."""
    details = report.details if isinstance(report.details, dict) else {}
    words = details.get("words")
    for text in (words.values() if isinstance(words, dict) else ()):
        yield msg("In the reporter's own words: {text}", text=Verbatim(str(text)))


def _kind_lines(report: Report) -> Iterator[Msg]:
    """Yield what only one kind carries: the child's age and sex, or the pupil's school."""
    details = report.details if isinstance(report.details, dict) else {}
    if report.kind == "child_at_risk" and details.get("age_band"):
        yield msg("Child: {age}, {sex}", age=label(AGE_BANDS, str(details["age_band"])),
                  sex=label(SEXES, str(details.get("sex", "unknown"))))
    if report.kind != "dropout":
        return
    school = report.school.name if report.school is not None else details.get("school")
    yield msg("School: {school}, class {class_name}", school=Verbatim(str(school or "?")),
              class_name=Verbatim(str(details.get("class") or "?")))
    if details.get("pupil"):
        yield msg("Pupil: {pupil}", pupil=Verbatim(str(details["pupil"])))
    if details.get("days_absent"):
        yield msg("Days absent: {days}", days=Verbatim(str(details["days_absent"])))
    if details.get("reason"):
        yield msg("Reason: {reason}", reason=label(DROPOUT_REASONS, str(details["reason"])))
    if details.get("reason_text"):
        yield msg("In the teacher's words: {text}", text=Verbatim(str(details["reason_text"])))


def _reporter_update(session: Session, row: OutboxMessage, report: Report,
                     catalogs: Catalogs) -> str | Skip:
    """Tell the reporter the new status, unless they opted out since it was queued."""
    status = row.payload.get("status")
    if status not in STATUSES:
        return _skip(session, row, Problem("malformed", "malformed payload: unknown status"))
    contact = session.get(Contact, row.contact_id) if row.contact_id is not None else None
    if contact is None:
        return _skip(session, row, Problem("reporter_gone",
                                           "the reporter's contact no longer exists"))
    if contact.opted_out:
        return _skip(session, row, Problem("reporter_opted_out", "the reporter opted out"))
    reason = row.payload.get("reason")
    event = str(row.payload.get("event") or "status")
    who = holder(session, report, status, event, row.language)
    text = update_text(report, status, reason if isinstance(reason, str) else None, event, who)
    return catalogs(text, row.language)


def _referral(session: Session, row: OutboxMessage, report: Report, catalogs: Catalogs,
              settings: Settings) -> str | Skip:
    """Render a referral message (to the service, or back to the focal points), or skip it."""
    problem = referral_problem(session, row, report)
    if problem is not None:
        return _skip(session, row, problem)
    lines = referral_lines(session, row, report, settings.public_base_url)
    return "\n".join(catalogs(line, row.language) for line in lines)


def _skip(session: Session, row: OutboxMessage, problem: Problem, **facts: Any) -> Skip:
    """Record on the report why a message was not sent, and return the Skip."""
    if row.report_id is not None and session.get(Report, row.report_id) is not None:
        session.add(ReportEvent(
            report_id=row.report_id, at=utcnow(), actor="system", kind="message_skipped",
            note=f"{row.purpose} #{row.id} not sent: {problem.text}",
            data={"purpose": row.purpose, "message": row.id, "why": problem.why,
                  "channel": row.channel, "point": row.contact_point_id, **facts}))
    return Skip(problem.text)
