"""Twilio's inbound SMS webhook: verify the signature, parse, run the conversation, answer TwiML."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import wraps
from http import HTTPStatus

from flask import Blueprint, Flask, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from handlers.types import Inbound
from models.phones import normalize_phone
from service.render import RenderedReply
from sms import optout
from sms.render import sms_messages
from web import get_conversations, get_settings

bp = Blueprint("sms", __name__, url_prefix="/sms")
REQUIRED = ("From", "Body", "MessageSid")


def twilio_signed(view: Callable[[], Response]) -> Callable[[], Response]:
    """Refuse (403) any request whose X-Twilio-Signature does not match the public URL."""

    @wraps(view)
    def checked() -> Response:
        """Check the signature, then run the view."""
        settings = get_settings(current_app)
        signature = request.headers.get("X-Twilio-Signature", "")
        # Twilio signs the URL it called, which behind a proxy is the public one, not ours.
        url = settings.public_base_url + request.path
        if request.query_string:
            url += "?" + request.query_string.decode("utf-8", "replace")
        validator = RequestValidator(settings.twilio_auth_token)
        if not (settings.twilio_auth_token and signature
                and validator.validate(url, request.form, signature)):
            abort(HTTPStatus.FORBIDDEN, "bad or missing X-Twilio-Signature")
        return view()

    return checked


def parse_inbound(form: Mapping[str, str], now: datetime) -> tuple[Inbound, str]:
    """Return the neutral message and Twilio's MessageSid, or abort 400 on a malformed form."""
    missing = [name for name in REQUIRED if name not in form]
    if missing:
        abort(HTTPStatus.BAD_REQUEST, f"missing {', '.join(missing)}")
    try:
        phone = normalize_phone(form["From"])
    except ValueError:
        abort(HTTPStatus.BAD_REQUEST, "From is not a phone number")
    sid = form["MessageSid"].strip()
    if not sid:
        abort(HTTPStatus.BAD_REQUEST, "empty MessageSid")
    return Inbound("sms", phone, now, form["Body"]), sid


def answer(app: Flask, inbound: Inbound, sid: str) -> tuple[RenderedReply, ...]:
    """Return the replies: opt-out words and opted-out numbers first, then the conversation."""
    conversations = get_conversations(app)
    return conversations.handle(inbound, external_id=sid,
                                gate=optout.gate_for(conversations)).replies


def twiml(messages: list[str]) -> Response:
    """Return a TwiML response with one <Message> per SMS (none: an empty <Response/>)."""
    response = MessagingResponse()
    for body in messages:
        response.message(body)
    return Response(str(response), mimetype="text/xml")


@bp.post("/inbound")
@twilio_signed
def inbound_sms() -> Response:
    """Answer one inbound SMS with TwiML."""
    message, sid = parse_inbound(request.form, datetime.now(UTC))
    replies = answer(current_app, message, sid)
    return twiml(sms_messages(replies, get_settings(current_app).sms_transliterate))
