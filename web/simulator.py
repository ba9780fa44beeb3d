"""The simulator: the real engine in the browser, as a Telegram-like and an SMS-like chat.

For trying flows and training staff. It runs its own conversation service with
`simulated=True`: its reports are stored, marked simulated, and alert nobody. Each browser
session talks from its own made-up addresses, so it never mixes with real people. The
conversation state is in the database like any other; the transcript shown is kept in the
app's memory (bounded), so a restart of the server forgets what was said, not where one is.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field
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
    session,
    url_for,
)
from werkzeug.wrappers import Response

from handlers.types import Inbound
from models.db import get_db
from service.conversation import Conversations
from service.render import RenderedReply
from service.setup import build_conversations
from sms.gsm import transliterate
from sms.render import sms_text
from web import get_catalogs, get_settings
from web.audit import record
from web.auth import admin_required

bp = Blueprint("simulator", __name__, url_prefix="/simulator")
SERVICE_KEY, TRANSCRIPTS_KEY = "sinjalizo.simulator", "sinjalizo.simulator.transcripts"
PANES = ("telegram", "sms")
MAX_CONVERSATIONS, MAX_LINES, MAX_TEXT = 200, 60, 1000
PHOTO = "SIMULATED-PHOTO"


@dataclass(frozen=True)
class Line:
    """One message in a pane: who said it, the text, and the buttons under it."""

    mine: bool
    text: str
    options: tuple[tuple[str, str], ...] = ()
    ask_location: bool = False


@dataclass
class Transcripts:
    """The last messages of each simulator address, at most 200 addresses of 60 lines."""

    lines: OrderedDict[str, deque[Line]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, address: str, *new: Line) -> None:
        """Append lines to an address's transcript, forgetting the oldest address if full."""
        with self.lock:
            found = self.lines.setdefault(address, deque(maxlen=MAX_LINES))
            self.lines.move_to_end(address)
            found.extend(new)
            while len(self.lines) > MAX_CONVERSATIONS:
                self.lines.popitem(last=False)

    def of(self, address: str) -> list[Line]:
        """Return an address's transcript."""
        with self.lock:
            return list(self.lines.get(address, ()))


def service(app: Flask) -> Conversations:
    """Return the simulator's own conversation service (simulated reports only)."""
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
    """Return this browser session's made-up addresses, one per pane."""
    token = session.get("simulator")
    if not isinstance(token, str):
        token = session["simulator"] = secrets.token_hex(4)
    digits = str(int(token, 16) % 10_000_000).zfill(7)
    return {"telegram": f"sim-{token}", "sms": f"+383990{digits}"}


def shown(pane: str, reply: RenderedReply) -> Line:
    """Return a reply as the pane shows it: SMS as the text message reads, Telegram with buttons."""
    if pane == "sms":
        text = sms_text(reply)
        return Line(False, transliterate(text) if get_settings(current_app).sms_transliterate
                    else text)
    return Line(False, reply.text, reply.options, reply.ask_location)


def inbound(pane: str, address: str) -> tuple[Inbound, str]:
    """Build the message a pane's form sent, and how the transcript shows it."""
    form, now = request.form, datetime.now(UTC)
    if pane == "telegram" and form.get("option"):
        option = form["option"][:64]
        label = form.get("label", option)[:200]
        return Inbound(pane, address, now, option=option), f"[{label}]"
    if pane == "telegram" and form.get("lat") and form.get("lon"):
        try:
            where = (float(form["lat"]), float(form["lon"]))
        except ValueError:
            abort(HTTPStatus.BAD_REQUEST, "not a location")
        return Inbound(pane, address, now, kind="location", location=where), \
            f"📍 {where[0]:.5f}, {where[1]:.5f}"
    if pane == "telegram" and form.get("photo"):
        return Inbound(pane, address, now, kind="photo", photo=PHOTO), "🖼"
    text = form.get("text", "")[:MAX_TEXT]
    return Inbound(pane, address, now, text), text


@bp.get("/")
@admin_required
def index() -> str:
    """Show both chat panes with their transcripts."""
    mine = addresses()
    kept = transcripts(current_app)
    return render_template("simulator/index.html", panes=PANES, addresses=mine,
                           lines={pane: kept.of(mine[pane]) for pane in PANES})


@bp.post("/send")
@admin_required
def send() -> Response:
    """Run one message of a pane through the real engine and show the replies."""
    pane = request.form.get("pane", "")
    if pane not in PANES:
        abort(HTTPStatus.BAD_REQUEST, "unknown pane")
    address = addresses()[pane]
    message, said = inbound(pane, address)
    turn = service(current_app).handle(message, external_id=f"sim-{uuid.uuid4().hex}")
    transcripts(current_app).add(address, Line(True, said),
                                 *(shown(pane, reply) for reply in turn.replies))
    with get_db(current_app).transaction() as db_session:
        record(db_session, g.user.id, "simulator", pane=pane, filed=list(turn.filed))
    return redirect(url_for("simulator.index", _anchor=pane))


@bp.post("/restart")
@admin_required
def restart() -> Response:
    """Start again from new addresses (the old conversations are left to expire)."""
    session.pop("simulator", None)
    return redirect(url_for("simulator.index"))


def init_app(app: Flask) -> None:
    """Serve the simulator."""
    app.register_blueprint(bp)
