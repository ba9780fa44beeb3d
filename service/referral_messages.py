"""Referral messages queued in the outbox: to the service, and back to the report's holders.

Only the ids go in the payload; the text is written when the message is sent
(alerts/referral_content.py), from the referral as it is then, so a referral revoked before
its message leaves is never announced.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from alerts.lifecycle import Actor
from models import ContactPoint, OutboxMessage, Report
from models.services import Referral, Service
from service.adding import holders
from service.filing import delivery_address

SERVICE_PURPOSE = "referral"  # to the service: a new referral, or one revoked
HOLDER_PURPOSE = "referral_update"  # to the focal points: the service's answer
CHANNEL_LANGUAGES = ("sq", "sr", "en")


def service_language(service: Service) -> str:
    """Return the language to write to a service in: its first one we write, else Albanian."""
    return next((code for code in service.languages or () if code in CHANNEL_LANGUAGES), "sq")


def tell_service(session: Session, report: Report, referral: Referral, service: Service,
                 event: str, now: datetime) -> bool:
    """Queue a message to the service's phone (else e-mail); False when it has neither."""
    if service.phone:
        channel, address = "sms", service.phone
    elif service.email:
        channel, address = "email", service.email
    else:
        return False
    session.add(OutboxMessage(
        purpose=SERVICE_PURPOSE, report_id=report.id, contact_point_id=None, contact_id=None,
        channel=channel, address=address, language=service_language(service),
        payload={"event": event, "reference": report.reference, "referral_id": referral.id},
        status="pending", attempts=0, due_at=now, created_at=now, last_error=""))
    return True


def recipients(session: Session, report: Report, referral: Referral,
               actor: Actor) -> list[ContactPoint]:
    """Return who hears of a referral's change: the report's holders and whoever referred it,
    each once, never the contact point who made the change."""
    points = holders(session, report)
    kind, _, number = referral.referred_by.partition(":")
    if kind == "contact_point" and number.isdigit():
        referrer = session.get(ContactPoint, int(number))
        if referrer is not None and referrer.active:
            points.append(referrer)
    mine = actor.id if actor.kind == "contact_point" else None
    return [p for p in dict.fromkeys(points) if p.id != mine]


def tell_holders(session: Session, report: Report, referral: Referral, actor: Actor,
                 now: datetime) -> int:
    """Queue the referral's new state to the report's focal points; return how many."""
    told = recipients(session, report, referral, actor)
    for point in told:
        channel, address = delivery_address(point)
        session.add(OutboxMessage(
            purpose=HOLDER_PURPOSE, report_id=report.id, contact_point_id=point.id,
            contact_id=None, channel=channel, address=address, language=point.language,
            payload={"event": "referral_update", "reference": report.reference,
                     "referral_id": referral.id, "state": referral.state},
            status="pending", attempts=0, due_at=now, created_at=now, last_error=""))
    return len(told)
