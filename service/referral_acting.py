"""Referral keywords from a chat: a focal point's REFERO, a service's PRANOHET/REFUZOHET/KRYER.

The words were read in handlers/referral_words.py; here they are carried out against the
database as the sender (each contact point at that address in turn, or the service whose
phone it is), and answered with the texts of handlers/referral_texts.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from alerts.lifecycle import Actor
from handlers import referral_texts as texts
from handlers.categories import STATUSES
from handlers.types import AnswerReferral, Inbound, Refer, Reply
from models import Report
from models.services import Referral, Service
from service.directory import active_services, pick_service
from service.referrals import Answered, NotDone, answer, refer, report_for
from service.world import contact_points_at

SERVICE_BY_PHONE = select(Service.id).where(
    Service.phone == bindparam("address"), Service.active).order_by(Service.id)


def services_at(session: Session, channel: str, address: str) -> list[int]:
    """Return the active services whose phone this is (never a Telegram chat)."""
    if channel == "telegram" or not address.startswith("+"):
        return []
    return list(session.connection().scalars(SERVICE_BY_PHONE, {"address": address}))


def act_refer(session: Session, inbound: Inbound, effect: Refer) -> Reply:
    """Refer the report as whichever of the sender's contact points may act on it."""
    for point_id in contact_points_at(session, inbound.channel, inbound.address):
        actor = Actor("contact_point", point_id)
        report = report_for(session, effect.reference, actor)
        if report is not None:
            return _refer(session, report, actor, effect.service, inbound.at)
    return texts.not_found(effect.reference)


def _refer(session: Session, report: Report, actor: Actor, words: str,
           now: datetime) -> Reply:
    """List the report's services, or refer it to the one the words name."""
    services = active_services(session, report.municipality_id)
    municipality = report.municipality
    if not words or not services:
        return texts.listing(report.reference, municipality.code if municipality else None,
                             municipality.name_sq if municipality else "", listed(services))
    chosen, note = pick_service(services, words)
    if isinstance(chosen, list):
        return texts.ambiguous(report.reference, listed(chosen))
    if chosen is None:
        return texts.unknown_service(report.reference, words)
    result = refer(session, report.reference, chosen.id, actor, note=note, now=now)
    if isinstance(result, NotDone):
        if result.problem == "finished":
            return texts.cannot_refer(report.reference, STATUSES[report.status])
        return texts.not_found(report.reference)
    return texts.referred(result.reference, result.service, result.notified, result.already)


def listed(services: list[Service]) -> list[texts.Listed]:
    """Return services as a focal point's list shows them."""
    return [texts.Listed(s.id, s.name, tuple(s.needs or ())) for s in services]


def act_answer(session: Session, inbound: Inbound, effect: AnswerReferral) -> Reply:
    """Record a service's answer to its referral of the report named."""
    mine = services_at(session, inbound.channel, inbound.address)
    referral = session.scalar(
        select(Referral).join(Report, Referral.report_id == Report.id)
        .where(Report.reference == effect.reference, Referral.service_id.in_(mine))
        .order_by(Referral.state.in_(("sent", "accepted")).desc(), Referral.id.desc())
        .limit(1)) if mine else None
    if referral is None:
        return texts.no_referral(effect.reference)
    result = answer(session, referral.id, Actor("service", referral.service_id),
                    effect.outcome, reason=effect.reason, now=inbound.at)
    if isinstance(result, Answered):
        return texts.answered(result.reference, result.state, result.changed)
    if result.problem == "reason_required":
        return texts.reason_needed(result.reference)
    return texts.answer_blocked(result.reference, result.state or referral.state)
