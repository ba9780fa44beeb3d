"""Awareness campaigns in the dashboard: compose, preview, schedule, cancel, and follow.

Admins see and send to every municipality; a coordinator only to their own: a campaign
that reaches another municipality does not exist for them (404), and choosing another
municipality in the form is refused (403). Every change is in the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from alerts.campaigns import cancel, counts
from handlers.i18n import Msg, msg
from models import Municipality, User
from models.campaigns import Campaign
from models.db import get_db
from web import get_settings
from web.admin_common import manager_required, municipalities, problem
from web.audit import record
from web.campaign_form import LANGUAGE_NAMES, Draft, previews, problems, scheduled_for
from web.i18n import by_name

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
STATES: dict[str, Msg] = {
    "draft": msg("draft"), "scheduled": msg("scheduled"), "sending": msg("going out"),
    "sent": msg("sent"), "cancelled": msg("cancelled"),
}
EDITABLE = ("draft",)
CANCELLABLE = ("scheduled", "sending")


def in_scope(user: User, municipality_ids: list[int]) -> bool:
    """Tell whether every municipality of a campaign is one the user manages."""
    if user.role == "admin":
        return True
    return bool(municipality_ids) and all(i == user.municipality_id for i in municipality_ids)


def _campaign(session: Session, user: User, campaign_id: int) -> Campaign:
    """Return a campaign the user may see, or abort 404."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not in_scope(user, list(campaign.municipality_ids or ())):
        abort(HTTPStatus.NOT_FOUND)
    return campaign


def _names(session: Session, ids: list[int]) -> str:
    """Return the municipalities' names for the audit log."""
    towns = session.scalars(select(Municipality).where(Municipality.id.in_(ids)))
    return ", ".join(m.name_sq for m in by_name(towns))


def index() -> str:
    """List the campaigns the user may see, newest first, with their delivery counts."""
    user: User = g.user
    with get_db(current_app).session() as session:
        found = [c for c in session.scalars(select(Campaign).order_by(Campaign.id.desc()))
                 if in_scope(user, list(c.municipality_ids or ()))]
        towns = {m.id: m for m in session.scalars(select(Municipality))}
        return render_template("campaigns/index.html", campaigns=found, towns=towns,
                               states=STATES,
                               counts=counts(session, [c.id for c in found]))


def edit(campaign_id: int | None = None) -> str | Response:
    """Compose a campaign (a new one, or a draft): save it, or show its preview."""
    user: User = g.user
    settings = get_settings(current_app)
    with get_db(current_app).transaction() as session:
        campaign = _campaign(session, user, campaign_id) if campaign_id else None
        draft = Draft(campaign.title, dict(campaign.texts or {}),
                      list(campaign.municipality_ids or ())) if campaign else Draft(
            municipality_ids=[user.municipality_id] if user.municipality_id else [])
        if request.method == "POST":
            if campaign is not None and campaign.status not in EDITABLE:
                abort(HTTPStatus.CONFLICT)
            draft = Draft.from_form(request.form)
            if not in_scope(user, draft.municipality_ids) and draft.municipality_ids:
                abort(HTTPStatus.FORBIDDEN)
            if not draft.title:
                draft.title = (draft.texts.get("sq") or "")[:60]
            campaign = campaign or Campaign(status="draft", created_by=user.id,
                                            created_at=datetime.now(UTC))
            campaign.title, campaign.texts = draft.title, draft.texts
            campaign.municipality_ids = draft.municipality_ids
            session.add(campaign)
            session.flush()
            record(session, user.id, "campaign", change="campaign saved", campaign=campaign.id,
                   title=campaign.title, municipalities=_names(session, draft.municipality_ids))
            return redirect(url_for("campaigns.campaign", campaign_id=campaign.id))
        return render_template(
            "campaigns/edit.html", campaign=campaign, draft=draft, states=STATES,
            municipalities=municipalities(session, user), language_names=LANGUAGE_NAMES,
            previews=previews(session, draft, settings.sms_transliterate),
            problems=problems(draft, settings.sms_transliterate) if campaign else [],
            counts=counts(session, [campaign.id]).get(campaign.id) if campaign else None)


def schedule(campaign_id: int) -> Response:
    """Schedule a draft for a date and time, or for now; refuse one that cannot be sent."""
    user: User = g.user
    settings = get_settings(current_app)
    with get_db(current_app).transaction() as session:
        campaign = _campaign(session, user, campaign_id)
        if campaign.status not in EDITABLE:
            abort(HTTPStatus.CONFLICT)
        draft = Draft(campaign.title, dict(campaign.texts or {}),
                      list(campaign.municipality_ids or ()))
        refused = problems(draft, settings.sms_transliterate)
        at = scheduled_for(request.form.get("when", "now"), datetime.now(UTC))
        if not isinstance(at, datetime):
            refused.append(at)
        for reason in refused:
            problem(reason)
        if not refused and isinstance(at, datetime):
            campaign.status, campaign.scheduled_at = "scheduled", at
            record(session, user.id, "campaign", change="campaign scheduled",
                   campaign=campaign.id, title=campaign.title, scheduled_at=at.isoformat(),
                   municipalities=_names(session, draft.municipality_ids))
    return redirect(url_for("campaigns.campaign", campaign_id=campaign_id))


def stop(campaign_id: int) -> Response:
    """Cancel a scheduled campaign, or one going out: what is not yet sent is skipped."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        campaign = _campaign(session, user, campaign_id)
        if campaign.status in CANCELLABLE or campaign.status == "draft":
            skipped = cancel(session, campaign, datetime.now(UTC))
            record(session, user.id, "campaign", change="campaign cancelled",
                   campaign=campaign_id, title=campaign.title, skipped=skipped)
    return redirect(url_for("campaigns.campaign", campaign_id=campaign_id))


bp.add_url_rule("", "index", manager_required(index))
bp.add_url_rule("/new", "new", manager_required(edit), methods=["GET", "POST"])
bp.add_url_rule("/<int:campaign_id>", "campaign", manager_required(edit),
                methods=["GET", "POST"])
bp.add_url_rule("/<int:campaign_id>/schedule", "schedule", manager_required(schedule),
                methods=["POST"])
bp.add_url_rule("/<int:campaign_id>/cancel", "cancel", manager_required(stop),
                methods=["POST"])


def init_app(app: Flask) -> None:
    """Mount the campaign pages (admins and coordinators)."""
    app.register_blueprint(bp)
