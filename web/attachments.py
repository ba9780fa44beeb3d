"""A report's photos, fetched from Telegram or Twilio and shown only to authorised users.

Telegram keeps the file; we keep its file_id. On request the bot asks Telegram for the
file's path (getFile) and the bytes are passed on, never stored here, never public. A
WhatsApp photo is kept as Twilio's media URL and fetched with the account's credentials
(sms/media.py).
"""

from __future__ import annotations

from http import HTTPStatus

import httpx
from flask import Blueprint, Flask, Response, abort, current_app, g
from sqlalchemy import select

from bot.webhook import bot_api_client
from models import Attachment, User
from models.db import get_db
from sms.media import MediaError, fetch_media
from web import get_settings
from web.audit import record
from web.auth import login_required
from web.reports import scoped_report

bp = Blueprint("attachments", __name__)
TIMEOUT = 15.0
MAX_BYTES = 20 * 1024 * 1024  # Telegram's own limit for bots downloading a file
PHOTO_CHANNELS = frozenset({"telegram", "whatsapp"})  # where a stored photo can be fetched


def file_base(api_base: str) -> str:
    """Return the Bot API's file address for an API base such as https://api.telegram.org/bot."""
    head, _, _ = api_base.rpartition("/bot")
    return f"{head}/file/bot"


def fetch_telegram_file(file_id: str) -> tuple[bytes, str]:
    """Return a Telegram file's bytes and content type; abort 502 when Telegram fails."""
    settings = get_settings(current_app)
    if not settings.telegram_bot_token:
        abort(HTTPStatus.NOT_FOUND, "Telegram is not configured")
    api = f"{settings.telegram_api_base}{settings.telegram_bot_token}"
    client = bot_api_client(current_app)
    try:
        found = client.post(f"{api}/getFile", json={"file_id": file_id}, timeout=TIMEOUT).json()
        path = found.get("result", {}).get("file_path") if isinstance(found, dict) else None
        if not isinstance(path, str):
            abort(HTTPStatus.BAD_GATEWAY, "Telegram no longer has this file")
        response = client.get(
            f"{file_base(settings.telegram_api_base)}{settings.telegram_bot_token}/{path}",
            timeout=TIMEOUT)
    except (httpx.HTTPError, ValueError):
        abort(HTTPStatus.BAD_GATEWAY, "Telegram could not be reached")
    if response.status_code != HTTPStatus.OK or len(response.content) > MAX_BYTES:
        abort(HTTPStatus.BAD_GATEWAY, "Telegram did not send the file")
    kind = response.headers.get("Content-Type", "")
    if not kind.startswith("image/"):
        kind = "image/jpeg"  # Telegram serves photos as JPEG, often labelled octet-stream
    return response.content, kind


def fetch_whatsapp_media(url: str) -> tuple[bytes, str]:
    """Return a WhatsApp photo's bytes and content type; abort 502 when Twilio fails."""
    try:
        return fetch_media(get_settings(current_app), url)
    except MediaError as error:
        abort(HTTPStatus.BAD_GATEWAY, str(error))


def fetch_attachment(channel: str, file_id: str) -> tuple[bytes, str]:
    """Return a stored photo's bytes and content type from the channel that holds it; 404 else."""
    if channel == "whatsapp":
        return fetch_whatsapp_media(file_id)
    if channel == "telegram":
        return fetch_telegram_file(file_id)
    abort(HTTPStatus.NOT_FOUND)


@bp.get("/reports/<reference>/attachments/<int:attachment_id>")
@login_required
def attachment(reference: str, attachment_id: int) -> Response:
    """Serve one photo of a report the user may see."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        report = scoped_report(session, user, reference)
        found = session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                        Attachment.report_id == report.id))
        if found is None or found.channel not in PHOTO_CHANNELS:
            abort(HTTPStatus.NOT_FOUND)
        record(session, user.id, "attachment", report.id, attachment=found.id)
        file_id, channel, simulated = found.file_id, found.channel, report.simulated
    if simulated:
        # The simulator's photo exists nowhere; a drawing stands in for it.
        return current_app.send_static_file("simulated-photo.svg")
    content, kind = fetch_attachment(channel, file_id)
    return Response(content, mimetype=kind, headers={
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


def init_app(app: Flask) -> None:
    """Serve attachments."""
    app.register_blueprint(bp)
