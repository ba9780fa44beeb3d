"""The simulator: the real engine in the browser, as a Telegram-like and an SMS-like chat.

For trying flows and training staff (admins only). It runs its own conversation service,
built once per app with `simulated=True`: its reports are stored, marked simulated, and alert
nobody. Each browser session talks from its own made-up addresses (a Telegram chat id that is
not a number, a phone number that no operator gives out), so it never mixes with real people.
Messages go through the channels' own adapters: the Telegram pane builds Telegram updates for
bot/adapter.py, the SMS pane screens opt-out words and shows the SMS bodies as Twilio sends them.

Every message is a plain form POST that redirects back, so the page works without JavaScript
(web/static/simulator.js only swaps the pane in place). The conversation state is in the
database like any other; the transcript shown is kept in the app's memory (at most 200
conversations of 60 lines), so a restart of the server forgets what was said, not where one is.
"""

from __future__ import annotations

import math
import re
import secrets
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
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
from telegram import CallbackQuery, Chat, Location, Message, PhotoSize, Update, User
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from bot.adapter import OPTION_PREFIX, share_label, to_inbound
from bot.render import keyboard_rows
from handlers.types import Inbound
from models import ConversationSession
from models.db import get_db
from service.conversation import Conversations, Turn
from service.setup import build_conversations
from sms import optout
from sms.render import sms_messages
from web import get_catalogs, get_settings
from web.audit import record
from web.auth import admin_required

bp = Blueprint("simulator", __name__, url_prefix="/simulator")
SERVICE_KEY, TRANSCRIPTS_KEY = "sinjalizo.simulator", "sinjalizo.simulator.transcripts"
SESSION_KEY = "simulator"
PANES = ("telegram", "sms")
MAX_CONVERSATIONS, MAX_LINES, MAX_TEXT = 200, 60, 1000
PHOTO = "SIMULATED-PHOTO"  # the file id of the pane's photo: no such file exists anywhere
# 383 0xx is no Kosovo number: an operator never hands these out, so nobody real has one.
SMS_PREFIX, TELEGRAM_PREFIX = "+383000", "sim-"
NONCE = re.compile(r"[0-9a-f]{16}")
FETCHED = "X-Simulator"  # header of simulator.js's requests: answer with the pane alone


@dataclass(frozen=True)
class Line:
    """One message in a pane: who said it, the text, and the buttons under it."""

    mine: bool
    text: str
    rows: tuple[tuple[tuple[str, str], ...], ...] = ()  # rows of (option key, label)
    share: str = ""  # the "share location" button's label when the reply asks for a place


@dataclass
class Transcripts:
    """The last lines of each simulator address, for a bounded number of addresses."""

    lines: OrderedDict[str, deque[Line]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, address: str, *new: Line) -> None:
        """Append lines to an address's transcript, forgetting the least recent address if full."""
        with self.lock:
            found = self.lines.setdefault(address, deque(maxlen=MAX_LINES))
            self.lines.move_to_end(address)
            found.extend(new)
            while len(self.lines) > MAX_CONVERSATIONS:
                self.lines.popitem(last=False)

    def of(self, address: str) -> list[Line]:
        """Return an address's transcript, oldest line first."""
        with self.lock:
            return list(self.lines.get(address, ()))

    def forget(self, address: str) -> None:
        """Drop an address's transcript."""
        with self.lock:
            self.lines.pop(address, None)


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


def addresses() -> dict[str, str]:
    """Return this browser session's made-up addresses, one per pane, choosing them once."""
    kept = session.get(SESSION_KEY)
    if isinstance(kept, dict) and all(isinstance(kept.get(pane), str) for pane in PANES):
        return {pane: str(kept[pane]) for pane in PANES}
    with get_db(current_app).session() as db_session:
        while True:
            chosen = {"telegram": f"{TELEGRAM_PREFIX}{g.user.id}-{secrets.token_hex(4)}",
                      "sms": f"{SMS_PREFIX}{secrets.randbelow(10**9):09d}"}
            # Random numbers seldom repeat; checking makes "never mixes" certain.
            if not db_session.scalar(select(ConversationSession.id).where(
                    ConversationSession.address.in_(chosen.values())).limit(1)):
                break
    session[SESSION_KEY] = chosen
    return chosen


def telegram_update(form: MultiDict[str, str], now: datetime) -> Update:
    """Return the Telegram update a Telegram pane's form stands for."""
    chat = Chat(0, Chat.PRIVATE)
    if form.get("option"):
        return Update(0, callback_query=CallbackQuery(
            "0", User(0, "Simulator", False), "simulator", message=Message(0, now, chat),
            data=OPTION_PREFIX + form["option"][:64]))
    if form.get("lat") or form.get("lon"):
        lat, lon = coordinate(form.get("lat", ""), 90), coordinate(form.get("lon", ""), 180)
        return Update(0, message=Message(0, now, chat, location=Location(lon, lat)))
    text = form.get("text", "")[:MAX_TEXT]
    if form.get("photo"):
        return Update(0, message=Message(0, now, chat, caption=text or None,
                                         photo=(PhotoSize(PHOTO, PHOTO, 1280, 960),)))
    return Update(0, message=Message(0, now, chat, text=text))


def coordinate(raw: str, limit: float) -> float:
    """Return a latitude or longitude typed in the form (a decimal comma is fine), else 400."""
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        abort(HTTPStatus.BAD_REQUEST, "not a location")
    if not math.isfinite(value) or abs(value) > limit:
        abort(HTTPStatus.BAD_REQUEST, "not a location")
    return value


def said(message: Inbound, form: MultiDict[str, str]) -> str:
    """Return how the transcript shows what the person sent."""
    if message.option is not None:
        return f"[{form.get('label', message.option)[:200]}]"
    if message.location is not None:
        return f"\U0001f4cd {message.location[0]:.5f}, {message.location[1]:.5f}"
    if message.kind == "photo":
        return f"\U0001f5bc {message.text}".rstrip()
    return form.get("text", "")[:MAX_TEXT]


def run(pane: str, address: str, nonce: str) -> tuple[Turn, str] | None:
    """Run the form's message through the pane's adapter and the engine; None if nothing sent."""
    form, now, conversations = request.form, datetime.now(UTC), service(current_app)
    if pane == "telegram":
        found = to_inbound(telegram_update(form, now), now)
        if found is None:
            return None
        message = replace(found, address=address)
    else:
        message = Inbound("sms", address, now, form.get("text", "")[:MAX_TEXT])
    if message.kind == "text" and message.option is None and not message.text.strip():
        return None  # neither app sends an empty message
    # The form's nonce is the message id: a form sent twice is handled once, as on the channels.
    turn = conversations.handle(message, external_id=f"sim-{nonce}",
                                gate=optout.gate_for(conversations) if pane == "sms" else None)
    return turn, said(message, form)


def shown(pane: str, turn: Turn) -> list[Line]:
    """Return a turn's replies as the pane shows them: SMS bodies, or Telegram messages."""
    if pane == "sms":
        bodies = sms_messages(turn.replies, get_settings(current_app).sms_transliterate)
        return [Line(False, body) for body in bodies]
    label = share_label(service(current_app).translate, turn.language)
    return [Line(False, reply.text or "…",
                 tuple(tuple(row) for row in keyboard_rows(reply)),
                 label if reply.ask_location else "") for reply in turn.replies]


def page(pane: str | None = None) -> dict[str, Any]:
    """Return what the page's templates need: panes, addresses, transcripts, form nonces."""
    mine = addresses()
    kept = transcripts(current_app)
    return {"panes": PANES, "addresses": mine, "focus": pane,
            "lines": {name: kept.of(mine[name]) for name in PANES},
            "nonce": lambda: secrets.token_hex(8)}


@bp.get("/")
@admin_required
def index() -> str:
    """Show both chat panes with their transcripts."""
    focus = request.args.get("at")
    return render_template("simulator/index.html", **page(focus if focus in PANES else None))


@bp.post("/send")
@admin_required
def send() -> Response | str:
    """Run one message of a pane through the real engine and show the replies."""
    pane, nonce = request.form.get("pane", ""), request.form.get("nonce", "")
    if pane not in PANES or not NONCE.fullmatch(nonce):
        abort(HTTPStatus.BAD_REQUEST, "unknown pane or missing nonce")
    address = addresses()[pane]
    done = run(pane, address, nonce)
    if done is not None and not done[0].duplicate:
        turn, text = done
        transcripts(current_app).add(address, Line(True, text), *shown(pane, turn))
        with get_db(current_app).transaction() as db_session:
            record(db_session, g.user.id, "simulator", pane=pane, sender=address,
                   filed=list(turn.filed))
    if request.headers.get(FETCHED):
        return render_template("simulator/pane.html", pane=pane, **page(pane))
    return redirect(url_for("simulator.index", at=pane, _anchor=pane))


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
