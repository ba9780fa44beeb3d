"""Telegram's sending limits as rate buckets, shared by the worker, the webhook and polling.

Telegram allows a bot about 30 messages a second in all, 1 a second in one chat and 20 a
minute in one group, and a 429 answer's `retry_after` holds back the whole bot, not only the
chat that got it. The buckets are keyed by the bot's id (the token's part before the colon,
which is no secret), so two bots never share a limit, and live in the database
(alerts/limits.py), so every process sending as the bot keeps them together.

Replies to a person who just wrote (the webhook, polling) take their slot without waiting
for it: the person is waiting for the answer to their own message, a web worker must not
sleep through a queue of alerts, and Telegram tolerates a short burst in a chat. The slot
still counts, so the worker leaves room for it. Only a pause (a 429) holds a reply back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from alerts.pacing import Limit, Rate

BOT_RATE = Rate(30.0)  # "about 30 messages per second" for the whole bot
CHAT_RATE = Rate(1.0)  # "no more than one message per second" in one chat
GROUP_RATE = Rate(20.0 / 60.0)  # "no more than 20 messages per minute" in one group
# Methods that put a message into a chat (or change one); a button's answer is not one.
COUNTED_METHODS = frozenset({"sendMessage", "sendPhoto", "editMessageText",
                             "editMessageCaption", "editMessageReplyMarkup"})
# A reply waits out a pause this short rather than asking Telegram to deliver the update again.
REPLY_WAITS_AT_MOST = 1.0


def bot_key(token: str) -> str:
    """Return the bucket key of the whole bot of `token`."""
    return f"telegram:{token.split(':', 1)[0]}"


def chat_limits(token: str, chat_id: object) -> list[Limit]:
    """Return the buckets one message to `chat_id` counts against: the bot's and the chat's."""
    bot = bot_key(token)
    chat = str(chat_id)
    if chat.startswith(("-", "@")):  # groups and channels have negative ids or @names
        return [Limit(bot, BOT_RATE), Limit(f"{bot}:group:{chat}", GROUP_RATE)]
    return [Limit(bot, BOT_RATE), Limit(f"{bot}:chat:{chat}", CHAT_RATE)]


def call_limits(token: str, method: str, parameters: dict[str, Any]) -> list[Limit]:
    """Return the buckets a Bot API call counts against (none for a button's answer)."""
    chat = parameters.get("chat_id")
    if method not in COUNTED_METHODS or chat is None:
        return []
    return chat_limits(token, chat)


def counted(token: str, calls: Iterable[tuple[str, dict[str, Any]]]) -> list[list[Limit]]:
    """Return the buckets of each counted call among `calls` (method, parameters)."""
    return [limits for method, parameters in calls
            if (limits := call_limits(token, method, parameters))]


def retry_after(body: Any) -> float | None:
    """Return the `retry_after` of a Bot API 429 answer, if it says one."""
    parameters = body.get("parameters") if isinstance(body, dict) else None
    wait = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(wait) if isinstance(wait, int | float) else None
