"""Updates on a filed report: what a reporter added (to its holders), notices to a reporter.

The lines are rendered when the update is sent, from the report as it is then, with the
alert's own wording. An alert rendered after an addition carries it already, so rendering an
alert marks the updates still waiting for its contact point as carried.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from alerts.skips import Problem
from handlers.categories import AGE_BANDS, DROPOUT_REASONS, KINDS, SEXES, category_label, label
from handlers.i18n import N_, Msg, Verbatim, msg
from handlers.relay_texts import FORWARD_HEAD, FORWARD_LINK
from models import Contact, ContactPoint, OutboxMessage, Report
from models.optout import is_opted_out

CATEGORY_LINE: dict[str, str] = {
    "child_at_risk": N_("Concern: {category}"),
    "dropout": N_("Situation: {category}"),
    "hazard": N_("Hazard: {category}"),
}


def absorb_updates(session: Session, alert: OutboxMessage) -> int:
    """Mark the updates waiting for this alert's contact point as carried by the alert.

    An alert is rendered from the report as it is now, and each update was committed with
    the change it names, so every update this transaction sees is in the alert's text.
    Updates another worker holds are left alone: told twice rather than never.
    """
    done = session.execute(update(OutboxMessage).where(
        OutboxMessage.report_id == alert.report_id,
        OutboxMessage.contact_point_id == alert.contact_point_id,
        OutboxMessage.purpose == "report_update", OutboxMessage.status == "pending",
        # Unclaimed, or claimed in the same batch as this alert and not prepared yet.
        or_(OutboxMessage.lease_owner.is_(None),
            OutboxMessage.lease_owner == alert.lease_owner)).values(
        status="skipped", last_error=f"carried by {alert.purpose} #{alert.id}"))
    return int(getattr(done, "rowcount", 0) or 0)


def update_problem(session: Session, row: OutboxMessage) -> Problem | None:
    """Say why an update must not be sent, or None when it may go."""
    point = session.get(ContactPoint, row.contact_point_id) if row.contact_point_id else None
    if point is None or not point.active:
        return Problem("point_inactive", "the contact point is no longer active")
    if is_opted_out(session, row.channel, row.address):
        return Problem("point_opted_out",
                       f"the contact point's {row.channel} address takes no messages")
    return None


def notice_problem(session: Session, row: OutboxMessage) -> Problem | None:
    """Say why a notice to a reporter must not be sent, or None when it may go."""
    contact = session.get(Contact, row.contact_id) if row.contact_id is not None else None
    if contact is None:
        return Problem("reporter_gone", "the reporter's contact no longer exists")
    if contact.opted_out:
        return Problem("reporter_opted_out", "the reporter opted out")
    if not isinstance(row.payload.get("text"), str) or not row.payload["text"].strip():
        return Problem("malformed", "malformed payload: no text")
    return None


def update_lines(report: Report, payload: dict[str, Any],
                 base_url: str) -> Iterator[Msg | Verbatim]:
    """Yield an update's lines: which report, then what the reporter added."""
    reference = Verbatim(report.reference)
    if report.urgent:
        yield msg("URGENT")
    yield msg("More on report {reference} ({kind}, {category}); the reporter added:",
              reference=reference, kind=KINDS.get(report.kind, msg("Report")),
              category=category_label(report.kind, report.category))
    fields = [f for f in payload.get("fields", []) if isinstance(f, str)]
    yield from added_lines(report, fields)
    if not report.incomplete:
        yield msg("The reporter has answered every question.")
    link = f"{base_url.rstrip('/')}/reports/{report.reference}"
    yield msg("Details: {link}", link=Verbatim(link))


def answer_lines(report: Report, payload: dict[str, Any],
                 base_url: str) -> Iterator[Msg | Verbatim]:
    """Yield a reporter's answer as its holders read it: the question, the answer, the link.

    Nothing says who the reporter is: the answer is in their own words, nothing more.
    """
    yield msg(FORWARD_HEAD.msgid, reference=Verbatim(report.reference),
              question=Verbatim(str(payload.get("question") or "")))
    yield Verbatim(f"\u201c{payload.get('answer') or ''}\u201d")
    link = f"{base_url.rstrip('/')}/reports/{report.reference}"
    yield msg(FORWARD_LINK.msgid, link=Verbatim(link))


def added_lines(report: Report, fields: list[str]) -> Iterator[Msg]:
    """Yield one line per added answer, in the order an alert shows them."""
    details = report.details if isinstance(report.details, dict) else {}
    wanted = set(fields)
    if "category" in wanted:
        yield msg(CATEGORY_LINE.get(report.kind, CATEGORY_LINE["hazard"]),
                  category=category_label(report.kind, report.category))
    if wanted & {"details.age_band", "details.sex"} and details.get("age_band"):
        yield msg("Child: {age}, {sex}", age=label(AGE_BANDS, str(details["age_band"])),
                  sex=label(SEXES, str(details.get("sex", "unknown"))))
    if "details.days_absent" in wanted and details.get("days_absent"):
        yield msg("Days absent: {days}", days=Verbatim(str(details["days_absent"])))
    if wanted & {"details.reason", "details.reason_text"} and details.get("reason"):
        yield msg("Reason: {reason}", reason=label(DROPOUT_REASONS, str(details["reason"])))
    if "details.reason_text" in wanted and details.get("reason_text"):
        yield msg("In the teacher's words: {text}", text=Verbatim(str(details["reason_text"])))
    if "description" in wanted and report.description:
        yield msg("Description: {description}", description=Verbatim(report.description))
    if wanted & {"anonymous", "callback_consent"}:
        yield (msg("The reporter agrees to be contacted for more details.")
               if report.callback_consent else msg("The reporter wishes to stay anonymous."))
