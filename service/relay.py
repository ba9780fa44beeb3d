"""A focal point's question to a reporter, relayed without unmasking them, and the answer back.

The question goes by the channel the report came by, framed in the reporter's language
(which report, which office asks, how to answer), from the service's own number or bot: no
one on either side learns the other's address. The answer becomes an event on the report's
timeline and goes to the contact points holding it. A reporter can be asked for 30 days
after their last message about the report, never once they opted out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.lifecycle import Actor
from alerts.reporter import holder, named, subject
from handlers.flow import Translator
from handlers.i18n import Msg, Verbatim, msg
from handlers.relay import ASKING_TIME, NEXT_ANSWER, QUESTION_LIMIT, asking_aside, relay_aside
from handlers.relay_texts import (
    ANSWER_PASSED,
    ASK_EMPTY,
    ASK_NOBODY,
    ASK_NOT_FOUND,
    ASK_OPTED_OUT,
    ASK_PROMPT,
    ASK_SENT,
    ASK_SENT_PAGE,
    ASK_TOO_LONG,
    ASK_TOO_LONG_SMS,
    ASK_WINDOW,
    NO_QUESTION,
    QUESTION_KEYWORD,
    QUESTION_NEXT,
    THEY_WRITE,
    WRITTEN_ONLY,
)
from handlers.types import AnswerQuestion, Reply
from models import ContactPoint, OutboxMessage, Report, ReporterQuestion, ReportEvent
from service.adding import holders
from service.asides import busy, current_state, put_aside
from service.filing import delivery_address
from service.fixed_check import answer_fixed
from service.focal import routed_points

WINDOW = timedelta(days=30)  # after the reporter's last message about the report
RELAY_CHANNELS = frozenset({"telegram", "sms", "whatsapp"})  # the channels we can write back on
SMS_UNITS = 2 * 153  # two concatenated GSM-7 segments: no SMS to a reporter is longer
AskOutcome = Literal["sent", "not_found", "empty", "too_long", "too_long_sms", "nobody",
                     "window", "opted_out"]
WORDING: dict[str, Msg] = {
    "not_found": ASK_NOT_FOUND, "empty": ASK_EMPTY, "too_long": ASK_TOO_LONG,
    "too_long_sms": ASK_TOO_LONG_SMS, "nobody": ASK_NOBODY, "window": ASK_WINDOW,
    "opted_out": ASK_OPTED_OUT, "sent": ASK_SENT,
}


@dataclass(frozen=True)
class Asked:
    """What became of a question: sent, or why not (with the characters to cut)."""

    outcome: AskOutcome
    reference: str
    count: int = 0

    def message(self, page: bool = False) -> Msg:
        """Word the outcome for the asker (`page`: on the dashboard rather than by chat)."""
        template = ASK_SENT_PAGE if page and self.outcome == "sent" else WORDING[self.outcome]
        return msg(template.msgid, reference=Verbatim(self.reference), count=self.count)


@dataclass(frozen=True)
class Prompted:
    """The answer to "Ask the reporter" on an alert: a prompt to send, or why not."""

    answer: str
    prompt: str | None
    language: str


def last_heard(session: Session, report: Report) -> datetime:
    """Return when the reporter last wrote about the report (filing, additions, answers)."""
    latest = session.scalar(select(func.max(ReportEvent.at)).where(
        ReportEvent.report_id == report.id, ReportEvent.actor == "reporter"))
    return max(latest or report.created_at, report.created_at)


def askable(session: Session, report: Report, now: datetime) -> AskOutcome | None:
    """Say why the report's reporter cannot be asked now, or None when they can."""
    contact = report.reporter
    if report.simulated or contact is None or contact.channel not in RELAY_CHANNELS:
        return "nobody"
    if contact.opted_out:
        return "opted_out"
    if last_heard(session, report) < now - WINDOW:
        return "window"
    return None


def sms_units(text: str) -> int:
    """Return at most how many GSM-7 septets the text takes once transliterated.

    Letters outside GSM-7 become one letter (ë→e) or vanish (emoji); đ becomes dj, "…"
    three dots, and the extension table's characters take two septets.
    """
    return sum(3 if char == "\u2026" else 2 if char in "đĐ^{}\\[~]|€\f" else 1 for char in text)


def asker_named(session: Session, report: Report, asked_by: str, language: str) -> Msg:
    """Name who asks: the asking contact point's role and place, else who holds the report."""
    kind, _, ident = asked_by.partition(":")
    point = session.get(ContactPoint, int(ident)) if kind == "contact_point" \
        and ident.isdigit() else None
    if point is not None:
        return named(point, report, language)
    return holder(session, report, report.status, "status", language)


def ask_reporter(session: Session, report: Report, asker: Actor, question: str,
                 now: datetime, translate: Translator) -> Asked:
    """Relay a question to the report's reporter as `asker` (already allowed to act on it)."""
    question = " ".join(question.split())
    if not question:
        return Asked("empty", report.reference)
    if len(question) > QUESTION_LIMIT:
        return Asked("too_long", report.reference, QUESTION_LIMIT)
    refused = askable(session, report, now)
    contact = report.reporter
    if refused is not None or contact is None:
        return Asked(refused or "nobody", report.reference)
    language = contact.language or report.language
    _, state = current_state(session, contact.channel, contact.address)
    mode = "keyword" if busy(state, now) else "next"
    template = QUESTION_NEXT if mode == "next" else QUESTION_KEYWORD
    text = translate(msg(template.msgid, report=subject(report), question=Verbatim(question),
                         who=asker_named(session, report, asker.label, language),
                         reference=Verbatim(report.reference)), language)
    if contact.channel == "sms" and sms_units(text) > SMS_UNITS:
        return Asked("too_long_sms", report.reference, sms_units(text) - SMS_UNITS)
    row = ReporterQuestion(report_id=report.id, contact_id=contact.id, kind="question",
                           text=question, asked_by=asker.label, asked_at=now, answer="")
    session.add(row)
    session.add(OutboxMessage(
        purpose="relay_question", report_id=report.id, contact_point_id=None,
        contact_id=contact.id, channel=contact.channel, address=contact.address,
        language=language, payload={"event": "question", "reference": report.reference,
                                    "text": text},
        status="pending", attempts=0, due_at=now, created_at=now, last_error=""))
    session.add(ReportEvent(report_id=report.id, at=now, actor=asker.label, kind="question",
                            from_status=report.status, to_status=report.status, note=question,
                            data={"text": question}))
    put_aside(session, contact.channel, contact.address, "relay",
              relay_aside(report.reference, "question", mode, now + NEXT_ANSWER), language, now)
    return Asked("sent", report.reference)


def ask_as_points(session: Session, point_ids: list[int], reference: str, question: str,
                  now: datetime, translate: Translator) -> Reply:
    """Relay a question written by chat (PYET R-… question) as the routed contact point."""
    points = routed_points(session, point_ids, reference)
    report = session.scalar(select(Report).where(Report.reference == reference.upper()))
    if not points or report is None:
        return Reply((Asked("not_found", reference).message(),))
    point = points[0]
    asked = ask_reporter(session, report, Actor("contact_point", point.id, point.name),
                         question, now, translate)
    return Reply((asked.message(),))


def start_asking(session: Session, channel: str, address: str, point_ids: list[int],
                 reference: str, now: datetime, translate: Translator) -> Prompted:
    """Answer "Ask the reporter" on an alert: the chat's next message will be the question."""
    points = routed_points(session, point_ids, reference)
    report = session.scalar(select(Report).where(Report.reference == reference.upper()))
    first = session.get(ContactPoint, point_ids[0]) if point_ids else None
    language = points[0].language if points else first.language if first else "sq"
    if not points or report is None:
        return Prompted(translate(Asked("not_found", reference).message(), language), None,
                        language)
    refused = askable(session, report, now)
    if refused is not None:
        return Prompted(translate(Asked(refused, reference).message(), language), None,
                        language)
    put_aside(session, channel, address, "asking", asking_aside(report.reference,
                                                                 now + ASKING_TIME),
              language, now)
    reporter_language = (report.reporter.language if report.reporter else None) \
        or report.language
    lines = [msg(ASK_PROMPT.msgid, reference=Verbatim(report.reference))]
    if reporter_language in THEY_WRITE:
        lines.append(THEY_WRITE[reporter_language])
    prompt = "\n".join(translate(line, language) for line in lines)
    return Prompted("", prompt, language)


def answer_question(session: Session, effect: AnswerQuestion, contact_id: int, now: datetime,
                    language: str) -> Reply:
    """Take a reporter's answer about a report: on its timeline, and to those holding it."""
    report = session.scalar(select(Report).where(Report.reference == effect.reference))
    row = None if report is None else session.scalar(
        select(ReporterQuestion).where(
            ReporterQuestion.report_id == report.id, ReporterQuestion.contact_id == contact_id,
            ReporterQuestion.asked_at >= now - WINDOW)
        .order_by(ReporterQuestion.asked_at.desc(), ReporterQuestion.id.desc()).limit(1))
    if report is None or row is None:
        return Reply((msg(NO_QUESTION.msgid, reference=Verbatim(effect.reference)),))
    if row.kind == "fixed":
        return answer_fixed(session, report, row, effect.verdict, now, language,
                            effect.text)
    text = effect.text.strip()
    if not text:
        return Reply((WRITTEN_ONLY,))
    row.answer = f"{row.answer}\n\n{text}" if row.answer else text
    row.answered_at = now
    session.add(ReportEvent(report_id=report.id, at=now, actor="reporter", kind="answer",
                            from_status=report.status, to_status=report.status, note=text,
                            data={"text": text}))
    forward(session, report, row, text, now)
    who = asker_named(session, report, row.asked_by, language)
    return Reply((msg(ANSWER_PASSED.msgid, reference=Verbatim(report.reference), who=who),))


def forward(session: Session, report: Report, row: ReporterQuestion, answer: str,
            now: datetime) -> None:
    """Queue the answer for the contact points holding the report and the one who asked."""
    points = holders(session, report)
    kind, _, ident = row.asked_by.partition(":")
    asker = session.get(ContactPoint, int(ident)) if kind == "contact_point" \
        and ident.isdigit() else None
    if asker is not None and asker.active and asker not in points:
        points.append(asker)
    for point in points:
        channel, address = delivery_address(point)
        session.add(OutboxMessage(
            purpose="relay_answer", report_id=report.id, contact_point_id=point.id,
            contact_id=None, channel=channel, address=address, language=point.language,
            payload={"event": "answer", "reference": report.reference,
                     "question": row.text, "answer": answer},
            status="pending", attempts=0, due_at=now, created_at=now, last_error=""))
