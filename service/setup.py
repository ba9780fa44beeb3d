"""Building the conversation service from settings, for the web app, the CLI and the bot."""

from __future__ import annotations

from locales import Catalogs
from models.db import Database
from service.conversation import Conversations
from service.places import PlaceIndex
from sinjalizo.settings import Settings


def build_conversations(db: Database, settings: Settings, *,
                        catalogs: Catalogs | None = None,
                        simulated: bool = False) -> Conversations:
    """Return a conversation service over `db`, configured by `settings`."""
    return Conversations(
        db, catalogs or Catalogs.load(), PlaceIndex(),
        default_language=settings.default_language,
        timeout_minutes=settings.session_timeout_minutes, simulated=simulated,
    )
