"""The simulator: the real channels in the browser, as Telegram-, SMS- and WhatsApp-like chats.

For trying flows and training staff (admins only). It runs its own conversation service,
built once per app with `simulated=True`: its reports are stored, marked simulated, and alert
nobody. Each browser session talks from its own made-up addresses (a Telegram chat id that is
not a number, phone numbers that no operator gives out), so it never mixes with real people.

Each pane takes its channel's own path, as `sinjalizo chat` does (web/simulator_panes.py):
the Telegram pane answers the update Telegram would deliver as the bot does, so `/lidh`, every
command and every button behave as on Telegram; the SMS pane runs the webhook's own path:
STOP/START, then the SMS bodies as Twilio sends them, each with its segments; the WhatsApp
pane (web/simulator_whatsapp.py) runs the WhatsApp webhook's path on the form Twilio would
post (text, a pin, a photo, a sticker or a voice note), then the WhatsApp messages as Twilio
sends them, ë and ç kept.
An admin may act as a teacher of a school (service/acting.py): the browser's addresses then
write as a teacher of that school, and no teacher row is created.

Every message is a plain form POST that redirects back, so the page works without JavaScript
(web/static/simulator.js only swaps the pane in place). The conversation state is in the
database like any other; the transcripts are in memory (web/simulator_transcript.py).
"""

from __future__ import annotations

import re
import secrets
from http import HTTPStatus
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from werkzeug.wrappers import Response

from handlers.types import TeacherInfo
from models import ConversationSession
from models.db import get_db
from service.acting import school_choices, stand_in_teacher
from service.conversation import Conversations
from service.setup import build_conversations
from web import get_catalogs, get_settings
from web.audit import record
from web.auth import admin_required
from web.simulator_panes import sms_exchange, telegram_exchange
from web.simulator_transcript import Transcripts
from web.simulator_whatsapp import whatsapp_exchange

bp = Blueprint("simulator", __name__, url_prefix="/simulator")
SERVICE_KEY, TRANSCRIPTS_KEY = "sinjalizo.simulator", "sinjalizo.simulator.transcripts"
SESSION_KEY, TEACHER_KEY = "simulator", "simulator_school"
PANES = ("telegram", "sms", "whatsapp")
# 383 0xx is no Kosovo number: an operator never hands these out, so nobody real has one.
SMS_PREFIX, TELEGRAM_PREFIX = "+383000", "sim-"
NONCE = re.compile(r"[0-9a-f]{16}")
FETCHED = "X-Simulator"  # header of simulator.js's requests: answer with the pane alone


def service(app: Flask) -> Conversations:
    """Return the simulator's own conversation service (simulated reports only), built once."""
    found = app.extensions.get(SERVICE_KEY)
    if not isinstance(found, Conversations):
        found = app.extensions[SERVICE_KEY] = build_conversations(
            get_db(app), get_settings(app), catalogs=get_catalogs(app), simulated=True)
    return found


def transcripts(app: Flask) -> Transcripts:
    """Return the app's simulator transcripts."""
    found = app.extensions.get(TRANSCRIPTS_KEY)
    if not isinstance(found, Transcripts):
        found = app.extensions[TRANSCRIPTS_KEY] = Transcripts()
    return found


def made_up(pane: str) -> str:
    """Return a new address for a pane: a chat id that is no number, or a 383 0xx number."""
    if pane == "telegram":
        return f"{TELEGRAM_PREFIX}{g.user.id}-{secrets.token_hex(4)}"
    return f"{SMS_PREFIX}{secrets.randbelow(10**9):09d}"


def addresses() -> dict[str, str]:
    """Return this browser session's made-up addresses, one per pane, choosing each once."""
    kept = session.get(SESSION_KEY)
    mine = {pane: str(kept[pane]) for pane in PANES
            if isinstance(kept, dict) and isinstance(kept.get(pane), str)}
    if len(mine) == len(PANES):
        return mine
    with get_db(current_app).session() as db_session:
        while True:
            new = {pane: made_up(pane) for pane in PANES if pane not in mine}
            chosen = {**mine, **new}
            # Random numbers seldom repeat; checking makes "never mixes" certain.
            if len(set(chosen.values())) == len(PANES) and not db_session.scalar(
                    select(ConversationSession.id).where(
                        ConversationSession.address.in_(new.values())).limit(1)):
                break
    session[SESSION_KEY] = chosen
    return chosen


def acting_teacher() -> TeacherInfo | None:
    """Return the stand-in teacher this browser writes as, if an admin chose a school."""
    school = session.get(TEACHER_KEY)
    if not isinstance(school, int):
        return None
    with get_db(current_app).session() as db_session:
        return stand_in_teacher(db_session, school_id=school)


def page(pane: str | None = None) -> dict[str, Any]:
    """Return what the page's templates need: panes, addresses, transcripts, schools, nonces."""
    mine = addresses()
    kept = transcripts(current_app)
    with get_db(current_app).session() as db_session:
        schools = school_choices(db_session)
    acting = session.get(TEACHER_KEY)
    return {"panes": PANES, "addresses": mine, "focus": pane,
            "lines": {name: kept.of(mine[name]) for name in PANES},
            "schools": schools, "acting": next((s for s in schools if s.id == acting), None),
            "nonce": lambda: secrets.token_hex(8)}


@bp.get("/")
@admin_required
def index() -> str:
    """Show the chat panes with their transcripts."""
    focus = request.args.get("at")
    return render_template("simulator/index.html", **page(focus if focus in PANES else None))


@bp.post("/send")
@admin_required
def send() -> Response | str:
    """Run one message of a pane through its channel's path and show what comes back."""
    pane, nonce = request.form.get("pane", ""), request.form.get("nonce", "")
    if pane not in PANES or not NONCE.fullmatch(nonce):
        abort(HTTPStatus.BAD_REQUEST, "unknown pane or missing nonce")
    address, teacher = addresses()[pane], acting_teacher()
    conversations, kept = service(current_app), transcripts(current_app)
    if pane == "telegram":
        exchange = telegram_exchange(conversations, kept, request.form, address, nonce, teacher)
    elif pane == "whatsapp":
        exchange = whatsapp_exchange(conversations, request.form, address, nonce, teacher)
    else:
        exchange = sms_exchange(conversations, get_settings(current_app).sms_transliterate,
                                request.form, address, nonce, teacher)
    if exchange is not None:
        kept.add(address, *exchange.lines)
        with get_db(current_app).transaction() as db_session:
            record(db_session, g.user.id, "simulator", pane=pane, sender=address,
                   filed=list(exchange.filed),
                   teacher_school=teacher.school_id if teacher else None)
    if request.headers.get(FETCHED):
        return render_template("simulator/pane.html", pane=pane, **page(pane))
    return redirect(url_for("simulator.index", at=pane, _anchor=pane))


@bp.post("/teacher")
@admin_required
def teacher() -> Response:
    """Write from this browser's addresses as a teacher of the chosen school, or as nobody."""
    raw = request.form.get("school", "").strip()
    if not raw:
        session.pop(TEACHER_KEY, None)
    else:
        with get_db(current_app).session() as db_session:
            chosen = stand_in_teacher(db_session, school_id=int(raw)) if raw.isdigit() else None
        if chosen is None:
            abort(HTTPStatus.BAD_REQUEST, "no such active school")
        session[TEACHER_KEY] = chosen.school_id
    with get_db(current_app).transaction() as db_session:
        record(db_session, g.user.id, "simulator", teacher_school=session.get(TEACHER_KEY))
    return redirect(url_for("simulator.index"))


@bp.post("/restart")
@admin_required
def restart() -> Response:
    """Start again from new addresses (the old conversations are left to time out)."""
    kept = transcripts(current_app)
    for address in addresses().values():
        kept.forget(address)
    session.pop(SESSION_KEY, None)
    return redirect(url_for("simulator.index"))


def init_app(app: Flask) -> None:
    """Serve the simulator."""
    app.register_blueprint(bp)
