"""Twilio's inbound SMS webhook: verify the signature, parse, answer (sms/turn.py), TwiML."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache, wraps
from http import HTTPStatus

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from models.phones import normalize_phone
from sms.turn import answer_sms
from sms.whatsapp_turn import answer_whatsapp, is_whatsapp, parse_whatsapp
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
        if not (settings.twilio_auth_token and signature
                and validator_for(settings.twilio_auth_token).validate(url, request.form,
                                                                       signature)):
            abort(HTTPStatus.FORBIDDEN, "bad or missing X-Twilio-Signature")
        return view()

    return checked


@lru_cache(maxsize=8)
def validator_for(token: str) -> RequestValidator:
    """Return the signature validator of an auth token, made once per process."""
    return RequestValidator(token)


def parse_inbound(form: Mapping[str, str]) -> tuple[str, str, str]:
    """Return the sender's E.164 number, the body and the MessageSid, or abort 400."""
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
    return phone, form["Body"], sid


def twiml(messages: Sequence[str]) -> Response:
    """Return a TwiML response with one <Message> per SMS (none: an empty <Response/>)."""
    response = MessagingResponse()
    for body in messages:
        response.message(body)
    return Response(str(response), mimetype="text/xml")


def whatsapp_reply(form: Mapping[str, str]) -> Response:
    """Answer one inbound WhatsApp message (Twilio's form) with TwiML, or abort 400."""
    try:
        message, sid = parse_whatsapp(form, datetime.now(UTC))
    except ValueError as error:
        abort(HTTPStatus.BAD_REQUEST, str(error))
    return twiml(answer_whatsapp(get_conversations(current_app), message, sid).bodies)


@bp.post("/inbound")
@twilio_signed
def inbound_sms() -> Response:
    """Answer one inbound SMS with TwiML (a `whatsapp:` sender is answered as WhatsApp)."""
    if is_whatsapp(request.form.get("From", "")):
        return whatsapp_reply(request.form)
    phone, body, sid = parse_inbound(request.form)
    answered = answer_sms(get_conversations(current_app), phone, body, sid, datetime.now(UTC),
                          get_settings(current_app).sms_transliterate)
    return twiml(answered.bodies)
