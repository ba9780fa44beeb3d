"""The SMS sender of the alerts dispatcher: Twilio's REST API through the real twilio client.

Each Twilio number sends at SMS_RATE_PER_SECOND, a rate bucket shared by every worker
(alerts/limits.py); a 429 pauses the number for its Retry-After, whoever sends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from alerts.pacing import Limit, Rate
from alerts.senders import OutgoingMessage, Permanent, RetryLater, SendResult, Sent
from models.db import Database
from models.messaging import BULK_LANE, lane_of
from sinjalizo.settings import Settings
from sms.gsm import transliterate
from sms.optout import mark_opted_out

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
UNSUBSCRIBED = 21610  # "Attempt to send to unsubscribed recipient": the person sent STOP
SEND_TIMEOUT = 10.0  # seconds; far below the dispatcher's lease, so a hung send is retried
CREDENTIALS_RETRY_SECONDS = 60.0  # refused credentials: retried about once a minute until fixed


class RoutedHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio is untyped
    """Twilio's own HTTP client, sent to another API base and keeping each reply's headers.

    Of the ways to point the library elsewhere we chose the supported one: the `http_client`
    argument of `twilio.rest.Client`, here a `TwilioHttpClient` subclass that rewrites the
    `https://api.twilio.com` prefix of each URL to TWILIO_API_BASE (a local fake in tests).
    It also remembers the last response per thread, since `TwilioRestException` drops the
    headers and a 429's Retry-After is needed.
    """

    def __init__(self, api_base: str = "", timeout: float = SEND_TIMEOUT) -> None:
        """Route requests to `api_base` (empty: Twilio's), each given `timeout` seconds."""
        super().__init__(timeout=timeout)
        self.api_base = api_base.rstrip("/")
        self._local = threading.local()

    def request(self, method: str, url: str, params: dict[str, object] | None = None,
                data: dict[str, object] | None = None, headers: dict[str, str] | None = None,
                auth: tuple[str, str] | None = None, timeout: float | None = None,
                allow_redirects: bool = False) -> Response:
        """Send one API request to the configured base and remember its response."""
        if self.api_base and url.startswith(TWILIO_API):
            url = self.api_base + url[len(TWILIO_API):]
        self._local.response = None
        response: Response = super().request(method, url, params=params, data=data,
                                             headers=headers, auth=auth, timeout=timeout,
                                             allow_redirects=allow_redirects)
        self._local.response = response
        return response

    def last_header(self, name: str) -> str | None:
        """Return a header of this thread's last response, if there was one."""
        response = getattr(self._local, "response", None)
        headers: Any = getattr(response, "headers", None) or {}
        value = headers.get(name)
        return str(value) if value is not None else None


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Read a Retry-After header, in seconds or as an HTTP date; None when absent or odd."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


def number_key(phone: str) -> str:
    """Return the rate bucket key of one sending number."""
    return f"sms:{phone}"


class TwilioSender:
    """Sends SMS through `twilio.rest.Client`; failures come back as values, never raised."""

    channel = "sms"

    def __init__(self, settings: Settings, db: Database | None = None, *,
                 timeout: float = SEND_TIMEOUT) -> None:
        """Send as `settings.twilio_from`; record opt-outs in `db` (else settings' database)."""
        self.settings = settings
        self.http = RoutedHttpClient(settings.twilio_api_base, timeout=timeout)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                             http_client=self.http)
        self._db = db
        self._db_lock = threading.Lock()
        self._pace(number_key(settings.twilio_from))

    def _pace(self, key: str) -> None:
        """Pace every send on one sending number's bucket: alerts with a burst, bulk without."""
        self.key = key
        rate = self.settings.sms_rate_per_second
        # A burst of up to a second's worth, then the rate: as the provider account allows.
        self._limits = [Limit(key, Rate(rate, burst=max(1, int(rate))))] if rate > 0 else []
        # Bulk messages (campaigns) take the same bucket without the burst: they never run
        # ahead of the rate, and leave the burst to alerts.
        self._bulk_limits = [Limit(key, Rate(rate))] if rate > 0 else []

    def limits(self, message: OutgoingMessage) -> Sequence[Limit]:
        """Return the sending number's bucket (none when SMS_RATE_PER_SECOND is 0)."""
        return self._bulk_limits if lane_of(message.purpose) == BULK_LANE else self._limits

    def send(self, message: OutgoingMessage) -> SendResult:
        """Hand one message to Twilio and translate the answer into a dispatcher outcome."""
        try:
            sid = self._create(message)
        except TwilioRestException as exc:
            return self._failure(message, exc)
        except (requests.RequestException, TwilioException, OSError) as exc:
            # Timeouts, refused connections, an unreadable answer: the provider may recover.
            return RetryLater(f"twilio unreachable: {exc!r}")
        except Exception as exc:
            log.exception("outbox %s: the twilio client failed", message.outbox_id)
            return RetryLater(f"twilio client error: {exc!r}")
        return Sent(provider_id=sid)

    def _create(self, message: OutgoingMessage) -> str:
        """Create the SMS (GSM-7 when transliterating); return Twilio's sid."""
        body = transliterate(message.text) if self.settings.sms_transliterate else message.text
        created = self.client.messages.create(
            to=message.address, from_=self.settings.twilio_from, body=body,
            status_callback=self.settings.public_base_url + "/sms/status")
        return str(created.sid)

    def _failure(self, message: OutgoingMessage, exc: TwilioRestException) -> SendResult:
        """Map Twilio's error answer to retry or permanent, recording an unsubscribed number."""
        error = f"twilio {exc.status} {exc.code or ''}: {exc.msg}".strip()
        if exc.status == 429:
            now = datetime.now(UTC)
            return RetryLater(error, retry_after_seconds(self.http.last_header("Retry-After"),
                                                         now), pause=self.key)
        if exc.status >= 500:
            return RetryLater(error)
        if exc.status == 401:
            # Our credentials, not the number: failing for good would escalate every alert
            # at once to contacts who cannot be reached either. Keep them, and raise the alarm.
            log.error("Twilio refused the credentials (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN):"
                      " SMS are held and retried until they are fixed")
            return RetryLater(f"{error} (credentials refused)", CREDENTIALS_RETRY_SECONDS)
        if exc.code == UNSUBSCRIBED:
            self._record_opt_out(message.address)
            return Permanent(error, opted_out=True)
        return Permanent(error)

    def _record_opt_out(self, phone: str) -> None:
        """Mark `phone` opted out; a database failure is logged, the outcome stands."""
        try:
            with self._database().transaction() as session:
                mark_opted_out(session, phone, datetime.now(UTC))
        except Exception:
            log.exception("could not record that %s opted out", phone)

    def _database(self) -> Database:
        """Return the database for opt-outs, opening the settings' one on first use."""
        with self._db_lock:
            if self._db is None:
                self._db = Database(self.settings.db_url)
            return self._db
