"""What a report's page shows of its referrals, and the services it may be referred to."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.needs import NEED_KEYS, NEEDS
from handlers.referral_texts import REFERRAL_EVENTS, REFERRAL_STATES
from models import Report
from models.services import Referral
from service.directory import active_services
from service.referrals import referable


def referral_context(session: Session, report: Report) -> dict[str, Any]:
    """Return what the report page's referral section shows, for one who sees the report."""
    referrals = list(session.scalars(select(Referral).where(Referral.report_id == report.id)
                                     .order_by(Referral.id)))
    need = request.args.get("need", "")
    services = [s for s in active_services(session, report.municipality_id)
                if need not in NEED_KEYS or need in (s.needs or ())]
    return {"referrals": referrals, "referral_services": services, "referral_need": need,
            "need_choices": [c for c in NEEDS if c.key in NEED_KEYS],
            "need_labels": {c.key: c.label for c in NEEDS},
            "referral_states": REFERRAL_STATES, "referral_events": REFERRAL_EVENTS,
            "referable": referable(report), "needs_referral": needs_referral(referrals)}


def needs_referral(referrals: list[Referral]) -> bool:
    """Tell whether the last referral came back declined and none other is open or done."""
    if not referrals or referrals[-1].state != "declined":
        return False
    return not any(r.state in ("sent", "accepted", "done") for r in referrals)
