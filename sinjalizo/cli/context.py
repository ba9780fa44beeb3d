"""What every sub-command shares: settings and a lazily opened database."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.db import Database
from sinjalizo.settings import Settings


@dataclass
class CliContext:
    """Holds the settings and opens the database on first use."""

    settings: Settings
    _db: Database | None = field(default=None, repr=False)

    @property
    def db(self) -> Database:
        """Return the database named by the settings, connecting on first use."""
        if self._db is None:
            self._db = Database(self.settings.db_url)
        return self._db

    def close(self) -> None:
        """Release the database connections, if any were opened."""
        if self._db is not None:
            self._db.dispose()
