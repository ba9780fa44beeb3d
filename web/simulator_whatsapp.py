"""The simulator's WhatsApp pane: each form posted as Twilio would post it, and answered so.

The pane's form (text, a pin, a photo, a sticker, a voice note) becomes the form Twilio posts
for a WhatsApp message, read by the webhook's own parser and answered by its own turn
(sms/whatsapp_turn.py), so the transcript shows the WhatsApp messages a phone receives: the
SMS layout with numbered options, ë and ç kept, split at 1,600 characters.
"""

from __future__ import annotations

from datetime import UTC, datetime

from werkzeug.datastructures import MultiDict

from handlers.types import TeacherInfo
from service.conversation import Conversations
from sms.whatsapp_turn import answer_whatsapp, whatsapp_address, whatsapp_inbound
from web.simulator_panes import MAX_TEXT, PHOTO, Exchange, coordinate
from web.simulator_transcript import Line

# What the pane can attach, as Twilio names its content type.
MEDIA = {"photo": "image/jpeg", "sticker": "image/webp", "voice": "audio/ogg"}
SHOWN_MEDIA = {"sticker": "\U0001f9f8", "voice": "\U0001f3a4"}  # a teddy bear, a microphone


def whatsapp_form(form: MultiDict[str, str], address: str, nonce: str) -> dict[str, str] | None:
    """Return the form Twilio would post for a WhatsApp pane's form; None if empty."""
    text = form.get("text", "")[:MAX_TEXT]
    # The form's nonce is the MessageSid: a form sent twice is handled once, as on Twilio.
    base = {"From": whatsapp_address(address), "MessageSid": f"sim-{nonce}", "Body": text}
    if form.get("lat") or form.get("lon"):
        lat, lon = coordinate(form.get("lat", ""), 90), coordinate(form.get("lon", ""), 180)
        return {**base, "Body": "", "Latitude": repr(lat), "Longitude": repr(lon)}
    media = "photo" if form.get("photo") else form.get("media", "")
    if media in MEDIA:
        # PHOTO is no Twilio URL: nothing ever fetches it, and the dashboard draws a stand-in.
        return {**base, "NumMedia": "1", "MediaUrl0": PHOTO, "MediaContentType0": MEDIA[media],
                "Body": text if media == "photo" else ""}
    return base if text.strip() else None  # WhatsApp sends no empty message


def whatsapp_said(twilio: dict[str, str], form: MultiDict[str, str]) -> str:
    """Return how the transcript shows what the WhatsApp pane sent."""
    if "Latitude" in twilio:
        return f"\U0001f4cd {float(twilio['Latitude']):.5f}, {float(twilio['Longitude']):.5f}"
    if twilio.get("MediaContentType0") == MEDIA["photo"]:
        return f"\U0001f5bc {twilio['Body']}".rstrip()
    if "MediaUrl0" in twilio:
        return SHOWN_MEDIA[form.get("media", "")]
    return twilio["Body"]


def whatsapp_exchange(conversations: Conversations, form: MultiDict[str, str], address: str,
                      nonce: str, teacher: TeacherInfo | None) -> Exchange | None:
    """Answer the WhatsApp pane's form as the webhook answers Twilio's; None if nothing ran."""
    twilio = whatsapp_form(form, address, nonce)
    if twilio is None:
        return None
    message = whatsapp_inbound(twilio, address, datetime.now(UTC))
    answered = answer_whatsapp(conversations, message, twilio["MessageSid"], teacher=teacher)
    if answered.turn.duplicate:
        return None
    return Exchange([Line(True, whatsapp_said(twilio, form))] + [
        Line(False, body, characters=len(body)) for body in answered.bodies],
        answered.turn.filed)
