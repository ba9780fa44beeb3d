"""Twilio's inbound WhatsApp webhook: `POST /whatsapp/inbound`, signed and answered like SMS."""

from __future__ import annotations

from flask import Blueprint, Response, request

from sms.webhook import twilio_signed, whatsapp_reply

bp = Blueprint("whatsapp", __name__, url_prefix="/whatsapp")


@bp.post("/inbound")
@twilio_signed
def inbound_whatsapp() -> Response:
    """Answer one inbound WhatsApp message with TwiML."""
    return whatsapp_reply(request.form)
