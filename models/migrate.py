"""Run Alembic migrations programmatically, for the CLI, the release step and tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from models.db import make_engine
from models.tallies import catch_up

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    """Build an Alembic configuration pointing at our migrations and `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Percent signs in passwords would be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`; at the head, tally any report not yet counted.

    The roll-ups of the statistics are kept current by the code that changes reports; rows
    written otherwise (the upgrade that brought the roll-ups, a bulk load) are counted here.
    """
    config = alembic_config(url)
    command.upgrade(config, revision)
    if revision == "head" or revision == ScriptDirectory.from_config(config).get_current_head():
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                catch_up(connection)
        finally:
            engine.dispose()


def downgrade(url: str, revision: str) -> None:
    """Take the database at `url` back to `revision`."""
    command.downgrade(alembic_config(url), revision)
