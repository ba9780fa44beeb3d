"""A phone writing to one of our Twilio webhooks: what SMS and WhatsApp test helpers share."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from xml.etree import ElementTree

from werkzeug.test import TestResponse

from tests.dialog import Row


def twiml_messages(response: TestResponse) -> list[str]:
    """Return the message bodies of a webhook's TwiML answer, checking that it is one."""
    assert response.status_code == HTTPStatus.OK, response.data
    assert response.mimetype == "text/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == "Response"
    return [element.text or "" for element in root.iter("Message")]


class TwimlPhone:
    """Sends messages to a Twilio webhook and replays dialog tables over it.

    A subclass says how a message is posted (`post`) and how an answer shows a wanted
    fragment (`expects`), and keeps every answer in `sent`.
    """

    sent: list[list[str]]

    def post(self, said: str, from_: str, sid: str | None = None,
             signature: str | None = None) -> TestResponse:
        """Post one message to the webhook, signed."""
        raise NotImplementedError

    def expects(self, text: str, wanted: str, language: str) -> bool:
        """Tell whether an answer holds a wanted fragment or msgid."""
        raise NotImplementedError

    def send(self, said: str, from_: str, sid: str | None = None) -> list[str]:
        """Send one message and return the bodies of the TwiML answer."""
        messages = twiml_messages(self.post(said, from_, sid))
        self.sent.append(messages)
        return messages

    def replay(self, table: Sequence[Row], from_: str, language: str = "sq") -> list[str]:
        """Play a dialog table over the webhook, checking each answer."""
        answers = []
        for said, wanted in table:
            text = "\n".join(self.send(said, from_))
            for fragment in (wanted,) if isinstance(wanted, str) else wanted:
                assert self.expects(text, fragment, language), (
                    f"after {said[:60]!r} expected {fragment!r} in:\n{text}")
            answers.append(text)
        return answers
