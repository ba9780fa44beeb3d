"""Telegram's webhook: check the secret header, run the update like polling, answer 200.

The replies count against the bot's shared rate buckets (bot/limits.py) like the worker's
alerts: each takes its slot at once, without waiting, and only a bot paused by a 429 holds
them back. Then the webhook answers 503 before calling Telegram at all, and Telegram delivers
the update again later; the turn is stored by update_id, so the redelivery sends the same
replies and files nothing twice.
"""

from __future__ import annotations

import hmac
import json
import logging
import math
import threading
import time
from http import HTTPStatus
from typing import Any

import httpx
from flask import Blueprint, Flask, Response, abort, current_app, request
from telegram import TelegramObject, Update

from alerts.limits import SharedLimits
from bot.limits import REPLY_WAITS_AT_MOST, bot_key, counted, retry_after
from bot.updates import Call, handle_update
from models.db import get_db
from web import get_conversations, get_settings

log = logging.getLogger(__name__)
bp = Blueprint("telegram", __name__, url_prefix="/telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SEND_TIMEOUT = 10.0
HTTP_KEY = "sinjalizo.telegram_http"


class BotApiClient:
    """One HTTP client per app for the Bot API calls answering updates, built on first use.

    It keeps connections to Telegram open between updates; building a client per update cost
    more (about 35 ms for its TLS context) than handling the update itself.
    """

    def __init__(self) -> None:
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def get(self) -> httpx.Client:
        """Return the client, building it once."""
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(timeout=SEND_TIMEOUT)
            return self._client


def init_app(app: Flask) -> None:
    """Serve the webhook, with the app's Bot API client."""
    app.extensions[HTTP_KEY] = BotApiClient()
    app.register_blueprint(bp)


def bot_api_client(app: Flask) -> httpx.Client:
    """Return the app's Bot API client (the dashboard fetches photos with it too)."""
    holder = app.extensions.get(HTTP_KEY)
    if not isinstance(holder, BotApiClient):
        raise RuntimeError("the Telegram webhook was not set up with init_app()")
    return holder.get()


def _take_reply_slots(limits: SharedLimits, token: str,
                      calls: list[tuple[str, dict[str, Any]]]) -> None:
    """Count the replies in the bot's buckets; abort 503 while the bot is paused by a 429."""
    for wanted in counted(token, calls):
        wait = limits.take(wanted, force=True)
        if 0 < wait <= REPLY_WAITS_AT_MOST:
            time.sleep(wait)  # the pause is nearly over: answer now rather than much later
            wait = limits.take(wanted, force=True)
        if wait > 0:
            log.warning("bot paused by Telegram for %.1f s: asking for the update again", wait)
            abort(Response("bot paused by Telegram's flood control",
                           HTTPStatus.SERVICE_UNAVAILABLE,
                           headers={"Retry-After": str(math.ceil(wait))}))


def _call(client: httpx.Client, url: str, parameters: dict[str, Any],
          limits: SharedLimits, token: str) -> None:
    """POST one Bot API method; a 5xx, 429 or network error aborts 502 so Telegram retries."""
    try:
        response = client.post(url, json=parameters)
    except httpx.HTTPError:
        log.exception("Telegram API unreachable")
        abort(HTTPStatus.BAD_GATEWAY, "Telegram API unreachable")
    if response.status_code >= 500:
        abort(HTTPStatus.BAD_GATEWAY, "Telegram API error")
    if response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
        # Flood control holds back the whole bot: pause it for every process, and let
        # Telegram deliver the update again, so the person still gets the answer.
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        limits.pause(bot_key(token), retry_after(body) or 1.0)
        abort(HTTPStatus.BAD_GATEWAY, "Telegram flood control")
    if response.status_code >= 400:
        # Blocked bot, deleted chat: retrying would not help; the turn is already stored.
        log.warning("Telegram refused %s: %s", url.rsplit("/", 1)[-1], response.text[:200])


def _json_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """Return a call's parameters as JSON values (a keyboard object as Telegram's dict)."""
    return {key: value.to_dict() if isinstance(value, TelegramObject) else value
            for key, value in parameters.items()}


@bp.post("/webhook")
def telegram_webhook() -> Response:
    """Handle one update Telegram pushed, once per update_id."""
    settings = get_settings(current_app)
    secret = settings.telegram_webhook_secret
    given = request.headers.get(SECRET_HEADER, "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        abort(HTTPStatus.FORBIDDEN, "bad or missing secret token")
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        abort(HTTPStatus.BAD_REQUEST, "not a Telegram update")
    try:
        update = Update.de_json(data)
    except (KeyError, TypeError, ValueError):
        abort(HTTPStatus.BAD_REQUEST, "malformed Telegram update")
    calls: list[Call] = handle_update(get_conversations(current_app), update)
    token = settings.telegram_bot_token
    base = f"{settings.telegram_api_base}{token}"
    client = bot_api_client(current_app)
    limits = SharedLimits(get_db(current_app))
    made = [(call.method, _json_parameters(call.parameters)) for call in calls]
    _take_reply_slots(limits, token, made)
    for method, parameters in made:
        _call(client, f"{base}/{method}", parameters, limits, token)
    return Response(json.dumps({"ok": True}), mimetype="application/json")
