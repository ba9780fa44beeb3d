"""A phone writing to the service on WhatsApp through Twilio: signed form posts, TwiML read back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from locales import Catalogs
from tests.fake_twilio import AUTH_TOKEN, FakeTwilio
from tests.twiml import TwimlPhone

PUBLIC = "https://sinjalizo.example.org"
SANDBOX = "whatsapp:+14155238886"
JPEG = b"\xff\xd8\xff\xe0" + b"fake jpeg bytes" * 20


@dataclass
class WhatsAppActions(TwimlPhone):
    """Posts Twilio's WhatsApp form, signed with the fake account's token.

    In a dialog table `/location LAT LON` shares a pin, `/photo` sends an image the fake
    Twilio holds, `/audio` a voice note and `/sticker` a sticker.
    """

    client: FlaskClient
    catalogs: Catalogs
    twilio: FakeTwilio
    path: str = "/whatsapp/inbound"
    sids: Iterator[int] = field(default_factory=lambda: count(1))
    sent: list[list[str]] = field(default_factory=list)

    def form(self, said: str, from_: str, sid: str) -> dict[str, str]:
        """Return the form Twilio posts for one message."""
        base = {"From": f"whatsapp:{from_}", "To": SANDBOX, "MessageSid": sid,
                "AccountSid": self.twilio.account_sid, "ProfileName": "Arta", "NumMedia": "0",
                "WaId": from_.lstrip("+")}
        words = said.split()
        if words[:1] == ["/location"]:
            return {**base, "Body": "", "Latitude": words[1], "Longitude": words[2]}
        media = {"/photo": ("image/jpeg", JPEG), "/audio": ("audio/ogg", b"OggS"),
                 "/sticker": ("image/webp", b"RIFF")}
        if words[:1] and words[0] in media:
            kind, content = media[words[0]]
            url = self.twilio.add_media(sid.replace("SM", "MM", 1),
                                        "ME" + sid[2:], content, kind)
            return {**base, "Body": " ".join(words[1:]), "NumMedia": "1", "MediaUrl0": url,
                    "MediaContentType0": kind}
        return {**base, "Body": said}

    def post(self, said: str, from_: str, sid: str | None = None,
             signature: str | None = None) -> TestResponse:
        """Post one message, signed with the auth token unless a signature is given."""
        form = self.form(said, from_, sid or f"SM{next(self.sids):032d}")
        if signature is None:
            signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + self.path, form)
        return self.client.post(self.path, data=form, headers={"X-Twilio-Signature": signature})

    def expects(self, text: str, wanted: str, language: str) -> bool:
        """Tell whether the answer holds a fragment or a msgid's translation, as written."""
        if wanted.casefold() in text.casefold():
            return True
        pieces = re.split(r"\{[^}]*\}", self.catalogs.gettext(wanted, language))
        return all(p.strip().casefold() in text.casefold() for p in pieces if p.strip())
