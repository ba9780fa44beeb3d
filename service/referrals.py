"""Referring a report to a service, and the referral's life: sent, accepted or declined, done.

Only those who may act on the report refer it (a contact point it was routed to, or staff
whose dashboard scope holds it); a service answers only its own referrals. Every change is an
event on the report's timeline with its actor. The service is told through the outbox (see
service/referral_messages.py); a change the service makes, or that staff record for it, goes
back to the focal points holding the report, and a declined referral asks them for another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.lifecycle import Actor, Refused, change_status, may_change
from models import Report, ReportEvent, ReportRoute
from models.reports import OPEN_STATUSES
from models.services import OPEN_REFERRAL, Referral, Service
from service.referral_messages import tell_holders, tell_service

# Where a referral may go from each state; revoking is the focal point's, never the service's.
NEXT: dict[str, frozenset[str]] = {
    "sent": frozenset({"accepted", "declined", "done", "revoked"}),
    "accepted": frozenset({"declined", "done", "revoked"}),
}
Problem = Literal["not_found", "finished", "no_service", "not_allowed", "reason_required"]


@dataclass(frozen=True)
class Referred:
    """A referral made (or one to the same service still open, when `already`)."""

    referral_id: int
    reference: str
    service: str
    notified: bool
    already: bool = False


@dataclass(frozen=True)
class Answered:
    """A referral's new state (`changed` False when it stood so already)."""

    referral_id: int
    reference: str
    service: str
    state: str
    changed: bool = True


@dataclass(frozen=True)
class NotDone:
    """Why a referral was not made or changed; "not_found" also covers one out of reach."""

    reference: str
    problem: Problem
    state: str | None = None


def referable(report: Report) -> bool:
    """Tell whether a report may be referred: open, or closed as referred (its referral may
    come back declined)."""
    return report.status in OPEN_STATUSES or (report.status == "closed"
                                             and report.close_reason == "referred")


def report_for(session: Session, reference: str, actor: Actor) -> Report | None:
    """Return the report, locked, when the actor may act on it (a contact point: routed to it)."""
    report = session.scalar(select(Report).where(Report.reference == reference.upper().strip())
                            .with_for_update())
    if report is None:
        return None
    points = set(session.scalars(select(ReportRoute.contact_point_id).where(
        ReportRoute.report_id == report.id)))
    return report if may_change(actor, {p for p in points if p is not None}) else None


def refer(session: Session, reference: str, service_id: int, actor: Actor, *, now: datetime,
          note: str = "", need: str | None = None, notify: bool = True) -> Referred | NotDone:
    """Refer a report to an active service of its municipality, and tell the service if asked.

    A report nobody had taken up yet is taken up by the one who refers it.
    """
    report = report_for(session, reference, actor)
    if report is None:
        return NotDone(reference, "not_found")
    if not referable(report):
        return NotDone(report.reference, "finished", report.status)
    service = session.get(Service, service_id)
    if service is None or not service.active or service.municipality_id != report.municipality_id:
        return NotDone(report.reference, "no_service")
    already = session.scalar(select(Referral).where(
        Referral.report_id == report.id, Referral.service_id == service.id,
        Referral.state.in_(OPEN_REFERRAL)))
    if already is not None:
        return Referred(already.id, report.reference, service.name, already.notified, True)
    if report.status in ("received", "routed"):
        change_status(session, report.reference, actor, "acknowledged", now=now)
    # A need the service does not meet is not kept: the referral is to the service as it is.
    need = need if need in (service.needs or ()) else None
    referral = Referral(report_id=report.id, service_id=service.id, need=need, state="sent",
                        note=note.strip(), reason="", referred_by=actor.label,
                        created_at=now, updated_at=now)
    session.add(referral)
    session.flush()
    _event(session, report, referral, service, actor, now, note.strip())
    if notify and not report.simulated:
        referral.notified = tell_service(session, report, referral, service, "new", now)
    return Referred(referral.id, report.reference, service.name, referral.notified)


def answer(session: Session, referral_id: int, actor: Actor, outcome: str, *, now: datetime,
           reason: str = "") -> Answered | NotDone:
    """Move a referral on (accepted, declined with a reason, done, revoked) as `actor`.

    The caller has checked the actor may touch the referral (see `may_answer`).
    """
    referral = session.scalar(select(Referral).where(Referral.id == referral_id)
                              .with_for_update())
    if referral is None:
        return NotDone("", "not_found")
    report, service = referral.report, referral.service
    if outcome == referral.state:
        return Answered(referral.id, report.reference, service.name, outcome, changed=False)
    if outcome not in NEXT.get(referral.state, frozenset()) or (
            outcome == "revoked" and actor.kind == "service"):
        return NotDone(report.reference, "not_allowed", referral.state)
    if outcome == "declined" and not reason.strip():
        return NotDone(report.reference, "reason_required", referral.state)
    referral.state, referral.updated_at = outcome, now
    if outcome in ("declined", "revoked"):
        referral.reason = reason.strip()
    _event(session, report, referral, service, actor, now, reason.strip())
    if not report.simulated:
        tell_holders(session, report, referral, actor, now)
        if outcome == "revoked" and referral.notified:
            tell_service(session, report, referral, service, "revoked", now)
    return Answered(referral.id, report.reference, service.name, outcome)


def may_answer(session: Session, referral: Referral, actor: Actor) -> bool:
    """Tell whether the actor may record an answer: its service, or those who may act on the
    report (staff are checked against their dashboard scope by the caller)."""
    if actor.kind == "service":
        return actor.id == referral.service_id
    return report_for(session, referral.report.reference, actor) is not None


def close_as_referred(session: Session, referral_id: int, actor: Actor,
                      now: datetime) -> bool:
    """Close the report as referred, pointing at this referral; False when it cannot be."""
    referral = session.get(Referral, referral_id)
    if referral is None or referral.state in ("declined", "revoked"):
        return False
    note = f"referral #{referral.id}: {referral.service.name}"
    result = change_status(session, referral.report.reference, actor, "closed",
                           reason="referred", note=note, now=now)
    if isinstance(result, Refused) or not result.changed:
        return False
    referral.closes_report = True
    return True


def _event(session: Session, report: Report, referral: Referral, service: Service,
           actor: Actor, now: datetime, words: str) -> None:
    """Record the referral's change on the report's timeline, with its actor."""
    note = service.name + (f" ({referral.need})" if referral.need else "")
    data: dict[str, object] = {"referral": referral.id, "service": service.name,
                               "need": referral.need}
    if words:
        data["text"] = words
    session.add(ReportEvent(report_id=report.id, at=now, actor=actor.label,
                            kind=f"referral_{referral.state}", from_status=report.status,
                            to_status=report.status,
                            note=f"{note}: {words}" if words else note, data=data))
