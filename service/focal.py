"""Applying a focal action of the table (handlers/focal_actions.py), whoever asks for it.

An alert's button, a chat word and the dashboard's form all end here: the action's path is
walked through the lifecycle as one actor (a contact point the report was routed to, or a
staff member), and the outcome says what happened, for each channel to word its answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.lifecycle import Actor, Refused, change_status
from handlers.focal import Outcome
from handlers.focal_actions import FocalAction
from models import ContactPoint, Report, ReportRoute


@dataclass(frozen=True)
class Acted:
    """What a status action did: the outcome, where the report stands, and who acted."""

    outcome: Outcome
    reference: str
    status: str = ""  # the report's status afterwards ("" when not found)
    target: str = ""  # where the action would take it
    point: ContactPoint | None = None  # the contact point who acted, if one did


def act(session: Session, actor: Actor, reference: str, action: FocalAction, *,
        reason: str | None = None, note: str = "", now: datetime) -> Acted:
    """Walk a status action's path as `actor`; the note and reason go with its last step."""
    target = action.target or ""
    status, changed = "", False
    for index, step in enumerate(action.path):
        last = index == len(action.path) - 1
        result = change_status(session, reference, actor, step, now=now,
                               reason=reason if last else None, note=note if last else "")
        if isinstance(result, Refused):
            if result.reason == "not_found":
                return Acted("not_found", reference, target=target)
            status = result.status or status
            if changed:
                break
            outcome: Outcome = "reason_required" if result.reason == "reason_required" \
                else "blocked"
            return Acted(outcome, result.reference, status, target)
        status, changed = result.to_status, changed or result.changed
        reference = result.reference
    return Acted("changed" if changed else "unchanged", reference, status, target)


def routed_points(session: Session, point_ids: list[int], reference: str) -> list[ContactPoint]:
    """Return those of these contact points that the report was routed to, in order."""
    if not point_ids:
        return []
    routed = set(session.scalars(
        select(ReportRoute.contact_point_id).join(Report, Report.id == ReportRoute.report_id)
        .where(Report.reference == reference.upper())))
    points = [session.get(ContactPoint, point_id) for point_id in point_ids
              if point_id in routed]
    return [p for p in points if p is not None]


def act_as_points(session: Session, point_ids: list[int], reference: str,
                  action: FocalAction, *, reason: str | None = None, note: str = "",
                  now: datetime) -> Acted:
    """Apply a status action as the first of a person's contact points holding the report.

    One person may hold several contact points (a chat or phone shared by two roles); the
    report went to some of them, and anyone else is told it was not found.
    """
    points = routed_points(session, point_ids, reference)
    if not points:
        return Acted("not_found", reference, target=action.target or "")
    point = points[0]
    acted = act(session, Actor("contact_point", point.id, point.name), reference, action,
                reason=reason, note=note, now=now)
    return Acted(acted.outcome, acted.reference, acted.status, acted.target, point)
