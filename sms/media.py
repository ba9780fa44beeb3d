"""A WhatsApp photo fetched from Twilio with the account's credentials, never stored here.

Twilio keeps the media a person sent; we keep its URL (MediaUrl0). The URL answers only with
the account's credentials (HTTP basic auth, TWILIO_ACCOUNT_SID:TWILIO_AUTH_TOKEN), and only
URLs on Twilio's API (or TWILIO_API_BASE) are ever fetched, whatever an attachment says.
Twilio answers with a redirect to its media store, which is followed without the credentials.
"""

from __future__ import annotations

import httpx

from sinjalizo.settings import Settings
from sms.sender import TWILIO_API

TIMEOUT = 15.0
MAX_BYTES = 16 * 1024 * 1024  # WhatsApp's own limit on an image is 5 MB; some room above


class MediaError(Exception):
    """The media could not be fetched: not configured, not Twilio's, or Twilio failed."""


def media_location(settings: Settings, url: str) -> str:
    """Return where to fetch a stored media URL (TWILIO_API_BASE in place of Twilio's).

    :raise MediaError: when the URL is not on Twilio's API.
    """
    if not url.startswith(TWILIO_API + "/"):
        raise MediaError("not a Twilio media URL")
    base = settings.twilio_api_base.rstrip("/")
    return base + url[len(TWILIO_API):] if base else url


def fetch_media(settings: Settings, url: str,
                client: httpx.Client | None = None) -> tuple[bytes, str]:
    """Return a WhatsApp media's bytes and content type, fetched with the account's credentials.

    :raise MediaError: when Twilio is not configured, the URL is not Twilio's, or the fetch fails.
    """
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise MediaError("Twilio is not configured")
    location = media_location(settings, url)
    auth = (settings.twilio_account_sid, settings.twilio_auth_token)
    own = client is None
    http = client or httpx.Client(timeout=TIMEOUT)
    try:
        response = http.get(location, auth=auth, follow_redirects=False)
        if response.is_redirect:
            # The media store's address is signed: the account's credentials stay with Twilio.
            response = http.get(response.headers["Location"], follow_redirects=True)
    except (httpx.HTTPError, KeyError) as error:
        raise MediaError(f"Twilio could not be reached: {error!r}") from error
    finally:
        if own:
            http.close()
    if response.status_code != 200 or len(response.content) > MAX_BYTES:
        raise MediaError(f"Twilio answered {response.status_code}")
    kind = response.headers.get("Content-Type", "").split(";")[0].strip()
    return response.content, kind if kind.startswith("image/") else "image/jpeg"
