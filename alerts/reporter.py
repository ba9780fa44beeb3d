"""What a reporter is told when their report moves on: who took it up, what happens next.

Never a bare status word, never a person's name or number. A child-at-risk update says
nothing of the case (the phone may not be the reporter's alone); a hazard update names the
hazard; a teacher's update names the class and the pupil's initials. Each update is one
message that fits two SMS once shaped to GSM-7.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.categories import category_label
from handlers.i18n import Msg, Verbatim, msg
from handlers.recipients import recipient
from models import ContactPoint, Report, ReportEvent, ReportRoute

SUBJECTS: dict[str, Msg] = {
    "child_at_risk": msg("{reference} about a child at risk"),
    "hazard": msg("{reference} ({category})"),
    "dropout": msg("{reference} (class {class_name}, {pupil})"),
}
TAKEN_UP: dict[str, Msg] = {
    "child_at_risk": msg("Your report {report} has been taken up by {who}. It will be handled "
                         "with care and in confidence; you need do nothing more. "
                         "Thank you for caring."),
    "hazard": msg("Your report {report} has been taken up by {who}. They will look at the "
                  "place, and we will tell you when it has been dealt with."),
    "dropout": msg("Your report {report} has been taken up by {who}. They may contact you "
                   "for details. Thank you."),
}
RESOLVED: dict[str, Msg] = {
    "child_at_risk": msg("Your report {report} has been dealt with. Thank you for caring. "
                         "If you are ever worried again, report again; in an emergency "
                         "call 112."),
    "hazard": msg("The hazard you reported, {report}, has been dealt with. Thank you for "
                  "helping to keep children safe. If it is still there, please report it "
                  "again."),
    "dropout": msg("Your report {report} has been dealt with. Thank you for looking out for "
                   "your pupils."),
}
CLOSED: dict[str, Msg] = {
    "duplicate": msg("Your report {report} has been closed because someone had already "
                     "reported the same thing; it is being handled under that report. "
                     "Thank you all the same."),
    "referred": msg("Your report {report} has been passed on to another service that can "
                    "help better, and will be handled there. Thank you."),
    "not_actionable": msg("Your report {report} has been closed: after looking into it, the "
                          "office in charge found nothing it could act on. If something "
                          "changes, please report again."),
}
# A worried reporter is not told that "nothing could be done" about a child.
CHILD_NOT_ACTIONABLE = msg("Your report {report} has been looked into, and no further action "
                           "is needed for now. Thank you for caring. If you are worried "
                           "again, report again; in an emergency call 112.")
CLOSED_PLAIN = msg("Your report {report} has been closed. Thank you for reporting.")
IN_PROGRESS = msg("Work has started on your report {report}. You need do nothing more; "
                  "we will tell you when it has been dealt with.")
WAITING = msg("Your report {report} has been sent to {who} and is waiting to be taken up.")
PASSED_ON = msg("Your report {report} has been passed to {who}, who will take it from here.")


def subject(report: Report) -> Msg:
    """Name the report: its reference, and what it is about as far as is discreet."""
    details = report.details if isinstance(report.details, dict) else {}
    template = SUBJECTS.get(report.kind, SUBJECTS["child_at_risk"])
    return msg(template.msgid, reference=Verbatim(report.reference),
               category=category_label(report.kind, report.category),
               class_name=Verbatim(str(details.get("class") or "?")),
               pupil=Verbatim(str(details.get("pupil") or "?")))


def update_text(report: Report, status: str, reason: str | None, event: str,
                who: Msg) -> Msg:
    """Return the update for a status (or a passing-on), worded for the kind of report."""
    kind = report.kind if report.kind in SUBJECTS else "child_at_risk"
    if event == "reassigned":
        template = PASSED_ON
    elif status == "acknowledged":
        template = TAKEN_UP[kind]
    elif status == "in_progress":
        template = IN_PROGRESS
    elif status == "resolved":
        template = RESOLVED[kind]
    elif status == "closed" and reason == "not_actionable" and kind == "child_at_risk":
        template = CHILD_NOT_ACTIONABLE
    elif status == "closed":
        template = CLOSED.get(reason or "", CLOSED_PLAIN)
    else:
        template = WAITING
    return msg(template.msgid, report=subject(report), who=who)


def holder(session: Session, report: Report, status: str, event: str,
           language: str) -> Msg:
    """Name who holds the report now, by role and municipality: who acted, else its routes."""
    point = None
    if event != "reassigned":
        actor = session.scalar(select(ReportEvent.actor).where(
            ReportEvent.report_id == report.id, ReportEvent.kind == "status",
            ReportEvent.to_status == status).order_by(ReportEvent.id.desc()).limit(1))
        kind, _, ident = (actor or "").partition(":")
        if kind == "contact_point" and ident.isdigit():
            point = session.get(ContactPoint, int(ident))
    if point is None:
        routes = session.scalars(select(ReportRoute).where(ReportRoute.report_id == report.id)
                                 .order_by(ReportRoute.id)).all()
        taken = [r for r in routes if r.state == "acknowledged"]
        if routes:
            route = routes[-1] if event == "reassigned" else (taken or routes)[0]
            point = route.contact_point
    if point is None:
        return recipient("national", None)
    return named(point, report, language)


def named(point: ContactPoint, report: Report, language: str) -> Msg:
    """Name a contact point as the reporter reads it: its role and municipality, no person."""
    place = point.municipality or (report.municipality if point.role != "national" else None)
    return recipient(point.role, place.code if place else None,
                     place.name(language) if place else None)
